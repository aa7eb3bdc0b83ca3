"""The profile dialog: name, department, language. Each answer is written to the person at once."""

from __future__ import annotations

from enum import Enum

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.dialog import (
    Answer,
    Dialog,
    Draft,
    Finish,
    Goto,
    Retry,
    Step,
    register_dialog,
    start_dialog,
)
from handlers.i18n import N_, t
from handlers.reply import Choice, Reply, markup, plain
from handlers.text import one_line


class ProfileState(Enum):
    NAME = "name"
    DEPARTMENT = "department"
    LANGUAGE = "language"


profile = Dialog(
    "profile",
    ProfileState,
    first=ProfileState.NAME,
    title=N_("your profile"),
    # "Keep" is the current name or department: a new one typed must never read as a choice.
    exact_states=frozenset({ProfileState.NAME, ProfileState.DEPARTMENT}),
)
KEEP, SKIP = "keep", "skip"
LANGUAGE_CHOICES = (Choice("nl", "Nederlands"), Choice("en", "English"))


@profile.ask(ProfileState.NAME)
def ask_name(ctx: Context, draft: Draft) -> Reply:
    choices = (Choice(KEEP, one_line(ctx.me.name, 60)),) if ctx.me.name else ()
    return Reply(plain(ctx.t("What is your name? (as colleagues know you)")), choices)


@profile.step(ProfileState.NAME)
def on_name(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice == KEEP:
        return Goto(ProfileState.DEPARTMENT)
    name = one_line(answer.text, 200)
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return Retry(ctx.t("Please type your name (at least two letters)."))
    if len(name) > 100:
        return Retry(ctx.t("That is rather long for a name; please keep it under 100 characters."))
    ctx.me.name = name
    ctx.session.add(ctx.me)
    return Goto(ProfileState.DEPARTMENT)


@profile.ask(ProfileState.DEPARTMENT)
def ask_department(ctx: Context, draft: Draft) -> Reply:
    choices = [Choice(SKIP, ctx.t("Skip"))]
    if ctx.me.department:
        choices.insert(0, Choice(KEEP, one_line(ctx.me.department, 60)))
    return Reply(plain(ctx.t("Which department or team do you work in?")), tuple(choices))


@profile.step(ProfileState.DEPARTMENT)
def on_department(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice in (KEEP, SKIP):
        return Goto(ProfileState.LANGUAGE)
    department = one_line(answer.text, 200)
    if not department or not any(ch.isalnum() for ch in department):
        return Retry(ctx.t("Please type the name of your department, or choose Skip."))
    if len(department) > 100:
        return Retry(ctx.t("Please keep the department under 100 characters."))
    ctx.me.department = department
    ctx.session.add(ctx.me)
    return Goto(ProfileState.LANGUAGE)


@profile.ask(ProfileState.LANGUAGE)
def ask_language(ctx: Context, draft: Draft) -> Reply:
    return Reply(plain(ctx.t("In which language shall I write to you?")), LANGUAGE_CHOICES)


@profile.step(ProfileState.LANGUAGE)
def on_language(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice is None:
        return Retry(ctx.t("Please choose one of the languages."))
    ctx.me.language = answer.choice
    ctx.session.add(ctx.me)
    lang = answer.choice
    return Finish(
        Reply(
            markup(
                t(
                    lang,
                    "Thank you, {name}. Your profile is saved. Type /help to see what I can do for you.",
                ),
                name=ctx.me.name,
            )
        )
    )


register_dialog(profile)


@command(
    "profiel",
    roles=EVERYONE,
    summary=N_("change your name, department and language"),
    aliases=("profile",),
)
def profile_command(ctx: Context, args: list[str]) -> list[Reply]:
    return start_dialog(ctx, profile)
