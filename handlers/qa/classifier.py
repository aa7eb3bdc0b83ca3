"""Two trained linear models over the knowledge base's own questions, built at start-up.

- ``EntryModel``: which entry a question is about (one class per entry; a linear SVM over word
  terms and character n-grams of every question and paraphrase). Its scores are fused with the
  BM25 ranking in ``engine.py``: BM25 rewards the rare words a question shares with a paraphrase,
  the SVM learns which words and word parts tell entries apart across all their paraphrases
  (long stories, typos and Flemish variants share character n-grams with the paraphrases even
  when no whole word matches).
- ``DomainModel``: is the question about our domain at all (NIS2, security, incidents, training,
  the municipality's security governance, this bot)? A binary linear SVM: positives are the base's
  questions, negatives the everyday municipal, office and chat questions in
  ``data/off_topic.toml``. Deciding this apart from "which entry" is what lets an in-domain
  question get the best entry's answer even when its words match that entry only loosely.

Features are TF-IDF weighted (scikit-learn), the same for both models; training takes a few
hundred milliseconds, so nothing is stored on disk.
"""

from __future__ import annotations

import functools
import tomllib
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from handlers.qa.text import DATA_DIR, normalise

# Regularisation and stopping tolerance: a loose tolerance keeps training fast (a few hundred
# ms for ~2,300 texts and ~180 classes) and scored level with the default on the tuning runs.
ENTRY_C, DOMAIN_C, TOLERANCE = 0.5, 0.5, 0.1
CHAR_NGRAMS = (3, 4)


@functools.cache
def off_topic_questions() -> tuple[str, ...]:
    with (DATA_DIR / "off_topic.toml").open("rb") as handle:
        return tuple(tomllib.load(handle)["questions"])


def _as_is(terms: list[str]) -> list[str]:
    return terms


class Features:
    """Word terms (the retrieval analyser's stems, synonym tags, compound parts) and character
    n-grams within words, each TF-IDF weighted and L2-normalised, side by side.

    Training goes through scikit-learn; one question at a time is vectorised here with the fitted
    vocabularies and idf weights (the same formula: sublinear tf, idf, l2), because the library's
    input validation costs more than the arithmetic for a single short text."""

    def __init__(self, texts: Sequence[str], terms: Sequence[list[str]]) -> None:
        words = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, dtype=np.float32)
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=CHAR_NGRAMS,
            preprocessor=normalise,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.matrix = hstack([words.fit_transform(terms), chars.fit_transform(texts)], format="csr")
        self._char_grams = chars.build_analyzer()
        n_words = len(words.vocabulary_)
        self._vocab = (words.vocabulary_, {g: i + n_words for g, i in chars.vocabulary_.items()})
        self._idf = np.r_[words.idf_, chars.idf_].astype(np.float64)

    def _part(self, tokens: Iterable[str], vocab: dict[str, int]) -> tuple[list[int], np.ndarray]:
        counts = Counter(vocab[t] for t in tokens if t in vocab)
        if not counts:
            return [], np.zeros(0)
        columns = list(counts)
        values = (1.0 + np.log(np.fromiter(counts.values(), float))) * self._idf[columns]
        return columns, values / np.linalg.norm(values)

    def vector(self, terms: Sequence[str], text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one question: its index terms and its raw text."""
        word_cols, word_vals = self._part(terms, self._vocab[0])
        char_cols, char_vals = self._part(self._char_grams(text), self._vocab[1])
        return np.asarray(word_cols + char_cols, dtype=np.int64), np.r_[word_vals, char_vals]


def _svm(c: float, **kwargs: object) -> LinearSVC:
    return LinearSVC(C=c, tol=TOLERANCE, **kwargs)  # type: ignore[arg-type]


class Models:
    """The entry model and the domain model, trained on the same features."""

    def __init__(
        self,
        texts: Sequence[str],
        term_lists: Sequence[list[str]],
        labels: Sequence[int],
        n_entries: int,
        terms: Callable[[str], list[str]],
    ) -> None:
        """``texts`` with their index terms (``term_lists``) and entry positions (``labels``);
        ``terms`` analyses the off-topic questions the same way."""
        negatives = off_topic_questions()
        self.features = Features(
            [*texts, *negatives], [*term_lists, *(terms(q) for q in negatives)]
        )
        x = self.features.matrix
        n_pos = len(texts)
        self.n_entries = n_entries
        y = np.asarray(labels, dtype=np.int32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # A base of one entry (tests, a tiny operator base) has nothing to tell apart.
            self.entry = _svm(ENTRY_C).fit(x[:n_pos], y) if len(set(labels)) > 1 else None
            domain_y = np.r_[np.ones(n_pos, dtype=np.int32), np.zeros(len(negatives), np.int32)]
            self.domain = _svm(DOMAIN_C, class_weight="balanced").fit(x, domain_y)

        # Weights as dense arrays (entries x features, ~15 MB): one question's score is a gather
        # of its few columns and a small product.
        self._entry_coef = self._entry_bias = None
        if self.entry is not None:
            coef, bias = self.entry.coef_, self.entry.intercept_
            if coef.shape[0] == 1:  # two classes: one row, for the second class
                coef, bias = np.vstack([-coef, coef]), np.r_[-bias, bias]
            self._entry_coef = np.asfortranarray(coef, dtype=np.float32)
            self._entry_bias = bias
            self._classes = self.entry.classes_.astype(np.int64)
        self._domain_coef = self.domain.coef_[0].astype(np.float32)
        self._domain_bias = float(self.domain.intercept_[0])

    def score(self, terms: Sequence[str], question: str) -> tuple[np.ndarray, float]:
        """(per-entry decision value, domain decision value) for one question, given its index
        terms (``Index.analyse``) and its text. A question without any known feature gets 0 for
        every entry and a domain value of -1 (nothing in it is ours)."""
        columns, values = self.features.vector(terms, question)
        per_entry = np.zeros(self.n_entries, dtype=np.float64)
        if not len(columns):
            return per_entry, -1.0
        if self._entry_coef is not None:
            per_entry[self._classes] = self._entry_coef[:, columns] @ values + self._entry_bias
        domain = float(self._domain_coef[columns] @ values) + self._domain_bias
        return per_entry, domain
