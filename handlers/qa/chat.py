"""Questions in the chat: the catch-all free-text handler, ``/vraag``, and the choices it offers.

Any text outside a dialog in a private chat that no earlier feature claimed is a question. The
engine answers it for the asker's role, the organisation's country and overrides, and the asker's
language: an answer with its source line, a "Did you mean…?" with the top three as choices, or an
honest "I don't know" with the offer to pass the question to the coordinator. Every question is
logged (text, role, language, result; the only identifier is the person id).

Choices carry commands (``/vraagkeuze ENTRY LOG``, ``/vraagdoor LOG``, ``/melden WHAT HAPPENED``):
a button outside a dialog is routed as a command, and a typed "2" picks the second choice on
text-only platforms.

Issue 12 added: a situation ("linkje geklikt", "gehackt") gets its advice *and* the offer to report
it (``/melden`` with the description, so nobody types it twice), for every role; a close runner-up
is offered beside the answer ("Did you rather mean …?"); small talk gets a friendly word; a lone
number with no choice open is not a question; a short follow-up ("en als het weekend is?") is read
together with the previous question for ``FOLLOW_UP_FOR``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_, t
from handlers.incidents.entry import keep_offered_description, who_hears_of_it
from handlers.incidents.recognise import describes_incident
from handlers.people.roles import role_label
from handlers.qa.engine import QAEngine, QAResult
from handlers.qa.follow_up import fused_follow_up
from handlers.qa.overrides import ORG_ENGINES
from handlers.qa.text import raw_words
from handlers.reply import Choice, Reply, markup, plain
from handlers.router import free_text_handler, remember_choices
from handlers.text import one_line
from storage import kv, people, questions
from storage.enums import Role
from storage.question_models import QuestionLog

PICK, FORWARD = "vraagkeuze", "vraagdoor"
MAX_QUESTION_CHARS = 1000  # longer texts are not questions; the log keeps no more than this
_LABEL_CHARS = 60
# Below this confidence nothing of the text matched the knowledge base (only the role prior).
NO_MATCH_BELOW = 0.05
#: How long the previous question's topic is kept for a follow-up.
FOLLOW_UP_FOR = timedelta(minutes=10)
# A follow-up leans on the previous question: it opens like one, or is too short to stand alone.
_FOLLOW_UP_OPENING = re.compile(
    r"^\s*(en|and|maar|but|ook|also|wat als|what if|wat nou als|geldt dat|geldt dit|does that"
    r"|is dat ook|en als|and if|en bij|en voor|and for|and what about|en wat)\b",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 4


def org_engine(ctx: Context) -> QAEngine:
    return ORG_ENGINES.engine_for(session=ctx.session, organisation_id=ctx.org.id)


def ask(ctx: Context, question: str, *, catch_all: bool = False) -> list[Reply] | None:
    """Answer ``question`` for the person in ``ctx``, log it, and offer the follow-up choices.

    As the catch-all (``catch_all``), text that shares nothing with the knowledge base ("blabla",
    a typo'd command) is logged as 'nomatch' and left to the router, which answers "I did not
    understand that, type /help": offering to bother the coordinator with it would not help
    anyone."""
    question = question.strip()[:MAX_QUESTION_CHARS]
    role = ctx.role or Role.EMPLOYEE
    engine = org_engine(ctx)
    result = engine.ask(question, role=role, country=ctx.org.country, language=ctx.language)
    if result.kind == "smalltalk":
        remember_choices(ctx, [])
        return [Reply(result.text)]
    result = _with_previous(ctx, engine, question, result)
    no_match = result.kind == "unknown" and result.confidence < NO_MATCH_BELOW
    row = questions.log_question(
        session=ctx.session,
        organisation_id=ctx.org.id,
        person_id=ctx.me.id,
        role=role.value,
        language=ctx.language,
        question=question,
        result_kind="nomatch" if no_match else result.kind,
        entry_id=result.entry_id,
        confidence=result.confidence,
        now=ctx.now,
    )
    offer_report = result.situation is not None or describes_incident(question)
    if result.kind == "answer" and result.entry_id is not None:
        _remember_topic(ctx, question, result.entry_id)
    if no_match and catch_all and not offer_report:
        remember_choices(ctx, [])  # an older "Did you mean" must not answer a later "2"
        return None
    replies = [_reply_for(ctx, result, row, question if offer_report else None)]
    remember_choices(ctx, replies)
    return replies


def _topic_key(ctx: Context) -> str:
    return f"qa:topic:{ctx.me.id}"


def _remember_topic(ctx: Context, question: str, entry_id: str | None) -> None:
    value = json.dumps(
        {"q": question[:MAX_QUESTION_CHARS], "entry": entry_id, "at": ctx.now.isoformat()}
    )
    kv.set_value(session=ctx.session, key=_topic_key(ctx), value=value, now=ctx.now)


def _previous(ctx: Context) -> tuple[str, str | None] | None:
    """(the previous question, the entry that answered it), if recent enough."""
    stored = kv.get_value(session=ctx.session, key=_topic_key(ctx))
    if not stored:
        return None
    previous = json.loads(stored)
    if not previous.get("q") or ctx.now - datetime.fromisoformat(previous["at"]) > FOLLOW_UP_FOR:
        return None
    return str(previous["q"]), previous.get("entry")


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP_OPENING.match(question)) or len(raw_words(question)) <= FOLLOW_UP_WORDS


def _with_previous(ctx: Context, engine: QAEngine, question: str, result: QAResult) -> QAResult:
    """A follow-up ("en als het weekend is?") is answered as part of the previous question when
    that gives an answer: always when it opens like a follow-up, otherwise only when the question
    alone found nothing."""
    if result.situation is not None or not is_follow_up(question):
        return result
    opens_like_one = bool(_FOLLOW_UP_OPENING.match(question))
    if result.kind == "answer" and not opens_like_one:
        return result
    found = _previous(ctx)
    if found is None:
        return result
    previous, previous_entry = found
    asker = {
        "role": ctx.role or Role.EMPLOYEE,
        "country": ctx.org.country,
        "language": ctx.language,
    }
    combined = engine.ask(f"{previous} {question}", **asker)
    if combined.kind == "answer" and combined.entry_id != previous_entry:
        return combined  # "en voor de raad?" after a training question: the council's training
    # The follow-up adds its own subject ("en als het weekend is?"): the conversation already
    # says this is our domain, so its own words choose the entry.
    alone = engine.ask(question, in_domain=True, **asker)
    if alone.kind == "answer":
        return alone
    if opens_like_one and (combined.kind != "answer" or combined.entry_id == previous_entry):
        # "en bij een datalek?": never the previous answer again, nor a bare menu
        fused = fused_follow_up(engine, previous, question, **asker)
        if fused is not None:
            return fused
    return combined if combined.kind == "answer" else result


def _reply_for(
    ctx: Context, result: QAResult, row: QuestionLog, situation: str | None = None
) -> Reply:
    """The reply with its choices: the report offer first for a situation (``situation`` is the
    text that described it), then a close runner-up, or the forward offer."""
    report: list[Choice] = []
    if situation is not None:
        # /melden takes the described situation as its description (nobody types it twice).
        keep_offered_description(ctx, situation)
        report = [Choice("/melden", ctx.t("Yes, report an incident"))]
    forward = Choice(f"/{FORWARD} {row.id}", ctx.t("Yes, ask the coordinator"))
    if result.kind == "answer":
        text = result.text
        if report:
            text += "\n\n" + markup(
                "<b>{offer}</b>",
                offer=ctx.t(
                    "Shall we report this as an incident now? {who_hears}",
                    who_hears=who_hears_of_it(ctx),
                ),
            )
        # A runner-up beside the answer, but not beside urgent advice: there the one thing to
        # offer is reporting it.
        runner_up = [
            Choice(
                f"/{PICK} {c.value} {row.id}",
                ctx.t("Did you rather mean: {question}", question=one_line(c.label, _LABEL_CHARS)),
            )
            for c in result.suggestions
            if not report
        ]
        return Reply(text, (*report, *runner_up))
    if result.kind == "unknown":
        # The engine offers FORWARD_TO_COORDINATOR; here it becomes a command with the log id.
        return Reply(result.text, (*report, forward))
    picks = tuple(
        Choice(f"/{PICK} {c.value} {row.id}", one_line(c.label, _LABEL_CHARS))
        for c in result.suggestions
    )
    none = Choice(forward.value, ctx.t("None of these: ask the coordinator"))
    return Reply(result.text, (*report, *picks, none))


@free_text_handler
def question_handler(ctx: Context, text: str) -> list[Reply] | None:
    """The catch-all: registered last, so every other feature had its chance first."""
    if ctx.event is not None and ctx.event.chat_is_group:
        return None  # in groups the bot reacts to commands only
    if ctx.person is None or ctx.organisation is None or not text.strip():
        return None
    if text.strip().isdigit():
        # "1" with no choice open (the router answers an open one): not a question to log or
        # forward.
        return [
            Reply(
                plain(
                    ctx.t(
                        "There is no choice open right now. Ask your question in your own "
                        "words, or type /help to see what I can do."
                    )
                )
            )
        ]
    return ask(ctx, text, catch_all=True)


@command(
    "vraag",
    roles=EVERYONE,
    summary=N_("ask a question about NIS2 (also works in a group)"),
    usage="…",
    aliases=("ask",),
    in_groups=True,
)
def ask_command(ctx: Context, args: list[str]) -> list[Reply]:
    if not args:
        return [
            Reply(
                plain(
                    ctx.t(
                        "Type your question after /vraag, for example: /vraag what is NIS2? "
                        "In a private chat you can also just type it."
                    )
                )
            )
        ]
    return ask(ctx, " ".join(args)) or []


def _my_question(ctx: Context, raw: str | None) -> QuestionLog | None:
    if raw is None or not raw.isdigit():
        return None
    row = questions.question_by_id(session=ctx.session, organisation_id=ctx.org.id, log_id=int(raw))
    return row if row is not None and row.person_id == ctx.me.id else None


@command(
    PICK,
    roles=EVERYONE,
    summary=N_("answer one of the suggested questions"),
    in_groups=True,
    hidden=True,
)
def pick_command(ctx: Context, args: list[str]) -> Reply:
    if not args:
        return Reply(
            plain(ctx.t("That choice is no longer valid. Please ask your question again."))
        )
    row = _my_question(ctx, args[1] if len(args) > 1 else None)
    result = org_engine(ctx).answer_entry(
        args[0],
        role=ctx.role or Role.EMPLOYEE,
        country=ctx.org.country,
        language=ctx.language,
        question=row.question if row is not None else "",
    )
    if row is not None and result.kind == "answer":
        # What was picked tells which entry answers this phrasing: kept as a candidate phrasing
        # for the coordinator to confirm (/onbeantwoord), and for the statistics.
        questions.record_pick(session=ctx.session, row=row, entry_id=result.entry_id)
        _remember_topic(ctx, row.question, result.entry_id)
    if result.kind != "answer":
        return Reply(
            plain(ctx.t("That choice is no longer valid. Please ask your question again."))
        )
    return Reply(result.text)


def send_private(ctx: Context, person_id: int, reply: Reply, key: str) -> bool:
    """A private message to a person of this organisation through the outbox."""
    sender = getattr(ctx, "send_to_person", None)
    if sender is not None:
        return bool(sender(person_id, reply, key))
    # Fallback for a core without send_to_person: the first linked account.
    for identity in people.identities_of(
        session=ctx.session, organisation_id=ctx.org.id, person_id=person_id
    ):
        ctx.send(
            platform=identity.platform,
            chat_id=identity.external_id,
            reply=reply,
            key=f"{key}:person:{person_id}",
        )
        return True
    return False


@command(
    FORWARD,
    roles=EVERYONE,
    summary=N_("pass my question on to the NIS2 coordinator"),
    in_groups=True,
    hidden=True,
)
def forward_command(ctx: Context, args: list[str]) -> Reply:
    row = _my_question(ctx, args[0] if args else None)
    if row is None:
        return Reply(plain(ctx.t("I can't find that question. Please ask it again.")))
    if row.forwarded:
        return Reply(plain(ctx.t("Your question was already passed on to the coordinator.")))
    reached = 0
    for coordinator in people.list_people(
        session=ctx.session, organisation_id=ctx.org.id, role=Role.COORDINATOR.value
    ):
        lang = coordinator.language
        text = "\n".join(
            [
                markup(
                    "<b>{title}</b>",
                    title=t(
                        lang,
                        "Question #{number} for the NIS2 coordinator (from a {role})",
                        number=row.id,
                        role=role_label(row.role, lang, ctx.country),
                    ),
                ),
                plain(row.question),
                "",
                markup(
                    "<i>{hint}</i>",
                    hint=t(
                        lang,
                        "Answer it with: /onbeantwoord beantwoord {number} YOUR ANSWER",
                        number=row.id,
                    ),
                ),
            ]
        )
        reached += send_private(ctx, coordinator.id, Reply(text), key=f"qa:forward:{row.id}")
    questions.mark_forwarded(session=ctx.session, row=row, now=ctx.now)
    if not reached:
        return Reply(
            plain(
                ctx.t(
                    "No NIS2 coordinator can be reached through me yet. Your question is saved "
                    "and will be answered here as soon as one picks it up."
                )
            )
        )
    return Reply(
        plain(
            ctx.t(
                "I have passed your question on to the NIS2 coordinator. "
                "You will get the answer here."
            )
        )
    )
