"""The retrieval index: three BM25 indexes over the knowledge base, fused per entry.

- word terms (stems, synonym tags, compound parts) of every question and paraphrase;
- character 4-grams of the same texts (compounds written apart, typos the repair missed);
- word terms of the answers, weighted well below the questions: people phrase a question like
  the questions, and an answer mentions many things it does not answer.

The ranking score picks the entry; the confidence, computed separately for the best few, says how
much of what was asked the entry accounts for (BM25 scores have no absolute scale).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from handlers.qa.kb import Entry, without_marks
from handlers.qa.text import Analyzer, load_synonyms, raw_words

# Weights of the signals in the ranking score (each first scaled to [0, 1] per query): the best
# single question (words, characters), all questions of the entry together, and the answers.
W_WORDS, W_CHARS, W_ENTRY, W_ANSWERS = 0.30, 0.20, 0.30, 0.20
# Weights of the two halves of the confidence.
C_WORDS, C_CHARS = 0.85, 0.15
# A query word not in the best question counts this much towards the confidence when another
# question of the same entry has it, or only its answer text.
OTHER_QUESTION_CREDIT = 0.8
ANSWER_ONLY_CREDIT = 0.5
_TAGS = re.compile(r"<[^>]+>")
#: How a question asking for a definition starts ("wat is een BIA", "what is a near miss").
DEFINITION_OPENINGS = frozenset(
    {("wat", "is"), ("what", "is"), ("whats", "a"), ("wat", "betekent")}
)


@dataclass(frozen=True)
class Candidate:
    entry: int  # index into Index.entries
    score: float  # fused ranking score in [0, 1]


@dataclass(frozen=True)
class Query:
    words: list[str]  # content words as typed (normalised)
    repaired: list[str]  # the same after typo repair
    units: list[set[str]]  # index terms per word
    terms: list[str]  # all index terms, plus intent terms
    grams: list[str]  # character grams of typed and repaired words


@dataclass(frozen=True)
class Ranking:
    candidates: tuple[Candidate, ...]  # best first, only allowed entries
    confidence: float  # for the first candidate, in [0, 1]
    margin: float  # (first - second) / first, 1.0 when there is no second
    parts: tuple[float, ...] = ()  # the confidence's components, for tuning and logging


# BM25 saturation and length normalisation (the usual values did best on the tuning runs).
BM25_K1, BM25_B = 1.5, 0.75


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    index.index(corpus, show_progress=False)
    return index


def _idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class Index:
    def __init__(self, entries: Sequence[Entry], synonyms: dict[str, str] | None = None) -> None:
        self.entries = tuple(entries)
        self.analyzer = Analyzer(synonyms if synonyms is not None else load_synonyms())
        question_texts: list[str] = []
        question_entry: list[int] = []
        answer_texts: list[str] = []
        answer_entry: list[int] = []
        for i, entry in enumerate(self.entries):
            for text in entry.texts.values():
                for q in (without_marks(text.question), *text.paraphrases):
                    question_texts.append(q)
                    question_entry.append(i)

                answers = " ".join(text.all_answers())
                answer_texts.append(_TAGS.sub(" ", answers))
                answer_entry.append(i)

        self.question_texts = tuple(question_texts)
        an = self.analyzer
        q_words = [an.words(t) for t in question_texts]
        a_words = [an.words(t) for t in answer_texts]
        # The vocabulary (for typo repair and compound splitting) is every word the base knows.
        an.set_vocabulary({w for ws in (*q_words, *a_words) for w in ws})

        #: Index terms of every question in order, with repeats (the entry model's word features).
        self.q_term_lists = [an.terms(ws) for ws in q_words]
        self.q_terms = [set(terms) for terms in self.q_term_lists]
        self.q_grams = [set(an.char_grams(ws)) for ws in q_words]
        a_terms = [an.terms(ws) for ws in a_words]
        self.answer_terms: list[set[str]] = [set() for _ in self.entries]
        for i, terms in zip(answer_entry, a_terms, strict=True):
            self.answer_terms[i].update(terms)
        # All questions of an entry as one document: a question may combine words that the
        # entry's paraphrases each have only some of.
        self.entry_terms: list[set[str]] = [set() for _ in self.entries]
        for i, terms in zip(question_entry, self.q_terms, strict=True):
            self.entry_terms[i].update(terms)

        self.word_index = _bm25([sorted(t) or [""] for t in self.q_terms])
        self.char_index = _bm25([sorted(g) or [""] for g in self.q_grams])
        self.answer_index = _bm25([t or [""] for t in a_terms])
        self.entry_index = _bm25([sorted(t) or [""] for t in self.entry_terms])
        self.q_entry = np.asarray(question_entry, dtype=np.int32)
        self.a_entry = np.asarray(answer_entry, dtype=np.int32)

        n = len(self.q_terms)
        term_df = Counter(t for terms in self.q_terms for t in terms)
        gram_df = Counter(g for grams in self.q_grams for g in grams)
        self.term_idf = {t: _idf(df, n) for t, df in term_df.items()}
        self.gram_idf = {g: _idf(df, n) for g, df in gram_df.items()}
        # A word the questions never use weighs like the rarest words: an unknown word in a
        # question ("zwembad") is strong evidence that the base does not cover it.
        self.unknown_idf = _idf(0, n)

    # -----------------------------------------------------------------------------------------

    def _scores(self, index: bm25s.BM25, tokens: list[str], size: int) -> np.ndarray:
        """BM25 scores of every document for these tokens: the sum of the tokens' rows of the
        index's score matrix (CSR arrays). bm25s adds token by token with ``np.add.at``; one
        ``np.bincount`` over the gathered rows does the same sum in a single call."""
        ids = index.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(size, dtype=np.float32)
        if index.nonoccurrence_array is not None:  # variants we do not use (BM25L, BM25+)
            return index.get_scores_from_ids(ids)
        arrays = index.scores
        indptr = arrays["indptr"]
        rows = np.unique(np.asarray(ids, dtype=np.int64))
        starts, ends = indptr[rows], indptr[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(size, dtype=np.float32)
        # Positions of every stored value of these rows, without a Python loop.
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        positions = offsets + np.arange(total)
        return np.bincount(
            arrays["indices"][positions], weights=arrays["data"][positions], minlength=size
        ).astype(np.float32)

    @staticmethod
    def _scaled(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        top = float(scores[allowed].max(initial=0.0))
        return scores / top if top > 0 else scores

    def analyse(self, query: str) -> Query | None:
        """The query's words, repaired words, index terms and character grams; None if empty."""
        an = self.analyzer
        words = an.words(query)
        repaired = [an.repair(w) for w in words]
        units = [an.word_terms(w) for w in repaired]
        terms = sorted({t for unit in units for t in unit} | self._intent_terms(query))
        grams = sorted(set(an.char_grams(words)) | set(an.char_grams(repaired)))
        if not terms and not grams:
            return None
        return Query(words, repaired, units, terms, grams)

    def entry_scores(
        self, query: Query, allowed: np.ndarray, prior: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(fused score per entry, -1 for entries not allowed; score per question document)."""
        doc_allowed = allowed[self.q_entry]
        n_q = len(self.q_terms)
        words_s = self._scaled(self._scores(self.word_index, query.terms, n_q), doc_allowed)
        chars_s = self._scaled(self._scores(self.char_index, query.grams, n_q), doc_allowed)
        doc_score = W_WORDS * words_s + W_CHARS * chars_s
        doc_score[~doc_allowed] = -1.0

        entry_score = np.full(len(self.entries), -1.0, dtype=np.float64)
        np.maximum.at(entry_score, self.q_entry, doc_score)
        answer_s = self._scores(self.answer_index, query.terms, len(self.a_entry))
        answer_entry_s = np.zeros(len(self.entries), dtype=np.float64)
        np.maximum.at(answer_entry_s, self.a_entry, answer_s)
        entry_score += W_ANSWERS * self._scaled(answer_entry_s, allowed)
        whole = self._scores(self.entry_index, query.terms, len(self.entries)).astype(np.float64)
        entry_score += W_ENTRY * self._scaled(whole, allowed)
        if prior is not None:
            entry_score += prior
        entry_score[~allowed] = -1.0
        return entry_score, doc_score

    def confidence(
        self, query: Query, entry: int, doc_score: np.ndarray
    ) -> tuple[float, tuple[float, ...]]:
        """How much of the query (weighted by rarity) the entry accounts for, in [0, 1]."""
        best_doc = self._best_doc(entry, doc_score)
        parts = self._coverage(query.units, query.words, query.repaired, best_doc, entry)
        return C_WORDS * parts[0] + C_CHARS * parts[1], parts

    def rank(
        self,
        query: str,
        allowed: np.ndarray,
        k: int = 3,
        prior: np.ndarray | None = None,
    ) -> Ranking:
        """Best ``k`` entries among ``allowed`` (a bool mask over entries) for ``query`` by BM25
        alone; ``prior`` (per entry) is added to the ranking score, e.g. for the asker's role."""
        analysed = self.analyse(query)
        if analysed is None:
            return Ranking((), 0.0, 0.0)
        entry_score, doc_score = self.entry_scores(analysed, allowed, prior)
        order = np.argsort(-entry_score, kind="stable")[:k]
        candidates = tuple(
            Candidate(int(i), float(entry_score[i])) for i in order if entry_score[i] > 0
        )
        if not candidates:
            return Ranking((), 0.0, 0.0)
        first = candidates[0]
        confidence, parts = self.confidence(analysed, first.entry, doc_score)
        second = candidates[1].score if len(candidates) > 1 else 0.0
        margin = (first.score - second) / first.score if first.score > 0 else 0.0
        return Ranking(candidates, confidence, margin, parts)

    def _intent_terms(self, query: str) -> set[str]:
        """'Wat is X?' / 'What is X?' asks for a definition: match the entries' definition
        questions ('Wat betekent X?', 'Definitie van X', 'X explained') too. Only for the
        ranking; the confidence still judges the words that were typed."""
        raw = raw_words(query)
        if len(raw) >= 2 and (raw[0], raw[1]) in DEFINITION_OPENINGS:
            tag = self.analyzer.synonyms.get("betekent")
            return {tag} if tag else set()
        return set()

    def _best_doc(self, entry: int, doc_score: np.ndarray) -> int:
        docs = np.flatnonzero(self.q_entry == entry)
        return int(docs[np.argmax(doc_score[docs])])

    def _coverage(
        self,
        units: list[set[str]],
        words: list[str],
        repaired: list[str],
        doc: int,
        entry: int,
    ) -> tuple[float, float, float]:
        """How much of the query (weighted by rarity) the best question of the entry covers, by
        words and by characters; and how much of that question the query covers."""
        doc_terms, answer_terms = self.q_terms[doc], self.answer_terms[entry]
        entry_terms = self.entry_terms[entry]
        total = covered = 0.0
        for unit in units:
            known = [self.term_idf[t] for t in unit if t in self.term_idf]
            weight = max(known) if known else self.unknown_idf
            total += weight
            if unit & doc_terms:
                covered += weight
            elif unit & entry_terms:
                covered += OTHER_QUESTION_CREDIT * weight
            elif unit & answer_terms:
                covered += ANSWER_ONLY_CREDIT * weight
        word_cov = covered / total if total else 0.0

        # Character half: judged per query word, with the better of its typed and repaired form.
        doc_grams = self.q_grams[doc]
        total = covered = 0.0
        for typed, fixed in zip(words, repaired, strict=True):
            best_total, best_cov = 0.0, -1.0
            for word in {typed, fixed}:
                grams = set(self.analyzer.char_grams([word]))
                w = [self.gram_idf.get(g, self.unknown_idf) for g in grams]
                c = sum(wi for g, wi in zip(grams, w, strict=True) if g in doc_grams)
                if sum(w) and c / sum(w) > best_cov:
                    best_total, best_cov = sum(w), c / sum(w)
            total += best_total
            covered += best_total * max(best_cov, 0.0)
        char_cov = covered / total if total else 0.0

        query_terms = set().union(*units) if units else set()
        doc_total = sum(self.term_idf.get(t, 0.0) for t in doc_terms)
        doc_hit = sum(self.term_idf.get(t, 0.0) for t in doc_terms & query_terms)
        doc_cov = doc_hit / doc_total if doc_total else 0.0
        return word_cov, char_cov, doc_cov
