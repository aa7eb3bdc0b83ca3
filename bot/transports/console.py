"""The terminal chat: talk to the bot on the embedded database, no accounts needed.

Interactive with line editing, or scripted: with piped stdin each line is one message, each reply is
printed, and it exits at end of input. What the bot sends elsewhere (a room, another person) is shown
with its destination, so one terminal can follow a whole flow. ``/als ROLE`` switches who is speaking
(demo municipality only); ``/exit`` or Ctrl-D leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.app import AlarmClock, Runtime, build_runtime, open_database
from bot.config import Settings
from bot.messages import Attachment, DeliveryResult, Inbound, Outbound
from bot.pacing import unlimited
from handlers.i18n import normalise_language, t
from handlers.people.demo import (
    DEMO_SLUG,
    console_external_id,
    default_name,
    ensure_console_person,
    ensure_demo_organisation,
)
from handlers.people.roles import parse_role, role_label
from handlers.people.session import welcome_back
from handlers.reply import to_plain_text
from handlers.text import clean_name, terminal_safe
from storage import organisations, people
from storage.db import unit_of_work
from storage.enums import Platform, Role

PLATFORM = Platform.CONSOLE.value
ATTACHMENTS_FOLDER = "chat-attachments"  # under the data directory
log = logging.getLogger(__name__)


class ConsoleTransport:
    """Delivers console-platform outbox rows to the screen; files go into ``attachments_dir``.

    A terminal cannot show a PDF or a chart, so each attachment is saved (never over an earlier
    file) and the chat names where: ``→ opgeslagen: …/NIS2-….pdf``.
    """

    platform = PLATFORM

    def __init__(self, out: TextIO, attachments_dir: Path | None = None) -> None:
        self.out = out
        self.pacer = unlimited()
        self.current_chat = ""
        self.language = "nl"
        self.attachments_dir = attachments_dir

    async def deliver(self, message: Outbound) -> DeliveryResult:
        text = to_plain_text(message.text)
        if message.chat_id == self.current_chat:
            lines = [f"bot › {text}"]
        else:
            lines = [f"  → {message.chat_id} › {text}"]
        pad = "      " if message.chat_id == self.current_chat else "        "
        for number, choice in enumerate(message.choices, start=1):
            lines.append(f"{pad}{number}) {to_plain_text(choice.label)}")
        for attachment in message.attachments:
            lines.append(pad + self._save(attachment))
        # Names and texts print as text, never as codes that move the cursor or set the title.
        self.out.write(terminal_safe("\n".join(lines)) + "\n")
        self.out.flush()
        return DeliveryResult(external_id=None)

    def _save(self, attachment: Attachment) -> str:
        size = len(attachment.data)
        if self.attachments_dir is None:
            return f"[{attachment.kind}: {safe_filename(attachment.filename)}, {size} bytes]"
        try:
            path = save_attachment(self.attachments_dir, attachment.filename, attachment.data)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            return t(
                self.language,
                "[{kind}: {name}, {size} bytes: NOT saved ({reason})]",
                kind=attachment.kind,
                name=safe_filename(attachment.filename),
                size=size,
                reason=reason,
            )
        return "→ " + t(self.language, "saved: {path}", path=str(path))


def safe_filename(name: str) -> str:
    """A file name that stays inside the folder and prints as itself: no directories, no
    control or format characters (an escape sequence or a right-to-left override), no dot first."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(
        c if c.isalnum() or c in "-_.+ " else "_"
        for c in unicodedata.normalize("NFC", base)
        if unicodedata.category(c)[0] != "C"
    ).strip(" .")
    return cleaned[:120] or "bijlage"


