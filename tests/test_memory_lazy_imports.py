"""The running bot stays within its memory aim (docs/BENCHMARKS.md, "Memory"): the PDF and chart
libraries (fpdf2 with fontTools, matplotlib: together over 100 MB) are loaded only when a
certificate, report or chart is made, not when the bot starts or answers a question. A feature
that imports them at module level (as /bob once did through the report export) breaks that."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import asyncio, sys, tempfile
from bot.app import build_runtime
from bot.config import Settings
from handlers.messages import Inbound
from storage.clock import utc_now

from storage import organisations, people
from storage.db import unit_of_work

url = "sqlite:///" + tempfile.mkdtemp() + "/lazy.db"
runtime = build_runtime(Settings(database_url=url), {})
with unit_of_work(runtime.engine) as session:  # an enrolled coordinator, so commands really run
    org = organisations.create_organisation(
        session=session, slug="lazy", name="Lazy", country="nl", timezone="Europe/Amsterdam",
        now=utc_now())
    person = people.create_person(session=session, organisation_id=org.id, name="Cor",
                                  role="coordinator", language="nl", now=utc_now())
    people.link_identity(session=session, person=person, platform="telegram",
                         external_id="p1", now=utc_now())
for n, text in enumerate(("/help", "wat moet ik doen bij phishing?", "/status", "/acties")):
    asyncio.run(runtime.pipeline.handle(
        Inbound("telegram", "p1", "p1", f"lazy-{n}", utc_now(), text)))
from sqlmodel import select
from storage.models import OutboxMessage
with unit_of_work(runtime.engine) as session:
    texts = [m.payload.get("text", "") for m in session.exec(select(OutboxMessage))]
assert any("/jaarreview" in t for t in texts), texts  # the coordinator's /help: commands ran
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"fpdf", "fontTools", "matplotlib"})
print(",".join(heavy))
"""


def test_starting_and_answering_loads_no_pdf_or_chart_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", f"loaded at start: {done.stdout.strip()}"
