"""Through the real Telegram transport and the Bot API fake: the ISMT presses "Significant: yes"
under the alert in its private chat, and the mayor gets the plain-Dutch notice (issue 13, item 2)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from handlers.settings import FeatureSettings
from storage.enums import Role
from tests.fakes.aio import run
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import Harness
from tests.incidents.chat_helpers import report_phishing
from tests.transports_telegram.helpers import enrol, make_org, outbox_rows, running_bot, wait_until

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


def test_the_mayor_hears_of_a_significant_incident_on_telegram(
    telegram_api: FakeTelegramAPI, engine
) -> None:  # type: ignore[no-untyped-def]
    tg = telegram_api
    org = make_org(engine)
    isa = tg.add_user("Isa", started=True)
    marga = tg.add_user("Marga", started=True)
    enrol(engine, org, isa, Role.COORDINATOR)  # no ISMT room: the coordinator is alerted privately
    enrol(engine, org, marga, Role.MAYOR)
    harness = Harness(engine, FeatureSettings(), _clock)
    employee = harness.person(Role.EMPLOYEE, org_id=org, name="Eva")

    async def main() -> None:
        async with running_bot(tg, engine, clock=_clock):
            said = report_phishing(harness, employee)[-1].text
            assert "Persoonlijk gewaarschuwd: Isa (NIS2-coördinator)" in said
            [alert] = await tg.wait_for_sent(isa, count=1)
            assert "Nieuwe incidentmelding" in (alert.raw_text or "")
            assert alert.buttons()
            # Pressed once the outbox knows the message's id (a press before that is refused).
            await wait_until(
                tg,
                lambda: any(
                    r.chat_id == str(isa.id) and r.external_id for r in outbox_rows(engine)
                ),
            )
            tg.press_button(isa, alert, data="/incident INC-2026-0001 significant ja")
            sent = await tg.wait_for_sent(marga, count=1)
            text = html.unescape(re.sub(r"<[^>]+>", "", sent[0].raw_text or ""))
            assert "Het ISMT heeft incident INC-2026-0001 significant verklaard (NIS2)." in text
            assert "Volgende wettelijke stap: Vroegtijdige waarschuwing uiterlijk" in text
            assert "Eva" not in text  # no reporter in the college's notice

    run(main())