def save_attachment(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` into ``folder`` under a safe form of ``filename``; never overwrites: a
    second file of that name gets ``-2``, ``-3`` … before its extension."""
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_filename(filename)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for number in itertools.count(1):
        candidate = name if number == 1 else f"{stem}-{number}{dot}{suffix}"
        path = folder / candidate
        try:
            with path.open("xb") as handle:  # exclusive: an existing file is never replaced
                handle.write(data)
        except FileExistsError:
            continue
        return path.resolve()
    raise AssertionError("unreachable")


@dataclass
class Speaker:
    org_slug: str
    name: str
    external_id: str
    language: str


class ConsoleChat:
    def __init__(
        self,
        settings: Settings,
        *,
        org_slug: str,
        role: Role,
        name: str | None,
        language: str | None,
        unenrolled: bool,
        stdin: TextIO,
        stdout: TextIO,
    ) -> None:
        self.settings = settings
        self.stdin, self.stdout = stdin, stdout
        self.transport = ConsoleTransport(stdout, settings.data_dir / ATTACHMENTS_FOLDER)
        engine = open_database(settings)
        self.runtime: Runtime = build_runtime(
            settings, {PLATFORM: self.transport}, engine=engine, demo_mode=org_slug == DEMO_SLUG
        )
        # --name is typed by the person: cleaned by the rule of every platform's names.
        self.org_slug, self.role, self.name = org_slug, role, clean_name(name) or None
        self.language, self.unenrolled = language, unenrolled

    def say(self, line: str) -> None:
        self.stdout.write(terminal_safe(line) + "\n")
        self.stdout.flush()

    def become(
        self, role: Role, name: str | None, language: str | None, unenrolled: bool
    ) -> Speaker:
        now = self.runtime.clock()
        with unit_of_work(self.runtime.engine) as session:
            if self.org_slug == DEMO_SLUG:
                org = ensure_demo_organisation(session=session, now=now)
            else:
                found = organisations.organisation_by_slug(session=session, slug=self.org_slug)
                if found is None:
                    raise SystemExit(
                        f"No organisation '{self.org_slug}'. Create it with: nis2bot org add {self.org_slug} --name NAME --country nl"
                    )
                org = found
            if unenrolled:
                name = name or f"Gast {uuid.uuid4().hex[:4]}"
                external_id = console_external_id(org.slug, name)
                lang = normalise_language(language)
                if people.identity_lookup(
                    session=session, platform=PLATFORM, external_id=external_id
                ):
                    self.say(t(lang, "(Note: {name} is already enrolled.)", name=name))
                return Speaker(org.slug, name, external_id, lang)
            name = name or default_name(role)
            person, _created = ensure_console_person(
                session=session,
                org=org,
                name=name,
                role=role,
                language=normalise_language(language),
                now=now,
            )
            if language:
                person.language = normalise_language(language)
                session.add(person)
            lang = person.language
            self.say(
                t(
                    lang,
                    "— {org} — you are {name} ({role}). Type /help; /exit leaves.",
                    org=org.name,
                    name=person.name,
                    role=role_label(person.role, lang, org.country),
                )
            )
            # The identity is the name given on the command line, not the (editable) profile name.
            return Speaker(org.slug, person.name, console_external_id(org.slug, name), lang)

    async def flush_outbox(self) -> None:
        await self.runtime.worker.deliver_due()
        await self.runtime.worker.drain()

    async def greet(self, speaker: Speaker) -> None:
        self.transport.current_chat = speaker.external_id
        self.transport.language = speaker.language
        now = self.runtime.clock()
        with unit_of_work(self.runtime.engine) as session:
            replies = welcome_back(
                session=session,
                platform=PLATFORM,
                external_id=speaker.external_id,
                now=now,
                settings=self.runtime.features,
            )
        await self.flush_outbox()  # whatever was queued before a crash is shown first
        for reply in replies:
            await self.transport.deliver(
                Outbound(0, PLATFORM, speaker.external_id, reply.text, reply.choices, (), "")
            )

    async def send(self, speaker: Speaker, text: str) -> None:
        event = Inbound(
            platform=PLATFORM,
            chat_id=speaker.external_id,
            sender_id=speaker.external_id,
            event_id=uuid.uuid4().hex,
            received_at=self.runtime.clock(),
            text=text,
            sender_name=speaker.name,
            sender_language=speaker.language,
        )
        try:
            await self.runtime.pipeline.handle(event)
        except Exception as error:
            # A platform would deliver the event again; a typed line has nobody to resend it,
            # so say so instead of crashing or pretending it was kept.
            log.info("console line not handled: %s", type(error).__name__)
            self.say(
                t(
                    speaker.language,
                    "That line was not processed (the database could not be reached), and "
                    "nothing of it was saved. Please type it again.",
                )
            )
        try:
            await self.flush_outbox()
        except Exception as error:  # the replies stay queued and show on the next flush
            log.info("console flush failed: %s", type(error).__name__)

    async def run(self) -> int:
        speaker = self.become(self.role, self.name, self.language, self.unenrolled)
        await self.greet(speaker)
        interactive = self.stdin.isatty()
        stop = asyncio.Event()
        alarm = AlarmClock(self.runtime)
        await alarm.tick()  # catch up on what fell due while nobody was chatting
        background = []
        if interactive:
            with contextlib.suppress(ImportError):  # not on every platform
                import readline  # noqa: F401 - gives input() line editing and history
            alarm.start()
            background.append(asyncio.create_task(self.runtime.worker.run(stop)))
        try:
            while True:
                line = await asyncio.to_thread(self._read_line, interactive)
                if line is None or line.strip() in ("/exit", "/quit", "!exit"):
                    break
                if line.strip().startswith("/als"):
                    speaker = await self._switch(speaker, line.split()[1:])
                    continue
                await self.send(speaker, line)
        finally:
            stop.set()
            alarm.stop()
            for task in background:
                await task
            await self.flush_outbox()
        return 0

    def _read_line(self, interactive: bool) -> str | None:
        try:
            if interactive:
                return input("jij › ")
            line = self.stdin.readline()
            return None if line == "" else line.rstrip("\n")
        except (EOFError, KeyboardInterrupt):
            return None

    async def _switch(self, speaker: Speaker, args: list[str]) -> Speaker:
        role = parse_role(args[0]) if args else None
        if self.org_slug != DEMO_SLUG:
            self.say(t(speaker.language, "/als works in the demo municipality only."))
            return speaker
        if role is None:
            self.say(
                t(speaker.language, "Usage: /als ROLE, for example /als ismt or /als coordinator")
            )
            return speaker
        new = self.become(role, None, None, unenrolled=False)
        await self.greet(new)
        return new


def run_console(settings: Settings, **options: object) -> int:
    chat = ConsoleChat(settings, stdin=sys.stdin, stdout=sys.stdout, **options)  # type: ignore[arg-type]
    return asyncio.run(chat.run())
