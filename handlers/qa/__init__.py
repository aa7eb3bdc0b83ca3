"""Question answering (issue 5): a bilingual NIS2 knowledge base with retrieval without models.

Use ``get_engine().ask(question, role=..., country=..., language=...)``; see ``engine.py`` for the
decision rules, ``kb.py`` for the data format, ``helpers.py`` for the council/role commands.
In the chat: ``chat.py`` (the catch-all free-text handler, /vraag, the suggestion and forward
choices), ``commands.py`` (/vragen, /rol, /onbeantwoord, /kennis), ``overrides.py`` (an
organisation's own answers from ``kb_override``, and its cached engine). Registered by
``handlers.registry`` importing ``handlers.qa.commands`` (last: the free-text handler is the
catch-all).
"""

from handlers.qa.engine import FORWARD_TO_COORDINATOR, QAEngine, QAResult, get_engine
from handlers.qa.helpers import council_questions, normalise_level, role_explanation
from handlers.qa.kb import (
    Entry,
    KnowledgeBaseError,
    build_overrides,
    check_knowledge_base,
    check_overrides,
    load_entries,
    load_overrides,
)

__all__ = [
    "FORWARD_TO_COORDINATOR",
    "Entry",
    "KnowledgeBaseError",
    "QAEngine",
    "QAResult",
    "build_overrides",
    "check_knowledge_base",
    "check_overrides",
    "council_questions",
    "get_engine",
    "load_entries",
    "load_overrides",
    "normalise_level",
    "role_explanation",
]
