"""Registers the training feature's commands and dialog (imported once by ``handlers.registry``)."""

from handlers.training import coordinator, mine, module_dialog, nudges, quiz_dialog  # noqa: F401

__all__: list[str] = []
