"""The chat side of incidents: importing this registers the intake dialog, its free-text offer and
the /melden, /incident, /verzonden and /incidenten commands (see ``handlers.registry``)."""

from handlers.incidents import commands, entry, listing  # noqa: F401 - registers commands, dialog
