"""A follow-up that names a new subject: "en bij een datalek?" after "binnen hoeveel tijd moeten we
een incident melden?".

Read together with the previous question, such a follow-up still ranks the previous entry first
(the earlier question has more words), so the person got the same answer again; read alone, its
one or two words cannot tell the candidates apart (a menu). The entry meant is the one that ranks
well in *both* readings: the previous question gives the frame (deadlines), the follow-up the
subject (a data breach). Reciprocal rank fusion of the two rankings finds it without comparing
scores of different questions; the runner-up is offered beside the answer ("Bedoelde je eerder…?"),
because a fused choice is less certain than a direct one.
"""

from __future__ import annotations

from handlers.i18n import normalise_language
from handlers.qa.engine import QAEngine, QAResult
from handlers.reply import Choice
from storage.enums import Country, Role

#: How many entries of each reading take part in the fusion.
FUSION_DEPTH = 12
#: Reciprocal rank fusion's offset: large enough that an entry placed well in both readings beats one
#: placed first in only one (the point of reading a follow-up both ways).
RANK_OFFSET = 10


def fused_follow_up(
    engine: QAEngine,
    previous: str,
    question: str,
    *,
    role: Role,
    country: Country,
    language: str,
) -> QAResult | None:
    """The answer of the entry that ranks best in both readings, with the runner-up offered; None
    when the follow-up alone ranks nothing (nothing of it is in the knowledge base)."""
    role, country = Role(role), Country(country)
    alone = engine.decide(question, role=role, country=country, depth=FUSION_DEPTH)
    if not alone.ranked:
        return None
    together = engine.decide(
        f"{previous} {question}", role=role, country=country, depth=FUSION_DEPTH
    )
    scores: dict[int, float] = {}
    for decision in (together, alone):
        for rank, (position, _score) in enumerate(decision.ranked):
            scores[position] = scores.get(position, 0.0) + 1.0 / (RANK_OFFSET + rank)
    order = sorted(scores, key=lambda position: -scores[position])
    best = engine.entries[order[0]]
    result = engine.answer_entry(
        best.id, role=role, country=country, language=language, question=question
    )
    if result.kind != "answer":
        return None
    if len(order) > 1:
        runner = engine.entries[order[1]]
        label = runner.texts[normalise_language(language)].question_for(alone.country)
        result.suggestions = [Choice(runner.id, label)]
    return result
