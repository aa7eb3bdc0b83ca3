"""SQLModel tables of training (#6): policy state, completions, self-declarations, quiz attempts, nudges."""

from __future__ import annotations
