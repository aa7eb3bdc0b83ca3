"""Handlers floor: platform-neutral features, one folder each, and how a feature is declared."""
