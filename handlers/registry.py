"""Every feature registers itself here; the pipeline asks this registry, so a new feature never
touches bot/. Features are imported in the order listed, which is the order their free-text
handlers are tried: question answering is the catch-all and stays last."""

from __future__ import annotations

import importlib

FEATURES = (
    "handlers.people",
    "handlers.incidents.chat",  # before qa: "ik wil iets melden" is a report, not a question
    "handlers.training.chat",
    "handlers.coordination",
    "handlers.control",
    "handlers.qa.commands",  # keep last: its free-text handler answers whatever is left
)

for _module in FEATURES:
    importlib.import_module(_module)

__all__ = ["FEATURES"]
