"""The terminal chat's own promises: attachments are saved where it says (never over another file,
never outside the folder), and a line it could not handle is called lost, not kept."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.messages import Attachment, Outbound
from bot.transports.console import ConsoleChat, ConsoleTransport, safe_filename, save_attachment
from storage.enums import Role
from tests.fakes.aio import run


def test_attachments_are_saved_in_the_named_folder_and_never_overwritten(tmp_path: Path) -> None:
    out = io.StringIO()
    transport = ConsoleTransport(out, tmp_path / "files")
    transport.current_chat = "me"
    pdf = Attachment("document", "NIS2-DEMO-1.pdf", "application/pdf", b"%PDF-1 first")
    again = Attachment("document", "NIS2-DEMO-1.pdf", "application/pdf", b"%PDF-1 second")
    chart = Attachment("image", "chart.png", "image/png", b"\x89PNG")
    run(transport.deliver(Outbound(1, "console", "me", "Geslaagd", (), (pdf, chart), "k1")))
    run(transport.deliver(Outbound(2, "console", "me", "Nog eens", (), (again,), "k2")))
    folder = (tmp_path / "files").resolve()
    lines = out.getvalue().splitlines()
    assert f"      → opgeslagen: {folder / 'NIS2-DEMO-1.pdf'}" in lines
    assert f"      → opgeslagen: {folder / 'chart.png'}" in lines
    assert f"      → opgeslagen: {folder / 'NIS2-DEMO-1-2.pdf'}" in lines
    assert (folder / "NIS2-DEMO-1.pdf").read_bytes() == b"%PDF-1 first"
    assert (folder / "NIS2-DEMO-1-2.pdf").read_bytes() == b"%PDF-1 second"
    assert (folder / "chart.png").read_bytes() == b"\x89PNG"


def test_a_hostile_file_name_stays_in_the_folder_and_prints_as_plain_text(tmp_path: Path) -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename("\x1b]0;pwned\x07cert\u202efdp.exe") == "_0_pwnedcertfdp.exe"
    assert safe_filename("...") == "bijlage"
    path = save_attachment(tmp_path / "in", "../outside.pdf", b"x")
    assert path == (tmp_path / "in" / "outside.pdf").resolve()
    assert not (tmp_path / "outside.pdf").exists()


def test_an_unsavable_attachment_is_said_to_be_not_saved(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    out = io.StringIO()
    transport = ConsoleTransport(out, blocker / "sub")
    pdf = Attachment("document", "c.pdf", "application/pdf", b"%PDF")
    run(transport.deliver(Outbound(1, "console", "me", "Hier", (), (pdf,), "k1")))
    assert "NIET opgeslagen" in out.getvalue() and "opgeslagen: /" not in out.getvalue()


def test_a_line_the_database_could_not_take_is_called_lost_and_the_chat_goes_on(
    tmp_path: Path,
) -> None:
    stdin = io.StringIO("/wie\n/wie\n/wie\n")
    stdout = io.StringIO()
    chat = ConsoleChat(
        Settings(data_dir=tmp_path),
        org_slug="demo",
        role=Role.EMPLOYEE,
        name="Bea",
        language=None,
        unenrolled=False,
        stdin=stdin,
        stdout=stdout,
    )
    real = chat.runtime.pipeline.handle
    calls = 0

    async def flaky(event):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:  # the connection dropped under the second line
            raise OperationalError("SELECT 1", None, ConnectionError("server closed"))
        return await real(event)

    chat.runtime.pipeline.handle = flaky  # type: ignore[method-assign]
    assert asyncio.run(chat.run()) == 0
    text = stdout.getvalue()
    assert "Die regel is niet verwerkt" in text and "Typ hem nog eens" in text
    assert "verloren" not in text and "Traceback" not in text
    assert text.count("medewerker bij Gemeente Demo") == 2  # the first and the third line
