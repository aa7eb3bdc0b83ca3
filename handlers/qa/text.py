"""Text analysis for retrieval without models: words, stems, synonyms, compounds, typos, n-grams.

Everything here is deterministic and built at start-up from data files beside the code, so the
index and the queries are always analysed by the same code and the same stemmer version.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN_PLUS
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

DATA_DIR = Path(__file__).resolve().parent / "data"

# Snowball 3 (PyStemmer 3) renamed the classic Dutch Porter stemmer to 'dutch_porter' and made
# 'dutch' the Kraaij-Pohlmann stemmer; before that, 'dutch' *was* the Porter one. Asking for
# 'dutch_porter' first gives the same stems on either version, so an upgrade of PyStemmer cannot
# silently change retrieval. (On the tuning runs the two stemmers scored level; Kraaij-Pohlmann
# also strips 'ge-', turning 'gemeenteraad' into 'meenteraad'.)
DUTCH_STEMMER = "dutch_porter" if "dutch_porter" in Stemmer.algorithms() else "dutch"

_WORD = re.compile(r"[a-z]+|\d+")
SYNONYM_PREFIX = "="
MIN_REPAIR_LENGTH = 5
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POS = {ch: (r, c) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}
# Letters that sound alike and are mixed up in Dutch spelling ('wachtwoort', 'certifikaat').
_SOUND_ALIKE = frozenset(frozenset(pair) for pair in ("dt", "ck", "sz", "fv", "iy", "cs", "gh"))
MIN_COMPOUND_PART = 4


# Hyphenated spellings that people also write as one word; joined so both meet.
_JOINS = {
    "e-mail": "email",
    "back-up": "backup",
    "wi-fi": "wifi",
    "log-in": "login",
    "e-learning": "elearning",
    "pen-test": "pentest",
    "b&w": "bw",
    "b & w": "bw",
    "b en w": "bw",
    "usb-stick": "usbstick",
}
_JOIN_RE = re.compile("|".join(re.escape(k) for k in sorted(_JOINS, key=len, reverse=True)))


def normalise(text: str) -> str:
    """Lower case without accents ('coördinator' -> 'coordinator'), apostrophes dropped."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("'", "").replace("’", "")
    return _JOIN_RE.sub(lambda m: _JOINS[m.group(0)], stripped)


def raw_words(text: str) -> list[str]:
    """All words and numbers; '24h' -> ['24', 'h'] so '24 uur' and '24u' meet on '24'."""
    return _WORD.findall(normalise(text))


@functools.cache
def _stopwords() -> frozenset[str]:
    """Our own lists plus the standard Snowball lists that bm25s ships, minus the words we keep
    because they change what is asked (question words, 'onder'/'under' for scope)."""
    with (DATA_DIR / "stopwords.toml").open("rb") as handle:
        data = tomllib.load(handle)
    words = {normalise(w) for w in (*data["nl"], *data["en"])}
    words |= {normalise(w) for w in (*STOPWORDS_DUTCH, *STOPWORDS_EN_PLUS)}
    return frozenset(words - {normalise(w) for w in data["keep"]})


@functools.cache
def _stemmers() -> tuple[Stemmer.Stemmer, Stemmer.Stemmer]:
    return Stemmer.Stemmer(DUTCH_STEMMER), Stemmer.Stemmer("english")


@functools.cache
def stems(word: str) -> tuple[str, ...]:
    """Dutch and English stem of a word. A question may mix languages, so both are indexed."""
    dutch, english = _stemmers()
    nl, en = dutch.stemWord(word), english.stemWord(word)
    return (nl,) if nl == en else (nl, en)


def _neighbours(a: str, b: str) -> bool:
    """Keys next to each other on a QWERTY keyboard (also diagonally), or letters that sound
    alike."""
    if frozenset((a, b)) in _SOUND_ALIKE:
        return True
    pa, pb = _KEY_POS.get(a), _KEY_POS.get(b)
    return pa is not None and pb is not None and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1


def plausible_typo(typed: str, word: str) -> bool:
    """Could ``typed`` be a slip of the fingers for ``word``? Missing, extra and swapped letters
    are; a letter replaced by one far away on the keyboard is not ('stappen' is no typo of
    'stoppen', 'draagt' none of 'vraagt'), which keeps real words from being 'repaired'."""
    ops = Levenshtein.editops(typed, word)
    replaced = [(op.src_pos, op.dest_pos) for op in ops if op.tag == "replace"]
    swapped: set[int] = set()
    for (i, j), (k, m) in itertools.pairwise(replaced):
        if k == i + 1 and m == j + 1 and typed[i] == word[m] and typed[k] == word[j]:
            swapped.update((i, k))
    return all(i in swapped or _neighbours(typed[i], word[j]) for i, j in replaced)


