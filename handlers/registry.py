"""Every feature registers itself here; the pipeline asks this registry, so a new feature never
touches bot/. Import order is the order of free-text handlers."""

from __future__ import annotations

import handlers.people  # noqa: F401

__all__: list[str] = []
