"""The dialog engine: dialogs declared as an Enum of states and one small function per state.

A dialog module declares::

    class State(Enum): NAME = "name"; DEPARTMENT = "department"
    profile = Dialog("profile", State, first=State.NAME, title=N_("Your profile"))

    @profile.ask(State.NAME)
    def ask_name(ctx, draft) -> Reply: ...          # the question for this state

    @profile.step(State.NAME)
    def on_name(ctx, draft, answer) -> Step: ...    # validate, write, say where to go next

Every step runs inside the event's unit of work: the step's business writes and the new state row
are committed together, so a process killed at any moment resumes where the person left off.
``/stop`` cancels, ``/terug`` goes back one question; an idle dialog is reminded once and expires
later (``schedules.dialog_idle``).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Any, Generic, TypeVar

from handlers.context import Context
from handlers.i18n import N_
from handlers.reply import Reply, markup, plain
from storage import dialogs
from storage.dialogs import DialogRow

S = TypeVar("S", bound=Enum)
Draft = dict[str, Any]


@dataclass(frozen=True)
class Answer:
    text: str
    choice: str | None = None  # the value of the picked choice, if the answer matched one


@dataclass(frozen=True)
class Goto:
    state: Enum


@dataclass(frozen=True)
class Retry:
    """Stay on this question; ``message`` (plain text, translated) says what was wrong."""

    message: str


@dataclass(frozen=True)
class Finish:
    reply: Reply | None = None


Step = Goto | Retry | Finish
AskFn = Callable[[Context, Draft], Reply]
StepFn = Callable[[Context, Draft, Answer], Step]
HookFn = Callable[[Context, DialogRow], Reply | None]


@dataclass
class Dialog(Generic[S]):
    name: str
    states: type[S]
    first: S
    title: str  # msgid
    asks: dict[S, AskFn] = field(default_factory=dict)
    steps: dict[S, StepFn] = field(default_factory=dict)
    on_cancel: HookFn | None = None
    on_expire: HookFn | None = None  # runs in the idle job when the dialog expires
    remind_after: timedelta | None = None  # None: the organisation-wide setting
    expire_after: timedelta | None = None
    #: States whose choices are the person's own data next to free text (keep my name "Eva
    #: Employee" or type a new one): only the number or the whole label picks a choice there.
    exact_states: frozenset[S] = frozenset()

    def ask(self, state: S) -> Callable[[AskFn], AskFn]:
        def register(fn: AskFn) -> AskFn:
            self.asks[state] = fn
            return fn

        return register

    def step(self, state: S) -> Callable[[StepFn], StepFn]:
        def register(fn: StepFn) -> StepFn:
            self.steps[state] = fn
            return fn

        return register

    def check(self) -> None:
        missing = [s for s in self.states if s not in self.asks or s not in self.steps]
        if missing:
            raise ValueError(f"dialog {self.name}: states without ask/step: {missing}")


DIALOGS: dict[str, Dialog[Any]] = {}


def register_dialog(dialog: Dialog[Any]) -> Dialog[Any]:
    dialog.check()
    if dialog.name in DIALOGS:
        raise ValueError(f"dialog {dialog.name} declared twice")
    DIALOGS[dialog.name] = dialog
    return dialog


def _state_of(dialog: Dialog[Any], row: DialogRow) -> Enum:
    return dialog.states(row.state)


def _prompt(ctx: Context, dialog: Dialog[Any], row: DialogRow) -> Reply:
    reply = dialog.asks[_state_of(dialog, row)](ctx, copy.deepcopy(row.data))
    # Always a new list (never changed in place), for the same reason as the draft below.
    row.choices = [[c.value, c.label] for c in reply.choices]
    return reply


def _prompt_again(ctx: Context, dialog: Dialog[Any], row: DialogRow) -> Reply:
    """The question again, no step: its choices are saved if they changed (/taal), as autoflush did."""
    before = row.choices
    reply = _prompt(ctx, dialog, row)
    if row.choices != before:
        dialogs.save_dialog(session=ctx.session, state=row)
    return reply


def start_dialog(ctx: Context, dialog: Dialog[Any], draft: Draft | None = None) -> list[Reply]:
    """Open ``dialog`` for the asking person (replacing none: the router checks first)."""
    event = ctx.event
    row = dialogs.OpenDialog(
        organisation_id=ctx.org.id,
        person_id=ctx.me.id,
        dialog=dialog.name,
        state=dialog.first.value,
        data=dict(draft or {}),
        platform=event.platform if event else "",
        chat_id=event.chat_id if event else "",
        started_at=ctx.now,
        updated_at=ctx.now,
    )
    reply = _prompt(ctx, dialog, row)
    dialogs.save_dialog(session=ctx.session, state=row)
    ctx.dialog = row  # the router need not read it again in this event
    return [reply]


def _close(ctx: Context, row: DialogRow) -> None:
    dialogs.close_dialog(session=ctx.session, state=row)
    ctx.dialog = None  # a person has one dialog at most; only start_dialog opens another


@dataclass(frozen=True)
class ChoiceMatch:
    """What an answer picked: one value, or several that fit equally well (ask again)."""

    value: str | None = None
    ambiguous: tuple[tuple[str, str], ...] = ()  # (value, label) of the equally good candidates


_YES_WORDS = frozenset(
    [
        "ja",
        "j",
        "yes",
        "y",
        "jawel",
        "jazeker",
        "zeker",
        "klopt",
        "ok",
        "oke",
        "okay",
        "yep",
        "yup",
        "inderdaad",
        "sure",
        "yeah",
        "jep",
    ]
)
_NO_WORDS = frozenset(["nee", "neen", "n", "no", "nope", "nah", "neeje", "nee hoor", "no thanks"])
_STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "of",
        "en",
        "van",
        "voor",
        "in",
        "op",
        "aan",
        "te",
        "ik",
        "je",
        "mijn",
        "the",
        "a",
        "an",
        "or",
        "and",
        "to",
        "of",
        "my",
        "i",
    ]
)
#: rapidfuzz score (0-100) from which a typo still counts as the word or label meant.
FUZZY_CUTOFF = 80
#: Longer answers are free text, not a choice (a step may take text, e.g. "which service?").
MAX_CHOICE_WORDS = 3


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text) if w]


def _polarity(value: str, label: str) -> str | None:
    first = (_words(_fold(label)) or [""])[0]
    if value in ("yes", "ja") or first in ("ja", "yes"):
        return "yes"
    if value in ("no", "nee") or first in ("nee", "no"):
        return "no"
    return None


def _narrow(candidates: list[tuple[str, str]], size: int) -> list[tuple[str, str]]:
    """Several fit: prefer the ones whose label is as short as the answer ("verstuur" is
    "Versturen", not "Versturen, zonder mijn naam …")."""
    if len(candidates) <= 1:
        return candidates
    same = [c for c in candidates if len(_words(_fold(c[1]))) == size]
    return same if len(same) == 1 else candidates


def resolve_choice(
    choices: list[list[str]], answer_text: str, choice: str | None, *, loose: bool = True
) -> ChoiceMatch:
    """A button value, a number, the label's text, a yes/no word, a unique prefix or word of a
    label, or a small typo of one (rapidfuzz) picks a choice; several equally good: ambiguous."""
    values = [value for value, _ in choices]
    if choice is not None:
        return ChoiceMatch(choice if choice in values else None)
    text = _fold(answer_text)
    if not text:
        return ChoiceMatch()
    if text.isdigit():
        number = int(text)
        return ChoiceMatch(choices[number - 1][0] if 1 <= number <= len(choices) else None)
    pairs = [(value, label) for value, label in choices]
    for value, label in pairs:
        if text in (_fold(label), _fold(value)):
            return ChoiceMatch(value)
    words = [w for w in _words(text) if w not in _STOPWORDS]
    if not loose or not words or len(_words(text)) > MAX_CHOICE_WORDS:
        return ChoiceMatch()
    # Yes and no, in both languages, when exactly one option means it.
    polarity = "yes" if text in _YES_WORDS else "no" if text in _NO_WORDS else None
    if polarity is not None:
        meant = [p for p in pairs if _polarity(*p) == polarity]
        if len(meant) == 1:
            return ChoiceMatch(meant[0][0])
    size = len(_words(text))
    levels = (
        # the start of a label ("ernst", "verstuur", "iets wijz")
        lambda label: len(text) >= 2 and label.startswith(text),
        # every word typed is (the start of) a word of the label ("deels", "geen", "zonder naam")
        lambda label: all(
            any(lw == w or (len(w) >= 3 and lw.startswith(w)) for lw in _words(label))
            for w in words
        ),
        # a small typo of the label or of each of its words ("ernstg", "gedeeltelijk" typos)
        lambda label: _fuzzy(text, words, label),
    )
    for fits in levels:
        found = _narrow([p for p in pairs if fits(_fold(p[1]))], size)
        if len(found) == 1:
            return ChoiceMatch(found[0][0])
        if found:
            return ChoiceMatch(ambiguous=tuple(found))
    return ChoiceMatch()


def _fuzzy(text: str, words: list[str], label: str) -> bool:
    from rapidfuzz import fuzz

    if len(text) >= 4 and fuzz.ratio(text, label) >= FUZZY_CUTOFF:
        return True
    label_words = [w for w in _words(label) if w not in _STOPWORDS]
    return all(
        len(w) >= 4 and any(fuzz.ratio(w, lw) >= FUZZY_CUTOFF for lw in label_words) for w in words
    )


def match_choice(choices: list[list[str]], answer_text: str, choice: str | None) -> str | None:
    """The picked value, or None (nothing, or several equally good: see ``resolve_choice``)."""
    return resolve_choice(choices, answer_text, choice).value


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).rstrip(".!")


def _ambiguous_hint(ctx: Context, match: ChoiceMatch) -> str:
    options = "; ".join(
        f"{n}. {label}" for n, (_value, label) in enumerate(match.ambiguous, start=1)
    )
    return ctx.t(
        "That fits more than one option: {options}. Type more of the words, or the option's "
        "number in the list below.",
        options=options,
    )


def continue_dialog(ctx: Context, row: DialogRow, text: str, choice: str | None) -> list[Reply]:
    dialog = DIALOGS.get(row.dialog)
    if dialog is None:  # a dialog removed by an upgrade: say so instead of failing forever
        _close(ctx, row)
        return [Reply(plain(ctx.t("That conversation no longer exists; please start again.")))]
    state = _state_of(dialog, row)
    loose = state not in dialog.exact_states
    match = resolve_choice(row.choices, text, choice, loose=loose) if row.choices else ChoiceMatch()
    picked = match.value
    if choice is not None and picked is None:
        return [
            Reply(plain(ctx.t("That button belongs to an earlier question."))),
            _prompt_again(ctx, dialog, row),
        ]
    # The step gets a copy, so that the row keeps what was loaded until the step is done (and an
    # ORM row, compared by value against the loaded object, sees a draft changed in place).
    draft = copy.deepcopy(row.data)
    outcome = dialog.steps[state](ctx, draft, Answer(text=text, choice=picked))
    row.data = draft
    row.updated_at, row.reminded_at = ctx.now, None
    if isinstance(outcome, Retry):
        reply = _prompt(ctx, dialog, row)
        dialogs.save_dialog(session=ctx.session, state=row)
        # An answer that fitted several options: say which, instead of "choose one of the options".
        message = _ambiguous_hint(ctx, match) if match.ambiguous else outcome.message
        return [Reply(plain(message)), reply]
    if isinstance(outcome, Finish):
        _close(ctx, row)
        return [outcome.reply] if outcome.reply else []
    row.history = [*row.history, row.state]
    row.state = outcome.state.value
    reply = _prompt(ctx, dialog, row)
    dialogs.save_dialog(session=ctx.session, state=row)
    return [reply]


def go_back(ctx: Context, row: DialogRow) -> list[Reply]:
    dialog = DIALOGS[row.dialog]
    if not row.history:
        return [
            Reply(plain(ctx.t("This is the first question; there is nothing to go back to."))),
            _prompt_again(ctx, dialog, row),
        ]
    row.state, row.history = row.history[-1], row.history[:-1]
    row.updated_at, row.reminded_at = ctx.now, None
    reply = _prompt(ctx, dialog, row)
    dialogs.save_dialog(session=ctx.session, state=row)
    return [reply]


def cancel(ctx: Context, row: DialogRow) -> list[Reply]:
    dialog = DIALOGS.get(row.dialog)
    extra = dialog.on_cancel(ctx, row) if dialog and dialog.on_cancel else None
    _close(ctx, row)
    title = ctx.t(dialog.title) if dialog else row.dialog
    replies = [Reply(markup(ctx.t("Stopped: {title}. Nothing more is asked."), title=title))]
    return replies + ([extra] if extra else [])


def resume(ctx: Context, row: DialogRow) -> Reply:
    """The open question again (after a restart, or when someone asks something else meanwhile)."""
    return _prompt_again(ctx, DIALOGS[row.dialog], row)


def dialog_title(ctx: Context, row: DialogRow) -> str:
    dialog = DIALOGS.get(row.dialog)
    return ctx.t(dialog.title) if dialog else row.dialog


def stay_hint() -> str:
    return N_(
        "You are in the middle of: {title}. Answer the question, /terug goes back, /stop stops."
    )