def load_synonyms(path: Path | None = None) -> dict[str, str]:
    """Map a word (and its stems) to the tag of its synonym group (also across nl/en)."""
    with (path or DATA_DIR / "synonyms.toml").open("rb") as handle:
        groups = tomllib.load(handle)["groups"]
    mapping: dict[str, str] = {}
    for group in groups:
        words = [normalise(w) for w in group]
        tag = SYNONYM_PREFIX + words[0]
        for word in words:
            # first group wins: a word listed twice keeps its first meaning
            mapping.setdefault(word, tag)
            for stem in stems(word):
                mapping.setdefault(stem, tag)
    return mapping


class Analyzer:
    """Turns text into index terms; knows the corpus vocabulary for compounds and typo repair."""

    def __init__(self, synonyms: dict[str, str], vocabulary: Iterable[str] = ()) -> None:
        self.synonyms = synonyms
        self.stopwords = _stopwords()
        self.vocabulary: frozenset[str] = frozenset()
        self._vocab_list: list[str] = []
        self._by_length: dict[int, list[str]] = {}
        self._repairs: dict[str, str] = {}
        self.set_vocabulary(vocabulary)

    def set_vocabulary(self, words: Iterable[str]) -> None:
        synonym_words = {w for w in self.synonyms if not w.startswith(SYNONYM_PREFIX)}
        self.vocabulary = frozenset(words) | synonym_words
        self._vocab_list = sorted(w for w in self.vocabulary if len(w) >= MIN_REPAIR_LENGTH - 1)
        # Candidates by length: an edit distance of at most 2 cannot bridge a bigger difference,
        # so a word is only compared with words of about its length (most of the repair's time).
        self._by_length: dict[int, list[str]] = {}
        for w in self._vocab_list:
            self._by_length.setdefault(len(w), []).append(w)
        self._repairs = {}

    def words(self, text: str) -> list[str]:
        """Content words: no stopwords, no single letters (digits stay: '24', '72')."""
        return [
            w for w in raw_words(text) if w not in self.stopwords and (len(w) > 1 or w.isdigit())
        ]

    def split_compound(self, word: str) -> tuple[str, ...]:
        """Split a Dutch compound into two known words ('datalekmelding' -> datalek, melding).

        Tries the longest tail first and allows the linking 's' ('beveiligings|maatregel').
        """
        if len(word) < 2 * MIN_COMPOUND_PART:
            return ()
        vocab = self.vocabulary
        for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
            head, tail = word[:cut], word[cut:]
            if tail not in vocab:
                continue
            if head in vocab:
                return head, tail
            if head.endswith("s") and head[:-1] in vocab and len(head) > MIN_COMPOUND_PART:
                return head[:-1], tail
        return ()

    def repair(self, word: str) -> str:
        """Closest vocabulary word for an unknown word (one edit, two for long words), else itself."""
        if word in self.vocabulary or word.isdigit() or len(word) < MIN_REPAIR_LENGTH:
            return word
        cached = self._repairs.get(word)
        if cached is not None:
            return cached
        limit = 1 if len(word) < 8 else 2
        candidates = [
            w
            for size in range(len(word) - limit, len(word) + limit + 1)
            for w in self._by_length.get(size, ())
        ]
        matches = process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=8
        )
        # Closest first; among equals the first plausible slip of the fingers wins.
        matches.sort(key=lambda m: (m[1], m[0]))
        repaired = next((m[0] for m in matches if plausible_typo(word, m[0])), word)
        if len(self._repairs) < 50_000:  # bounded: queries are user input
            self._repairs[word] = repaired
        return repaired

    def word_terms(self, word: str) -> set[str]:
        """Index terms of one word: its stems, its synonym tag, and the same for compound parts."""
        terms: set[str] = set()
        for part in (word, *self.split_compound(word)):
            part_stems = stems(part)
            terms.update(part_stems)
            tag = self.synonyms.get(part)
            if tag is None:
                tag = next((self.synonyms[s] for s in part_stems if s in self.synonyms), None)
            if tag is not None:
                terms.add(tag)
        return terms

    def terms(self, words: Iterable[str]) -> list[str]:
        return [term for word in words for term in sorted(self.word_terms(word))]

    @staticmethod
    def char_grams(words: Iterable[str], n: int = 4) -> list[str]:
        """Character n-grams of each word with boundary marks: catch compounds and typos."""
        grams: list[str] = []
        for word in words:
            padded = f"#{word}#"
            if len(padded) <= n:
                grams.append(padded)
            else:
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams
