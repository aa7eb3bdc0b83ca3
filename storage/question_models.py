"""SQLModel tables of questions (#5): question log and per-organisation knowledge-base overrides."""

from __future__ import annotations
