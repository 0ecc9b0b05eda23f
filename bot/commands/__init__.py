"""One module per command group; importing this package registers them all."""

from bot.commands import bulletin, help, incident, intake, kb, report  # noqa: F401
