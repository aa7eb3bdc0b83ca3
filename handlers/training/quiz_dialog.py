"""The in-chat quiz: ``/toets`` (``/quiz``). Ten questions, buttons, an explanation after a wrong
answer, 80 % to pass; passing records the training and sends the PDF certificate.

The drawn questions (ids and option order) are stored in the dialog draft and in ``quiz_attempt``
when the quiz starts, so a process killed mid-quiz resumes with the same question and options.
"""

from __future__ import annotations

from enum import Enum

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.dialog import Answer, Dialog, Draft, Finish, Goto, Retry, Step, register_dialog
from handlers.dialog import start_dialog as open_dialog
from handlers.i18n import N_
from handlers.reply import Attachment, Choice, Reply, markup, plain
from handlers.training import quiz, service
from handlers.training.bank import load_bank
from handlers.training.modules import get_module, module_for
from handlers.training.quiz import DrawnQuestion
from handlers.training.texts import format_day, quiz_result_message
from storage import training
from storage.enums import Role
from storage.training_models import TrainingMethod


class QuizState(Enum):
    QUESTION = "question"


quiz_dialog = Dialog("training-quiz", QuizState, first=QuizState.QUESTION, title=N_("the quiz"))


def _drawn(draft: Draft) -> list[DrawnQuestion]:
    return [DrawnQuestion(qid, tuple(order)) for qid, order in draft["drawn"]]


@quiz_dialog.ask(QuizState.QUESTION)
def ask_question(ctx: Context, draft: Draft) -> Reply:
    drawn = _drawn(draft)
    index = draft["index"]
    shown = quiz.prompt(load_bank(), drawn[index], ctx.language)
    lines = []
    if draft.get("feedback"):
        lines += [plain(draft["feedback"]), ""]
    lines.append(
        markup(
            "<b>{title}</b>",
            title=ctx.t("Question {number} of {total}", number=index + 1, total=len(drawn)),
        )
    )
    lines.append(plain(shown.question))
    # "question.option" values: a late tap on an earlier question's button is recognised as such
    # (the dialog engine refuses a value that is not on the current question) instead of being
    # taken as the answer to this one. Typing the option's number still works.
    choices = tuple(
        Choice(f"{index + 1}.{i + 1}", option) for i, option in enumerate(shown.options)
    )
    return Reply("\n".join(lines), choices)


@quiz_dialog.step(QuizState.QUESTION)
def on_answer(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice is None:
        return Retry(ctx.t("Please pick one of the answers: tap a button or type its number."))
    bank = load_bank()
    drawn = _drawn(draft)
    index = draft["index"]
    position = int(answer.choice.rpartition(".")[2]) - 1
    result = quiz.feedback(bank, drawn[index], position, ctx.language)
    draft["answers"] = [*draft["answers"], position]
    attempt = training.attempt_by_id(
        session=ctx.session, organisation_id=ctx.org.id, attempt_id=draft["attempt"]
    )
    if attempt is not None:
        attempt.answers = list(draft["answers"])
        training.save_attempt(session=ctx.session, attempt=attempt)
    said = ctx.t("Correct!") if result.correct else ctx.t("Not quite.") + " " + result.text
    if index + 1 < len(drawn):
        draft["index"], draft["feedback"] = index + 1, said
        return Goto(QuizState.QUESTION)
    return Finish(_finish(ctx, draft, drawn, said))


def _finish(ctx: Context, draft: Draft, drawn: list[DrawnQuestion], said: str) -> Reply:
    bank = load_bank()
    result = quiz.score(bank, drawn, draft["answers"])
    text = (
        plain(said)
        + "\n\n"
        + quiz_result_message(result, ctx.language, pass_mark=quiz.PASS_MARK_PERCENT)
    )
    attempt = training.attempt_by_id(
        session=ctx.session, organisation_id=ctx.org.id, attempt_id=draft["attempt"]
    )
    record = None
    if result.passed:
        record = service.register_completion(
            ctx.session,
            ctx.org,
            ctx.me,
            completed_at=ctx.now,
            method=TrainingMethod.QUIZ,
            now=ctx.now,
            with_certificate=True,
            module=draft.get("module"),
        )
        ctx.audit("training.quiz_passed", record_id=record.id, number=record.certificate_number)
    if attempt is not None:
        attempt.correct, attempt.passed, attempt.finished_at = (
            result.correct,
            result.passed,
            ctx.now,
        )
        attempt.record_id = record.id if record else None
        training.save_attempt(session=ctx.session, attempt=attempt)
    if record is None:
        return Reply(text, (Choice("/toets", ctx.t("Try again")),))
    data = service.certificate_data(ctx.org, ctx.me, record)
    text += "\n" + markup(
        ctx.t("Certificate number {number}, valid until {day}."),
        number=data.number,
        day=format_day(data.valid_until, ctx.language),
    )
    module = get_module(data.module, service.country_of(ctx.org)) if data.module else None
    if module is not None:
        text += "\n" + markup(ctx.t("Learning module: {title}"), title=module.title(ctx.language))
    from handlers.training.pdf import certificate_pdf  # fpdf2 is heavy: loaded when someone passes

    pdf = Attachment(
        kind="document",
        filename=f"{data.number}.pdf",
        content_type="application/pdf",
        data=certificate_pdf(data, ctx.language),
    )
    return Reply(text, attachments=(pdf,))


register_dialog(quiz_dialog)


@command(
    "toets",
    roles=EVERYONE,
    summary=N_("take the security awareness quiz (10 questions)"),
    aliases=("quiz",),
)
def quiz_command(ctx: Context, args: list[str]) -> list[Reply]:
    country = service.country_of(ctx.org)
    followed = get_module(args[0], country) if args else None
    if args and followed is None:
        return [Reply(plain(ctx.t("There is no module with that name. /leren lists them.")))]
    bank = load_bank()
    drawn = quiz.draw(bank, quiz.new_seed(), country=service.country_of(ctx.org))
    stored = [[d.question_id, list(d.option_order)] for d in drawn]
    attempt = training.start_attempt(
        session=ctx.session,
        organisation_id=ctx.org.id,
        person_id=ctx.me.id,
        bank_fingerprint=bank.fingerprint,
        drawn=stored,
        now=ctx.now,
    )
    intro_text = plain(
        ctx.t(
            "Ten questions. Tap an answer (or type its number). You need {mark} % to pass. "
            "/stop stops the quiz.",
            mark=quiz.PASS_MARK_PERCENT,
        )
    )
    offered = module_for(Role(ctx.me.role), country) if followed is None else None
    if offered is not None:
        # The module is offered first but never forced: the quiz is already open, /stop then
        # /leren reads it first.
        intro_text = (
            markup(
                ctx.t("First a short module? /stop, then /leren {id}: {title}"),
                id=offered.id,
                title=offered.title(ctx.language),
            )
            + "\n"
            + intro_text
        )
    intro = Reply(intro_text)
    draft = {"attempt": attempt.id, "drawn": stored, "answers": [], "index": 0, "feedback": ""}
    if followed is not None:
        draft["module"] = followed.id
    return [intro, *open_dialog(ctx, quiz_dialog, draft)]
