"""Every feature registers itself here; the pipeline asks this registry, so a new feature never
touches bot/. Import order is the order of free-text handlers: the question answering feature is
the catch-all and stays last."""

from __future__ import annotations

import handlers.people
import handlers.qa.commands

FEATURES = (
    handlers.people,
    handlers.qa.commands,  # keep last: its free-text handler answers whatever is left
)

__all__ = ["FEATURES"]
