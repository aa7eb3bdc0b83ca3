"""Commands around questions: /vragen, /rol, /onbeantwoord and /kennis."""

from __future__ import annotations

from handlers.command import COORDINATOR, COUNCIL_AND_COLLEGE, EVERYONE, command
from handlers.context import Context
from handlers.i18n import N_, t
from handlers.people.roles import role_label
from handlers.qa.chat import MAX_QUESTION_CHARS, org_engine, send_private
from handlers.qa.helpers import council_questions, normalise_level, role_explanation
from handlers.qa.kb import LANGS, OWN_POLICY, KnowledgeBaseError, build_entry, build_overrides
from handlers.qa.overrides import LEARNED, ORG_ENGINES, WHOLE_ENTRY, learned_fields
from handlers.reply import Reply, markup, plain
from handlers.text import one_line
from storage import people, questions
from storage.enums import Country, Role
from storage.question_models import QuestionLog

# The handbook's BOB session: the council asks the college; the college (mayor, aldermen) and
# the secretary prepare the answers; the coordinator reports to the council each quarter.
COUNCIL_QUESTION_ROLES = COUNCIL_AND_COLLEGE | {Role.COORDINATOR}
LIST_LIMIT = 20


@command(
    "vragen",
    roles=COUNCIL_QUESTION_ROLES,
    summary=N_("the questions the council can put to the college"),
    usage="[strategisch|tactisch|operationeel]",
    aliases=("questions",),
    in_groups=True,
)
def council_questions_command(ctx: Context, args: list[str]) -> Reply:
    level = args[0] if args else None
    if level is not None and normalise_level(level) == "":
        return Reply(plain(ctx.t("Unknown level. Choose strategisch, tactisch or operationeel.")))
    return Reply(council_questions(level, ctx.language, ctx.org.country))


@command(
    "rol",
    roles=EVERYONE,
    summary=N_("your role and duties for NIS2"),
    aliases=("role",),
)
def role_command(ctx: Context, args: list[str]) -> Reply:
    return Reply(role_explanation(ctx.role or Role.EMPLOYEE, ctx.language, ctx.org.country))


# --- /onbeantwoord --------------------------------------------------------------------------

ANSWER_WORDS = {"beantwoord", "answer", "antwoord"}
ATTACH_WORDS = {"koppel", "attach"}
CANDIDATE_WORDS = {"kandidaten", "candidates"}
CONFIRM_WORDS = {"bevestig", "confirm"}


@command(
    "onbeantwoord",
    roles=COORDINATOR,
    summary=N_("questions I could not answer, and answering them"),
    usage="[beantwoord N TEXT | koppel N ID | kandidaten | bevestig N]",
    aliases=("unanswered",),
    audited=True,
)
def unanswered_command(ctx: Context, args: list[str]) -> Reply:
    word = args[0].lower() if args else ""
    if word in ANSWER_WORDS:
        return _answer_question(ctx, args[1:])
    if word in ATTACH_WORDS:
        return _attach_command(ctx, args[1:])
    if word in CANDIDATE_WORDS:
        return _candidates(ctx)
    if word in CONFIRM_WORDS:
        return _confirm_candidate(ctx, args[1:])
    rows = questions.open_questions(
        session=ctx.session, organisation_id=ctx.org.id, limit=LIST_LIMIT
    )
    if not rows:
        return Reply(plain(ctx.t("There are no unanswered questions.")))
    lines = [
        markup("<b>{title}</b>", title=ctx.t("Unanswered questions ({count})", count=len(rows)))
    ]
    for row in rows:
        state = ctx.t("passed on") if row.forwarded else ctx.t("not understood")
        lines.append(
            markup(
                "#{number} · {when} · {role} · {state}\n{question}",
                number=row.id,
                when=row.created_at.strftime("%d-%m %H:%M"),
                role=role_label(row.role, ctx.language, ctx.country),
                state=state,
                question=one_line(row.question, 300),
            )
        )
    lines.append("")
    lines.append(
        markup(
            "<i>{hint}</i>",
            hint=ctx.t(
                "Answer one: /onbeantwoord beantwoord N YOUR ANSWER. Or attach it to an entry "
                "that answers it: /onbeantwoord koppel N ID (find the ID with /kennis toon "
                "QUESTION). Either way I answer that question directly from now on."
            ),
        )
    )
    return Reply("\n".join(lines))


