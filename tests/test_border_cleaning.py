"""One cleaning rule for everything a platform hands over, applied at the border, and output escaped
for terminals (issue #15, item 4): a display name with a right-to-left override and an escape
sequence shows as plain text in the ISMT alert, in ``person list`` and in the terminal chat."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages import Inbound, Outbound
from bot.transports.console import ConsoleTransport
from handlers.reply import Choice
from handlers.text import clean_name, clean_text, terminal_safe
from storage import organisations, people
from storage.db import make_engine, unit_of_work
from storage.enums import Role
from tests.harness import Harness
from tests.incidents.chat_helpers import ISMT_ROOM, link_ismt_room, report_phishing

RLO, LRI, PDI, ZWSP, ZWJ, BOM = "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff"
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
TITLE_ST = "\x1b]2;pwned\x1b\\"  # the same, ended by ST
COLOUR = "\x1b[31;1m"
C1_CSI = "\x9b2J"  # clears the screen on terminals that take 8-bit controls
HOSTILE_NAME = f"Eva{RLO}{TITLE}{COLOUR} de{ZWSP} Vries{C1_CSI}\x00{LRI}x{PDI}"
LEGACY_NAME = HOSTILE_NAME.replace("\x00", "")  # PostgreSQL cannot even store a NUL
FORBIDDEN = {"\x1b", "\x07", "\x9b", "\x00", RLO, LRI, PDI, ZWSP, ZWJ, BOM}


def test_the_rule() -> None:
    assert clean_name(HOSTILE_NAME) == "Eva de Vriesx"
    assert clean_text(f"a{TITLE_ST}b\x1b(Bc\x1bcd") == "abcd"
    assert clean_text("Cafe\u0301\r\n\tok") == "Café\n\tok"  # NFC; newline and tab stay in text
    assert clean_name("  Jan\n\u2028Jansen\t ") == "Jan Jansen"
    assert clean_text(f"{ZWJ}{BOM}{ZWSP}") == ""
    # an ordinary Dutch or Flemish name and emoji pass unchanged
    for name in ("Ĳsbrand van 't Hoff", "Zoë D'Hondt", "Jérôme 👍🏽", "محمد"):
        assert clean_name(name) == unicodedata.normalize("NFC", name)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_nothing_forbidden_survives_and_cleaning_twice_changes_nothing(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not any(
        unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} and ch not in "\n\t"
        for ch in cleaned
    )
    assert clean_text(cleaned) == cleaned
    assert not any(
        unicodedata.category(ch) in {"Cc", "Cf"} for ch in terminal_safe(raw, keep_newlines=False)
    )


def test_every_event_is_cleaned_when_a_transport_makes_it() -> None:
    event = Inbound(
        platform="matrix",
        chat_id="!r:x",
        sender_id="@eva:x",
        event_id="$1",
        received_at=datetime(2026, 3, 1, tzinfo=UTC),
        text=f"hallo{TITLE} {RLO}wereld",
        choice=f"/help{COLOUR}",
        sender_name=HOSTILE_NAME,
    )
    assert event.text == "hallo wereld"
    assert event.choice == "/help"
    assert event.sender_name == "Eva de Vriesx"


def test_a_hostile_display_name_is_plain_text_in_the_ismt_alert(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    link_ismt_room(bot, org)
    code = bot.invite(org, Role.EMPLOYEE)
    bot.say("tg-eva", f"/start {code}", name=HOSTILE_NAME)
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="telegram", external_id="tg-eva")
        assert found is not None and found[1].name == "Eva de Vriesx"
    bot.say("tg-eva", "/stop")
    report_phishing(bot, "tg-eva")
    alert = "\n".join(bot.outbox_for(ISMT_ROOM))
    assert "Gemeld door" in alert and "Eva de Vriesx" in alert
    assert not FORBIDDEN & set(alert)


def test_person_list_shows_old_hostile_names_as_text(cli, db_url, clock) -> None:  # type: ignore[no-untyped-def]
    cli(
        "org",
        "add",
        "gent",
        "--name",
        "Stad Gent",
        "--country",
        "be",
        "--timezone",
        "Europe/Brussels",
    )
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:  # stored before names were cleaned at the border
        org = organisations.organisation_by_slug(session=session, slug="gent").id
        people.create_person(
            session=session, organisation_id=org, name=LEGACY_NAME, role="employee",
            language="nl", now=clock(), department=LEGACY_NAME,
        )  # fmt: skip
    engine.dispose()
    table = cli("person", "list", "--org", "gent").output
    assert not FORBIDDEN & set(table)
    assert "Eva\\u202e\\x1b]0;pwned\\x07\\x1b[31;1m de\\u200b Vries\\x9b2J\\u2066x" in table
    compliance = cli("training", "compliance", "--org", "gent").output
    assert not FORBIDDEN & set(compliance) and "Eva\\u202e" in compliance
    # the JSON form stays the stored value (escaped by JSON where JSON escapes)
    [listed] = json.loads(cli("person", "list", "--org", "gent", "--json").output)
    assert listed["name"] == LEGACY_NAME


def test_the_terminal_chat_prints_names_as_text() -> None:
    out = io.StringIO()
    console = ConsoleTransport(out)
    console.current_chat = "me"
    message = Outbound(
        outbox_id=1,
        platform="console",
        chat_id="me",
        text=f"Gemeld door {HOSTILE_NAME}",
        choices=(Choice("x", f"Kies {TITLE}"),),
        attachments=(),
        idempotency_key="k",
    )
    asyncio.run(console.deliver(message))
    printed = out.getvalue()
    assert not FORBIDDEN & set(printed)
    assert "Gemeld door Eva\\u202e\\x1b]0;pwned" in printed and "Kies \\x1b]0;pwned" in printed


def test_the_terminal_chat_cleans_the_name_it_is_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``nis2bot chat --name`` is typed by a person too: the same rule, and nothing raw printed."""
    env = {"NIS2BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--name", HOSTILE_NAME.replace("\x00", "")],
        input="/profiel\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not FORBIDDEN & set(done.stdout)
    assert "je bent Eva de Vriesx (medewerker)" in done.stdout
    assert "1) Eva de Vriesx" in done.stdout  # the stored name, offered to keep


def test_a_matrix_display_name_is_cleaned_by_the_inbound_conversion() -> None:
    from nio import MatrixRoom, RoomMessageText

    from bot.transports.matrix_inbound import inbound_of

    room = MatrixRoom("!r:x", "@bot:x")
    room.add_member("@eva:x", HOSTILE_NAME, None)
    message = RoomMessageText.from_dict(
        {
            "event_id": "$1",
            "sender": "@eva:x",
            "origin_server_ts": 1,
            "type": "m.room.message",
            "content": {"msgtype": "m.text", "body": f"hallo{COLOUR} {RLO}daar"},
        }
    )
    event = inbound_of(message, room, "!r:x", "@bot:x", datetime(2026, 3, 1, tzinfo=UTC))
    assert event is not None
    assert event.sender_name == "Eva de Vriesx" and event.text == "hallo daar"
