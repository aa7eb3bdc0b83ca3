"""Question answering (issue 5): a bilingual NIS2 knowledge base with retrieval without models.

Use ``get_engine().ask(question, role=..., country=..., language=...)``; see ``engine.py`` for the
decision rules, ``kb.py`` for the data format, ``helpers.py`` for the council/role commands.
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