def _question_row(ctx: Context, raw: str) -> QuestionLog | None:
    number = raw.lstrip("#")
    if not number.isdigit():
        return None
    return questions.question_by_id(
        session=ctx.session, organisation_id=ctx.org.id, log_id=int(number)
    )


def learn_phrasing(ctx: Context, row: QuestionLog, entry_id: str) -> None:
    """Attach the question's phrasing to ``entry_id`` for this organisation: stored as a
    'learn' override (the entry's paraphrases plus these), so the engine answers it directly."""
    rows = questions.overrides_of(session=ctx.session, organisation_id=ctx.org.id)
    fields = learned_fields(rows, entry_id)
    lang = row.language if row.language in LANGS else LANGS[0]
    phrasing = one_line(row.question, MAX_QUESTION_CHARS)
    if phrasing not in fields[lang]:
        fields[lang].append(phrasing)
    questions.set_override(
        session=ctx.session,
        organisation_id=ctx.org.id,
        entry_id=entry_id,
        language=LEARNED,
        fields=fields,
        created_by=f"person:{ctx.me.id}",
        now=ctx.now,
    )
    questions.mark_learned(session=ctx.session, row=row, entry_id=entry_id)
    ORG_ENGINES.forget(ctx.org.id)


def _attach_command(ctx: Context, args: list[str]) -> Reply:
    usage = Reply(plain(ctx.t("Usage: /onbeantwoord koppel N ID")))
    if len(args) != 2:
        return usage
    row = _question_row(ctx, args[0])
    if row is None:
        return Reply(markup(ctx.t("There is no question #{number}."), number=args[0][:20]))
    engine = org_engine(ctx)
    entry = engine.by_id.get(args[1])
    if entry is None:
        return Reply(markup(ctx.t("There is no entry {entry}."), entry=args[1][:100]))
    learn_phrasing(ctx, row, entry.id)
    delivered = False
    if row.answered_at is None:
        delivered = _send_entry_to_asker(ctx, row, entry.id)
        questions.mark_answered(
            session=ctx.session, row=row, answer=f"→ {entry.id}", person_id=ctx.me.id, now=ctx.now
        )
    ctx.audit("qa.question_attached", question=row.id, entry=entry.id, delivered=delivered)
    return Reply(
        markup(
            ctx.t(
                "Attached: question #{number} is answered with {entry} from now on, for everyone "
                "in your organisation."
            ),
            number=row.id,
            entry=entry.id,
        )
        + ("\n" + plain(ctx.t("The asker got that answer.")) if delivered else "")
    )


def _send_entry_to_asker(ctx: Context, row: QuestionLog, entry_id: str) -> bool:
    asker = (
        people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=row.person_id
        )
        if row.person_id is not None
        else None
    )
    if asker is None or not asker.active or asker.id == ctx.me.id:
        return False
    result = ORG_ENGINES.engine_for(session=ctx.session, organisation_id=ctx.org.id).answer_entry(
        entry_id,
        role=asker.role,
        country=ctx.org.country,
        language=asker.language,
        question=row.question,
    )
    if result.kind != "answer":
        return False
    text = "\n".join(
        [
            markup(
                "<b>{title}</b>",
                title=t(asker.language, "The NIS2 coordinator answered your question"),
            ),
            markup("<i>{question}</i>", question=one_line(row.question, 300)),
            "",
            result.text,
        ]
    )
    return send_private(ctx, asker.id, Reply(text), key=f"qa:answer:{row.id}")


def _candidates(ctx: Context) -> Reply:
    rows = questions.picked_questions(
        session=ctx.session, organisation_id=ctx.org.id, limit=LIST_LIMIT
    )
    if not rows:
        return Reply(plain(ctx.t("There are no candidate phrasings to confirm.")))
    lines = [
        markup(
            "<b>{title}</b>",
            title=ctx.t("Answered through a 'Did you mean' choice ({count})", count=len(rows)),
        )
    ]
    for row in rows:
        lines.append(
            markup(
                "#{number} → <code>{entry}</code>\n{question}",
                number=row.id,
                entry=row.entry_id or "?",
                question=one_line(row.question, 300),
            )
        )
    lines += [
        "",
        markup(
            "<i>{hint}</i>",
            hint=ctx.t(
                "Confirm one and I answer that phrasing directly from now on: "
                "/onbeantwoord bevestig N"
            ),
        ),
    ]
    return Reply("\n".join(lines))


