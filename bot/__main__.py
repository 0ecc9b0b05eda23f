"""`python -m bot` is the deskbot command line."""

from bot.cli import main

raise SystemExit(main())
