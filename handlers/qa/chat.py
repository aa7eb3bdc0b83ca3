"""Questions in the chat: the catch-all free-text handler, ``/vraag``, and the choices it offers.

Any text outside a dialog in a private chat that no earlier feature claimed is a question. The
engine answers it for the asker's role, the organisation's country and overrides, and the asker's
language: an answer with its source line, a "Did you mean…?" with the top three as choices, or an
honest "I don't know" with the offer to pass the question to the coordinator. Every question is
logged (text, role, language, result; the only identifier is the person id).

Choices carry commands (``/vraagkeuze ENTRY LOG``, ``/vraagdoor LOG``): a button outside a dialog
is routed as a command, and a typed "2" picks the second choice on text-only platforms.
"""

from __future__ import annotations

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_, t
from handlers.people.roles import role_label
from handlers.qa.engine import QAEngine, QAResult
from handlers.qa.overrides import ORG_ENGINES
from handlers.reply import Choice, Reply, markup, plain
from handlers.router import free_text_handler, remember_choices
from handlers.text import one_line
from storage import people, questions
from storage.enums import Role
from storage.question_models import QuestionLog

PICK, FORWARD = "vraagkeuze", "vraagdoor"
MAX_QUESTION_CHARS = 1000  # longer texts are not questions; the log keeps no more than this
_LABEL_CHARS = 60
# Below this confidence nothing of the text matched the knowledge base (only the role prior).
NO_MATCH_BELOW = 0.05


def org_engine(ctx: Context) -> QAEngine:
    return ORG_ENGINES.engine_for(session=ctx.session, organisation_id=ctx.org.id)


def ask(ctx: Context, question: str, *, catch_all: bool = False) -> list[Reply] | None:
    """Answer ``question`` for the person in ``ctx``, log it, and offer the follow-up choices.

    As the catch-all (``catch_all``), text that shares nothing with the knowledge base ("hoi",
    "blabla", a typo'd command) is logged as 'nomatch' and left to the router, which answers
    "I did not understand that, type /help": offering to bother the coordinator with it would
    not help anyone."""
    question = question.strip()[:MAX_QUESTION_CHARS]
    role = ctx.role or Role.EMPLOYEE
    result = org_engine(ctx).ask(
        question, role=role, country=ctx.org.country, language=ctx.language
    )
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
    if no_match and catch_all:
        remember_choices(ctx, [])  # an older "Did you mean" must not answer a later "2"
        return None
    replies = [_reply_for(ctx, result, row)]
    remember_choices(ctx, replies)
    return replies


def _reply_for(ctx: Context, result: QAResult, row: QuestionLog) -> Reply:
    if result.kind == "answer":
        return Reply(result.text)
    forward = Choice(f"/{FORWARD} {row.id}", ctx.t("Yes, ask the coordinator"))
    if result.kind == "unknown":
        # The engine offers FORWARD_TO_COORDINATOR; here it becomes a command with the log id.
        return Reply(result.text, (forward,))
    picks = tuple(
        Choice(f"/{PICK} {c.value} {row.id}", one_line(c.label, _LABEL_CHARS))
        for c in result.suggestions
    )
    none = Choice(forward.value, ctx.t("None of these: ask the coordinator"))
    return Reply(result.text, (*picks, none))


@free_text_handler
def question_handler(ctx: Context, text: str) -> list[Reply] | None:
    """The catch-all: registered last, so every other feature had its chance first."""
    if ctx.event is not None and ctx.event.chat_is_group:
        return None  # in groups the bot reacts to commands only
    if ctx.person is None or ctx.organisation is None or not text.strip():
        return None
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
    result = org_engine(ctx).answer_entry(
        args[0], role=ctx.role or Role.EMPLOYEE, country=ctx.org.country, language=ctx.language
    )
    row = _my_question(ctx, args[1] if len(args) > 1 else None)
    if row is not None and result.kind == "answer":
        # What was picked tells which suggestion was right: worth keeping for the statistics.
        questions.record_pick(session=ctx.session, row=row, entry_id=result.entry_id)
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
                        role=role_label(row.role, lang),
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