def _confirm_candidate(ctx: Context, args: list[str]) -> Reply:
    if len(args) != 1:
        return Reply(plain(ctx.t("Usage: /onbeantwoord bevestig N")))
    row = _question_row(ctx, args[0])
    if row is None or row.result_kind != "picked" or not row.entry_id:
        return Reply(
            markup(ctx.t("Question #{number} is no candidate phrasing."), number=args[0][:20])
        )
    if row.entry_id not in org_engine(ctx).by_id:
        return Reply(markup(ctx.t("There is no entry {entry}."), entry=row.entry_id))
    entry_id = row.entry_id
    learn_phrasing(ctx, row, entry_id)
    ctx.audit("qa.phrasing_confirmed", question=row.id, entry=entry_id)
    return Reply(
        markup(
            ctx.t("Confirmed: question #{number} is answered with {entry} from now on."),
            number=row.id,
            entry=entry_id,
        )
    )


def _answer_question(ctx: Context, args: list[str]) -> Reply:
    usage = Reply(plain(ctx.t("Usage: /onbeantwoord beantwoord N YOUR ANSWER")))
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        return usage
    row = questions.question_by_id(
        session=ctx.session, organisation_id=ctx.org.id, log_id=int(args[0].lstrip("#"))
    )
    if row is None:
        return Reply(markup(ctx.t("There is no question #{number}."), number=args[0]))
    if row.answered_at is not None:
        return Reply(markup(ctx.t("Question #{number} was already answered."), number=row.id))
    answer = " ".join(args[1:])
    asker = (
        people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=row.person_id
        )
        if row.person_id is not None
        else None
    )
    delivered = False
    if asker is not None and asker.active:
        lang = asker.language
        text = "\n".join(
            [
                markup(
                    "<b>{title}</b>",
                    title=t(lang, "The NIS2 coordinator answered your question"),
                ),
                markup("<i>{question}</i>", question=one_line(row.question, 300)),
                "",
                plain(answer),
            ]
        )
        delivered = send_private(ctx, asker.id, Reply(text), key=f"qa:answer:{row.id}")
    questions.mark_answered(
        session=ctx.session, row=row, answer=answer, person_id=ctx.me.id, now=ctx.now
    )
    _answer_for_organisation(ctx, row, answer)
    ctx.audit("qa.question_answered", question=row.id, delivered=delivered)
    if not delivered:
        return Reply(
            markup(
                ctx.t(
                    "Question #{number} is marked answered, but the asker cannot be reached "
                    "privately through me."
                ),
                number=row.id,
            )
        )
    return Reply(markup(ctx.t("Your answer to question #{number} was sent."), number=row.id))


def _answer_for_organisation(ctx: Context, row: QuestionLog, answer: str) -> None:
    """The coordinator's answer becomes the organisation's own entry for that question: the next
    person who asks it gets the answer directly, marked as the organisation's own."""
    question = one_line(row.question, 300)
    text = {"question": question, "paraphrases": [question, question], "answer": plain(answer)}
    table = {
        "id": f"org-question-{row.id}",
        "topic": "organisation",
        "countries": Country(ctx.org.country).value,
        "sources": [OWN_POLICY],
        "reliability": "S",
        **{lang: dict(text) for lang in LANGS},
    }
    try:
        build_entry(table)
    except KnowledgeBaseError:
        return  # cannot happen for plain text; never lose the answer itself over it
    questions.set_override(
        session=ctx.session,
        organisation_id=ctx.org.id,
        entry_id=table["id"],
        language=WHOLE_ENTRY,
        fields=table,
        created_by=f"person:{ctx.me.id}",
        now=ctx.now,
    )
    ORG_ENGINES.forget(ctx.org.id)


# --- /kennis ----------------------------------------------------------------------------------

SET_WORDS, REMOVE_WORDS, SHOW_WORDS = {"zet", "set"}, {"wis", "remove"}, {"toon", "show"}


