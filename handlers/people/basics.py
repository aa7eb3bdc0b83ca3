"""Commands everyone has: /help, /taal, /wie, and /start when already enrolled."""

from __future__ import annotations

from handlers.command import EVERYONE, command, commands_for
from handlers.context import Context
from handlers.i18n import LANGUAGES, N_, t
from handlers.people.roles import role_label
from handlers.reply import Choice, Reply, markup, plain


@command(
    "help",
    roles=EVERYONE,
    summary=N_("what I can do for you"),
    aliases=("hulp",),
    in_groups=True,
    in_dialog=True,
)
def help_command(ctx: Context, args: list[str]) -> Reply:
    role = ctx.role
    lines = [
        markup(
            "<b>{title}</b>",
            title=ctx.t(
                "What you can do as {role}", role=role_label(role, ctx.language, ctx.country)
            ),
        )
    ]
    for spec in commands_for(role):
        usage = f" {ctx.t(spec.usage)}" if spec.usage else ""  # "[what happened]" is translated
        lines.append(
            markup(
                "/{name}{usage} — {summary}",
                name=spec.name,
                usage=usage,
                summary=ctx.t(spec.summary),
            )
        )
    lines.append("")
    lines.append(plain(ctx.t("In a conversation: /terug goes back one question, /stop stops.")))
    return Reply("\n".join(lines))


@command(
    "taal",
    roles=EVERYONE,
    summary=N_("choose Dutch or English"),
    usage="nl|en",
    aliases=("language",),
    in_dialog=True,  # also during the onboarding questions: the dialog resumes in the new language
)
def language_command(ctx: Context, args: list[str]) -> Reply:
    wanted = args[0].lower() if args else ""
    if wanted not in LANGUAGES:
        return Reply(
            plain(ctx.t("Which language do you want?")),
            (Choice("/taal nl", "Nederlands"), Choice("/taal en", "English")),
        )
    ctx.me.language = wanted
    ctx.session.add(ctx.me)
    return Reply(plain(t(wanted, "From now on I write to you in English.")))


@command(
    "wie",
    roles=EVERYONE,
    summary=N_("who you are to me: name, role, municipality"),
    aliases=("whoami",),
)
def whoami_command(ctx: Context, args: list[str]) -> Reply:
    me = ctx.me
    # The "no department" words carry their own brackets: one sentence each, never "((…))".
    sentence = (
        ctx.t("You are {name} ({department}), {role} at {org}. Language: {language}.")
        if me.department
        else ctx.t("You are {name} (no department), {role} at {org}. Language: {language}.")
    )
    return Reply(
        markup(
            sentence,
            name=me.name,
            department=me.department or "",
            role=role_label(me.role, ctx.language, ctx.country),
            org=ctx.org.name,
            language=ctx.language,
        )
    )


@command("start", roles=EVERYONE, summary=N_("start"), hidden=True)
def start_command(ctx: Context, args: list[str]) -> Reply:
    return Reply(
        markup(
            ctx.t("You are already enrolled at {org}. Type /help to see what I can do."),
            org=ctx.org.name,
        )
    )
