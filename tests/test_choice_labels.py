"""Choice labels never end in half a word: the reply helper shortens them at a word boundary."""

from __future__ import annotations

from handlers.reply import CHOICE_LABEL_CHARS, Choice, Reply, short_label

QUESTION = (
    "Wat moet ik doen als ik op een link in een verdachte phishingmail heb geklikt en mijn "
    "wachtwoord heb ingevuld?"
)


def test_a_label_cut_mid_word_by_a_feature_is_cut_back_to_a_whole_word() -> None:
    sliced = " ".join(QUESTION.split())[:CHOICE_LABEL_CHARS]  # what a plain slice leaves
    assert not sliced.endswith(" ") and QUESTION[len(sliced)] != " "  # it ends mid-word
    label = Choice("/vraagkeuze 1 2", sliced).label
    assert sliced.endswith("verdachte phishin")
    assert label == "Wat moet ik doen als ik op een link in een verdachte…"
    assert QUESTION.startswith(label[:-1]) and QUESTION[len(label) - 1] == " "


def test_long_labels_are_shortened_once_and_short_ones_are_left_alone() -> None:
    full = Choice("v", QUESTION).label
    assert len(full) < CHOICE_LABEL_CHARS and full.endswith("…")
    assert short_label(full) == full  # read back from the outbox: unchanged
    roundtrip = Reply.from_payload(Reply("x", (Choice("v", QUESTION),)).to_payload())
    assert roundtrip.choices[0].label == full
    kept = "Datalek (naar de verkeerde persoon gestuurd of uitgelekt)"
    assert Choice("v", kept).label == kept
    assert Choice("v", "  Later \n").label == "Later"
    assert Choice("/x " + "y" * 200, "Ja").value == "/x " + "y" * 200  # the value is never cut
    one_word = "Donaudampfschifffahrtsgesellschaftskapitänskajütenschlüsselbund" * 2
    assert len(Choice("v", one_word).label) < CHOICE_LABEL_CHARS
