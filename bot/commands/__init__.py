"""One module per command group; importing this package registers them all."""

from bot.commands import help, incident, intake, kb  # noqa: F401