@command(
    "kennis",
    roles=COORDINATOR,
    summary=N_("your organisation's own answers (e.g. the internal phone number)"),
    usage="[zet ID nl|en TEXT | wis ID [nl|en] | toon ID]",
    aliases=("knowledge",),
    audited=True,
)
def knowledge_command(ctx: Context, args: list[str]) -> Reply:
    word = args[0].lower() if args else ""
    if word in SET_WORDS:
        return _set_answer(ctx, args[1:])
    if word in REMOVE_WORDS:
        return _remove(ctx, args[1:])
    if word in SHOW_WORDS and len(args) > 1:
        return _show(ctx, args[1:])
    rows = questions.overrides_of(session=ctx.session, organisation_id=ctx.org.id)
    lines = [markup("<b>{title}</b>", title=ctx.t("Your organisation's own answers"))]
    if not rows:
        lines.append(plain(ctx.t("None yet: every answer comes from the shared knowledge base.")))
    for row in rows:
        lines.append(
            markup(
                "<code>{entry}</code> ({language}) · {who} · {when}",
                entry=row.entry_id,
                language=row.language,
                who=row.created_by,
                when=row.created_at.strftime("%d-%m-%Y"),
            )
        )
    lines.append("")
    lines.append(
        markup(
            "<i>{hint}</i>",
            hint=ctx.t(
                "Change an answer: /kennis zet ID nl|en TEXT. Undo: /kennis wis ID. "
                "Find an ID: /kennis toon QUESTION."
            ),
        )
    )
    return Reply("\n".join(lines))


def _show(ctx: Context, args: list[str]) -> Reply:
    """One entry as this coordinator would get it, or the entries closest to a question."""
    engine = org_engine(ctx)
    role = ctx.role or Role.EMPLOYEE
    if len(args) == 1 and args[0] in engine.by_id:
        result = engine.answer_entry(
            args[0], role=role, country=ctx.org.country, language=ctx.language
        )
        return Reply(markup("<code>{entry}</code>\n", entry=args[0]) + result.text)
    ranked, _, _ = engine.rank(" ".join(args), role=role, country=ctx.org.country)
    if not ranked:
        return Reply(plain(ctx.t("No entry comes close to that.")))
    lines = [markup("<b>{title}</b>", title=ctx.t("Closest entries"))]
    for entry_id, _score in ranked:
        question = engine.by_id[entry_id].texts[ctx.language].question_for(ctx.country)
        lines.append(markup("<code>{entry}</code> {question}", entry=entry_id, question=question))
    return Reply("\n".join(lines))


def _set_answer(ctx: Context, args: list[str]) -> Reply:
    usage = Reply(plain(ctx.t("Usage: /kennis zet ID nl|en TEXT")))
    if len(args) < 3 or args[1].lower() not in LANGS:
        return usage
    entry_id, lang, text = args[0], args[1].lower(), plain(" ".join(args[2:]))
    engine = org_engine(ctx)
    entry = engine.by_id.get(entry_id)
    if entry is None:
        return Reply(markup(ctx.t("There is no entry {entry}."), entry=entry_id))
    # The new text replaces the general answer and every role variant in that language: the
    # coordinator writes one answer for everyone in the organisation.
    roles = entry.raw.get(lang, {}).get("roles", {})
    fields = {"id": entry_id, lang: {"answer": text, "roles": dict.fromkeys(roles, text)}}
    try:
        build_overrides([fields], engine.by_id)
    except KnowledgeBaseError as error:
        return Reply(markup(ctx.t("That does not fit the entry: {error}"), error=str(error)))
    questions.set_override(
        session=ctx.session,
        organisation_id=ctx.org.id,
        entry_id=entry_id,
        language=lang,
        fields=fields,
        created_by=f"person:{ctx.me.id}",
        now=ctx.now,
    )
    ORG_ENGINES.forget(ctx.org.id)
    ctx.audit("qa.kb_override_set", entry=entry_id, language=lang)
    return Reply(
        markup(
            ctx.t("Saved: your organisation now gets your own answer for {entry} ({language})."),
            entry=entry_id,
            language=lang,
        )
    )


def _remove(ctx: Context, args: list[str]) -> Reply:
    if not args:
        return Reply(plain(ctx.t("Usage: /kennis wis ID [nl|en]")))
    lang = args[1].lower() if len(args) > 1 and args[1].lower() in LANGS else None
    removed = questions.remove_overrides(
        session=ctx.session,
        organisation_id=ctx.org.id,
        entry_id=args[0],
        language=lang,
        now=ctx.now,
    )
    ORG_ENGINES.forget(ctx.org.id)
    ctx.audit("qa.kb_override_removed", entry=args[0], language=lang, rows=removed)
    if not removed:
        return Reply(markup(ctx.t("There is no own answer for {entry}."), entry=args[0]))
    return Reply(
        markup(ctx.t("Removed: {entry} comes from the shared knowledge base again."), entry=args[0])
    )
