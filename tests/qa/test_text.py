"""Text analysis: normalisation, the pinned Dutch stemmer, compounds, typo repair, synonyms."""

from __future__ import annotations

import Stemmer

from handlers.qa.text import (
    DUTCH_STEMMER,
    Analyzer,
    load_synonyms,
    normalise,
    plausible_typo,
    raw_words,
    stems,
)


def test_normalise_and_words() -> None:
    assert normalise("Coördinator’s E-mail") == "coordinators email"
    assert raw_words("binnen 24u melden, B&W!") == ["binnen", "24", "u", "melden", "bw"]


def test_dutch_porter_stemmer_is_used_whatever_the_snowball_version() -> None:
    # Snowball 3 made 'dutch' the Kraaij-Pohlmann stemmer; we want the classic Porter one.
    if "dutch_porter" in Stemmer.algorithms():
        assert DUTCH_STEMMER == "dutch_porter"
    assert stems("gemeenteraad")[0] == "gemeenterad"  # Kraaij-Pohlmann gives 'meenteraad'
    assert stems("wachtwoorden")[0] == stems("wachtwoord")[0]


def test_synonyms_bridge_languages_and_variants() -> None:
    synonyms = load_synonyms()
    assert synonyms["gestolen"] == synonyms["stolen"]
    assert synonyms["wethouder"] == synonyms["schepen"] == synonyms["alderman"]


def test_compound_split_and_typo_repair() -> None:
    analyzer = Analyzer(load_synonyms(), ["datalek", "melding", "wachtwoord", "laptop"])
    assert analyzer.split_compound("datalekmelding") == ("datalek", "melding")
    assert analyzer.repair("wachtwoort") == "wachtwoord"  # d/t mix-up
    assert analyzer.repair("lpatop") == "laptop"  # swapped letters
    assert analyzer.repair("zwembad") == "zwembad"  # unknown words stay unknown


def test_only_plausible_typos_are_repaired() -> None:
    assert plausible_typo("wethoduer", "wethouder")
    assert plausible_typo("certifcaat", "certificaat")
    assert not plausible_typo("paspoort", "paswoord")
    assert not plausible_typo("stappen", "stoppen")


def test_stopwords_keep_question_words() -> None:
    analyzer = Analyzer(load_synonyms())
    assert analyzer.words("Wie moet dat eigenlijk melden?") == ["wie", "melden"]
    assert analyzer.words("What is it supposed to do") == ["what", "it"]
