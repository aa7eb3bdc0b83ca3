"""The question-answering engine: filter by country and role, rank, decide, render.

Two questions are decided apart (issue 12):
1. *Is this about our domain?* (NIS2, security, incidents, training, the municipality's security
   governance, this bot.) Yes when the question names a situation, uses the domain's own words,
   the domain model says so, or an entry accounts for most of its words. No: "I don't know,
   that is not something I can help with" (``in_scope`` False).
2. *Which entry answers it?* The BM25 ranking fused with the entry model (``classifier.py``).
   The best entry answers. When the runner-up is genuinely close, it is offered beside the
   answer ("Did you rather mean …?"). Only a one- or two-word question with entries that cannot
   be told apart gets the bare "Did you mean…?" menu. An in-domain question that no entry
   accounts for at all gets "I don't know" with the offer to ask the coordinator.

A situation ("we zijn gehackt", "linkje geklikt") gives its advice entry priority and marks the
result, so the chat offers ``/melden``. A question naming the other country's law or institutions
is answered for that country (``country.py``).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from handlers.i18n import N_, normalise_language, t
from handlers.qa.answers import render_entry
from handlers.qa.classifier import Models
from handlers.qa.country import question_country
from handlers.qa.domain import domain_words
from handlers.qa.index import Index, Ranking
from handlers.qa.kb import Entry, load_entries
from handlers.qa.situations import Situation, asks_something_specific, situation_of
from handlers.qa.smalltalk import small_talk
from handlers.reply import Choice, plain
from storage.enums import Country, Role

# Fusion of the two rankings: BM25 (scaled to the best allowed entry = 1) plus the entry model's
# decision value relative to its best allowed entry (a linear SVM's values are on a common scale).
W_MODEL = 1.0
# Ranking bonus for entries written for the asker's role (a role answer or audience): between
# two close candidates, the one meant for this person wins.
ROLE_PRIOR = 0.03
# A situation's advice entry gets this bonus: it wins unless the question's own words point
# clearly elsewhere ("we zijn gehackt, binnen hoeveel uur melden?").
SITUATION_PRIOR = 0.35
# Domain: without a situation, a domain word or a sure match, a question is ours when the domain
# model's value plus the best entry's coverage plus half its entry-model value exceeds DOMAIN_AT
# (chosen on the tuning set, tests/qa/dev_questions.toml: the domain model alone lets through
# English office questions, coverage alone refuses long stories).
DOMAIN_AT, W_COVERAGE, W_MODEL_FIT = 0.8, 1.0, 0.5
# Coverage (how much of the question the best entry accounts for, in [0, 1]): at or above SURE
# the question is ours whatever the domain model says; below NOTHING_FITS, with a weak entry
# model score, no entry answers it.
SURE = 0.65
NOTHING_FITS = 0.12
MODEL_FITS = -0.35
# The runner-up is offered beside the answer when its fused score is within CLOSE of the best.
CLOSE = 0.12
# Bare menu ("Did you mean…?"): a single keyword ("phishing": recognise, report or clicked?)
# whose top entries are within ONE_WORD_TIE, or two words within TIE. Anything longer says
# enough to answer.
ONE_WORD_TIE, TIE = 0.3, 0.04
SUGGESTIONS = 3
#: Choice value of "pass my question to the coordinator" (offered with an 'unknown' result).
FORWARD_TO_COORDINATOR = "qa:forward"
_DERIVED_CACHE = 32
_COUNTRY_NAMES = {Country.NL: N_("the Netherlands"), Country.BE: N_("Belgium")}
_SPACES = re.compile(r"\s+")


@dataclass
class QAResult:
    kind: Literal["answer", "suggest", "unknown", "smalltalk"]
    entry_id: str | None
    text: str  # neutral markup in the asker's language, with the source line
    confidence: float
    in_scope: bool
    sources: list[str] = field(default_factory=list)
    suggestions: list[Choice] = field(default_factory=list)
    #: The situation the question describes (``situations.py``): the chat offers /melden.
    situation: str | None = None
    #: The country the answer is for, when the question named another than the organisation's.
    country: Country | None = None


def question_key(question: str) -> str:
    """A question as the learning loop stores and matches it: lower case, single spaces,
    without trailing punctuation."""
    from handlers.qa.text import normalise

    return _SPACES.sub(" ", normalise(question)).strip(" ?!.,")


class QAEngine:
    """An index and models over a set of entries. They never change after construction; the
    small caches (filters per country and role, engines per set of overrides) are safe to share."""

    def __init__(self, entries: Sequence[Entry], *, base: QAEngine | None = None) -> None:
        """``base``: an engine whose models may be reused when these entries ask the same
        questions in the same order (an organisation that only changed answers), which saves
        most of the build time and the models' memory per organisation."""
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.by_id = {e.id: e for e in self.entries}
        self.position = {e.id: i for i, e in enumerate(self.entries)}
        self.index = Index(self.entries)
        an = self.index.analyzer
        self.training_key = (self.index.question_texts, tuple(self.index.q_entry.tolist()))
        if base is not None and base.training_key == self.training_key:
            self.models = base.models
        else:
            self.models = Models(
                self.index.question_texts,
                self.index.q_term_lists,
                self.index.q_entry.tolist(),
                len(self.entries),
                lambda text: an.terms(an.words(text)),
            )
        # Exact phrasings (normalised): a question asked in an entry's own words, or attached to
        # an entry by the coordinator, is answered by that entry directly.
        # A phrasing that several entries share decides nothing.
        owners: dict[str, set[int]] = {}
        for text, entry in zip(self.index.question_texts, self.index.q_entry, strict=True):
            owners.setdefault(question_key(text), set()).add(int(entry))
        self.exact: dict[str, int] = {
            key: next(iter(found)) for key, found in owners.items() if len(found) == 1
        }
        self._masks: dict[tuple[Country, Role], tuple[np.ndarray, np.ndarray]] = {}
        self._derived: OrderedDict[str, QAEngine] = OrderedDict()
        self._lock = threading.Lock()

    # --- organisation overrides ---------------------------------------------------------------

    def with_overrides(self, overrides: Sequence[Entry]) -> QAEngine:
        """This base plus an organisation's entries (same id replaces), cached by content hash."""
        if not overrides:
            return self
        digest = hashlib.sha256()
        for entry in sorted(overrides, key=lambda e: e.id):
            digest.update(entry.fingerprint().encode())
        key = digest.hexdigest()
        with self._lock:
            engine = self._derived.get(key)
            if engine is not None:
                self._derived.move_to_end(key)
                return engine
        merged = dict(self.by_id)
        merged.update((e.id, e) for e in overrides)
        engine = QAEngine(list(merged.values()), base=self)
        with self._lock:
            self._derived[key] = engine
            while len(self._derived) > _DERIVED_CACHE:
                self._derived.popitem(last=False)
        return engine

    # --- asking -------------------------------------------------------------------------------

    def _filter(self, country: Country, role: Role) -> tuple[np.ndarray, np.ndarray]:
        """(entries allowed for this country and role, ranking prior per entry), cached."""
        cached = self._masks.get((country, role))
        if cached is None:
            allowed = np.fromiter((e.holds_for(country, role) for e in self.entries), dtype=bool)
            prior = np.fromiter(
                (ROLE_PRIOR if e.written_for(role) else 0.0 for e in self.entries), dtype=float
            )
            cached = self._masks[(country, role)] = (allowed, prior)
        return cached

    def _rank(self, question: str, country: Country, role: Role) -> Ranking:
        allowed, prior = self._filter(country, role)
        return self.index.rank(question, allowed, k=SUGGESTIONS, prior=prior)

    def rank(
        self,
        question: str,
        *,
        role: Role | str,
        country: Country | str,
        overrides: Sequence[Entry] = (),
    ) -> tuple[list[tuple[str, float]], float, float]:
        """(entry id, fused score) best first, the best entry's coverage and the relative margin
        over the second, before any decision: for /kennis toon, logging and the benchmark."""
        engine = self.with_overrides(overrides)
        decision = engine.decide(question, role=Role(role), country=Country(country))
        ranked = [(engine.entries[i].id, score) for i, score in decision.ranked]
        return ranked, decision.coverage, decision.margin

    def decide(
        self, question: str, *, role: Role, country: Country, depth: int = SUGGESTIONS
    ) -> Decision:
        """Everything the answer depends on, computed once per question (``depth``: how many
        entries are ranked; a follow-up fuses two deeper rankings)."""
        asked_for = question_country(question) or country
        allowed, prior = self._filter(asked_for, role)
        situation = situation_of(question)
        exact = self.exact.get(question_key(question))
        query = self.index.analyse(question)
        if query is None:
            return Decision([], 0.0, 0.0, -9.0, 0, situation, asked_for, False, None)
        bm25, doc_score = self.index.entry_scores(query, allowed, prior)
        model, domain = self.models.score(query.terms, question)
        top_bm25 = float(bm25[allowed].max(initial=0.0))
        top_model = float(model[allowed].max(initial=0.0))
        fused = (bm25 / top_bm25 if top_bm25 > 0 else bm25) + W_MODEL * (model - top_model)
        if (
            situation is not None
            and situation.entry_id in self.by_id
            and not asks_something_specific(question)
        ):
            fused[self.position[situation.entry_id]] += SITUATION_PRIOR
        if exact is not None and allowed[exact]:
            fused[exact] += 1.0
        fused[~allowed] = -np.inf
        order = [int(i) for i in np.argsort(-fused, kind="stable")[:depth]]
        order = [i for i in order if np.isfinite(fused[i])]
        if not order:
            return Decision(
                [], 0.0, 0.0, domain, len(query.words), situation, asked_for, False, None
            )
        coverage, _ = self.index.confidence(query, order[0], doc_score)
        best = fused[order[0]]
        second = fused[order[1]] if len(order) > 1 else -np.inf
        margin = float(best - second) if np.isfinite(second) else 1.0
        return Decision(
            [(i, float(fused[i])) for i in order],
            coverage,
            margin,
            domain,
            len(query.words),
            situation,
            asked_for,
            bool(domain_words(question)),
            exact if exact is not None and allowed[exact] else None,
            model_best=float(model[order[0]]),
        )

    def ask(
        self,
        question: str,
        *,
        role: Role | str,
        country: Country | str,
        language: str,
        overrides: Sequence[Entry] = (),
        in_domain: bool = False,
    ) -> QAResult:
        """The answer for one question. ``in_domain``: the conversation already established that
        this is about our domain (a follow-up), so only "which entry" is decided."""
        engine = self.with_overrides(overrides)
        role, country, lang = Role(role), Country(country), normalise_language(language)
        chat = small_talk(question, lang)
        if chat is not None:
            return QAResult("smalltalk", None, chat, 0.0, in_scope=False)
        d = engine.decide(question, role=role, country=country)
        if not d.ranked:
            return _unknown(lang, 0.0, in_scope=d.situation is not None)
        situation = d.situation.key if d.situation is not None else None
        ours = (
            in_domain
            or d.exact is not None
            or situation is not None
            or d.domain_word
            or d.coverage >= SURE
            or d.domain + W_COVERAGE * d.coverage + W_MODEL_FIT * d.model_best > DOMAIN_AT
        )
        if not ours:
            return _unknown(lang, d.coverage, in_scope=False)
        if (
            d.exact is None
            and situation is None
            and d.coverage < NOTHING_FITS
            and d.model_best < MODEL_FITS
        ):
            return _unknown(lang, d.coverage, in_scope=True)
        best = engine.entries[d.ranked[0][0]]
        tie = ONE_WORD_TIE if d.words <= 1 else TIE if d.words == 2 else 0.0
        if d.exact is None and d.margin < tie and situation is None:
            choices = [
                Choice(
                    value=engine.entries[i].id,
                    label=engine.entries[i].texts[lang].question_for(d.country),
                )
                for i, _ in d.ranked
            ]
            return QAResult(
                kind="suggest",
                entry_id=None,
                text=plain(t(lang, "Did you mean…?")),
                confidence=d.coverage,
                in_scope=True,
                suggestions=choices,
                situation=situation,
            )
        result = engine._answer(best, role, d.country, lang, note_country=d.country != country)
        result.confidence = max(d.coverage, 0.0)
        result.situation = situation
        if d.exact is None and len(d.ranked) > 1 and d.margin < CLOSE:
            runner = engine.entries[d.ranked[1][0]]
            result.suggestions = [Choice(runner.id, runner.texts[lang].question_for(d.country))]
        return result

    def answer_entry(
        self,
        entry_id: str,
        *,
        role: Role | str,
        country: Country | str,
        language: str,
        overrides: Sequence[Entry] = (),
        question: str = "",
    ) -> QAResult:
        """The answer of one entry (someone picked a suggestion); 'unknown' if it does not
        exist (any more) or does not hold for this organisation's country and the asker's role.
        An entry of the country the original ``question`` named (it was offered because of
        that) is answered for that country."""
        engine = self.with_overrides(overrides)
        role, country, lang = Role(role), Country(country), normalise_language(language)
        entry = engine.by_id.get(entry_id)
        if entry is None:
            return _unknown(lang, 0.0)
        named = question_country(question) if question else None
        if named is not None and named != country and entry.holds_for(named, role):
            return engine._answer(entry, role, named, lang, note_country=True)
        if not entry.holds_for(country, role):
            return _unknown(lang, 0.0)
        return engine._answer(entry, role, country, lang)

    def _answer(
        self, entry: Entry, role: Role, country: Country, lang: str, *, note_country: bool = False
    ) -> QAResult:
        text, sources = render_entry(entry, role=role, country=country, language=lang)
        if note_country:
            note = t(
                lang,
                "This answer is about {country}, as your question names it.",
                country=t(lang, _COUNTRY_NAMES[country]),
            )
            text = f"<i>{plain(note)}</i>\n{text}"
        return QAResult(
            kind="answer",
            entry_id=entry.id,
            text=text,
            confidence=1.0,
            in_scope=True,
            sources=sources,
            country=country if note_country else None,
        )


@dataclass
class Decision:
    ranked: list[tuple[int, float]]  # (entry position, fused score), best first
    coverage: float  # how much of the question the best entry accounts for
    margin: float  # fused score of the best minus that of the second
    domain: float  # the domain model's decision value (> 0: ours)
    words: int  # content words in the question
    situation: Situation | None
    country: Country  # the country the question is answered for
    domain_word: bool  # the question uses one of the domain's own words
    exact: int | None  # an entry whose own (or attached) phrasing this is
    model_best: float = 0.0  # the entry model's value for the best entry


def _unknown(lang: str, confidence: float, *, in_scope: bool = False) -> QAResult:
    return QAResult(
        kind="unknown",
        entry_id=None,
        text=plain(
            t(
                lang,
                "I don't know the answer to that. Shall I pass your question on to the "
                "NIS2 coordinator?",
            )
        ),
        confidence=confidence,
        in_scope=in_scope,
        suggestions=[Choice(FORWARD_TO_COORDINATOR, t(lang, "Yes, ask the coordinator"))],
    )


@functools.cache
def get_engine() -> QAEngine:
    """The engine over the shared knowledge base, built once per process (and asked one question,
    so the first person's question does not pay for the libraries' first-call set-up)."""
    engine = QAEngine(load_entries())
    engine.ask("wat is nis2", role=Role.EMPLOYEE, country=Country.NL, language="nl")
    return engine
