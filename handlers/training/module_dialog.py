"""``/leren`` (``/learn``, ``/module``): the short learning modules before the quiz.

``/leren`` lists the modules of the person's country, the one meant for their role first;
``/leren ID`` opens one. The person pages through its screens with "verder" and is then offered
the quiz for that module (``/toets ID``), so the certificate names the module.
"""

from __future__ import annotations

from enum import Enum

from handlers.command import EVERYONE, command
from handlers.context import Context
from handlers.dialog import Answer, Dialog, Draft, Finish, Goto, Retry, Step, register_dialog
from handlers.dialog import start_dialog as open_dialog
from handlers.i18n import N_
from handlers.reply import Choice, Reply, markup, plain
from handlers.training import service
from handlers.training.modules import Module, get_module, module_for, modules_for
from storage.enums import Role

NEXT = "next"


class ModuleState(Enum):
    PAGE = "page"


module_dialog = Dialog(
    "training-module", ModuleState, first=ModuleState.PAGE, title=N_("the learning module")
)


def _module(ctx: Context, draft: Draft) -> Module:
    module = get_module(draft["module"], service.country_of(ctx.org))
    assert module is not None, "a module dialog is only opened for an existing module"
    return module


@module_dialog.ask(ModuleState.PAGE)
def ask_page(ctx: Context, draft: Draft) -> Reply:
    module = _module(ctx, draft)
    index, total = draft["page"], len(module.pages)
    text = "\n".join(
        [
            markup(
                "<b>{title}</b> ({where})",
                title=module.title(ctx.language),
                where=ctx.t("page {number} of {total}", number=index + 1, total=total),
            ),
            "",
            plain(module.page(index, ctx.language)),
        ]
    )
    label = ctx.t("Next") if index + 1 < total else ctx.t("Done: on to the quiz")
    return Reply(text, (Choice(NEXT, label),))


@module_dialog.step(ModuleState.PAGE)
def on_page(ctx: Context, draft: Draft, answer: Answer) -> Step:
    if answer.choice != NEXT:
        return Retry(ctx.t("Tap 'Next' (or type 1) to read on, or /stop to stop."))
    module = _module(ctx, draft)
    if draft["page"] + 1 < len(module.pages):
        draft["page"] += 1
        return Goto(ModuleState.PAGE)
    ctx.audit("training.module_read", module=module.id)
    return Finish(
        Reply(
            plain(
                ctx.t(
                    "You have read the module. The quiz checks what stayed with you; passing it "
                    "gives a certificate that names this module."
                )
            ),
            (Choice(f"/toets {module.id}", ctx.t("Start the quiz")),),
        )
    )


register_dialog(module_dialog)


def open_module(ctx: Context, module: Module) -> list[Reply]:
    return open_dialog(ctx, module_dialog, {"module": module.id, "page": 0})


@command(
    "leren",
    roles=EVERYONE,
    summary=N_("read a short learning module before the quiz"),
    aliases=("learn", "module"),
)
def learn_command(ctx: Context, args: list[str]) -> list[Reply]:
    country = service.country_of(ctx.org)
    if args:
        module = get_module(args[0], country)
        if module is None:
            return [
                Reply(plain(ctx.t("There is no module with that name. /leren lists them.")), ())
            ]
        return open_module(ctx, module)
    role = Role(ctx.me.role)
    found = modules_for(role, country)
    mine = module_for(role, country)
    lines = [plain(ctx.t("Learning modules (a few short screens, then the quiz):"))]
    for module in found:
        suffix = " " + ctx.t("(for your role)") if module is mine else ""
        lines.append(plain(f"- {module.title(ctx.language)}{suffix}"))
    choices = tuple(Choice(f"/leren {m.id}", m.title(ctx.language)) for m in found)
    return [Reply("\n".join(lines), choices)]
