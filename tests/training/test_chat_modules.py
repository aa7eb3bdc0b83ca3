"""Training that teaches (#16 item 6): a learning module paged through in the chat, then the quiz,
then a certificate that names the module, for an employee and for the college, in Dutch and
English, in a Belgian organisation's own words; and a self-declared training with date and proof."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from handlers.training import service
from handlers.training.modules import load_modules
from storage import outbox, training
from storage.db import unit_of_work
from storage.enums import Role
from storage.models import Organisation
from storage.training_models import TrainingMethod
from tests.harness import Harness, Said
from tests.training.chat_helpers import person_of, quiz_position


def _read_module(bot: Harness, sender: str, module_id: str, pages: int) -> list[str]:
    said = bot.say(sender, f"/leren {module_id}")
    screens = [said.text]
    for number in range(pages):
        assert [value for value, _ in said.choices] == ["next"]
        said = bot.say(sender, choice="next")
        if number + 1 < pages:
            screens.append(said.text)
    assert [value for value, _ in said.choices] == [f"/toets {module_id}"]
    return screens


def _pass_quiz(bot: Harness, engine, sender: str, module_id: str) -> Said:  # type: ignore[no-untyped-def]
    me = person_of(engine, sender)
    said = bot.say(sender, choice=f"/toets {module_id}")  # the button under the module's end
    for _ in range(10):
        said = bot.say(sender, choice=quiz_position(engine, me.id, correct=True))
    return said


def _pdf_text(engine, said: Said) -> str:  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as session:
        files = [
            a
            for i in said.result.outbox_ids
            for a in outbox.attachments_of(session=session, message_id=i)
        ]
    assert [f.content_type for f in files] == ["application/pdf"]
    reader = pypdf.PdfReader(io.BytesIO(files[0].data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_an_employee_reads_the_module_then_passes_and_the_certificate_names_it(
    engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, name="Eva Employee")
    listed = bot.say(sender, "/leren")
    assert "Veilig werken: phishing, wachtwoorden en melden (voor jouw rol)" in listed.text
    assert listed.choices[0][0] == "/leren employee-basics"
    offered = bot.say(sender, "/toets")  # the quiz offers the role's module first
    assert "Eerst een korte module? /stop, dan /leren employee-basics" in offered.text
    assert "Vraag 1 van 10" in offered.text
    bot.say(sender, "/stop")
    screens = _read_module(bot, sender, "employee-basics", 3)
    assert "(scherm 1 van 3)" in screens[0] and "Phishing." in screens[0]
    assert "Wachtwoorden en MFA." in screens[1] and "Melden." in screens[2]
    said = _pass_quiz(bot, engine, sender, "employee-basics")
    assert "Geslaagd: 10 van de 10 goed" in said.text
    assert "Leermodule: Veilig werken: phishing, wachtwoorden en melden" in said.text
    me = person_of(engine, sender)
    with unit_of_work(engine) as session:
        records = training.records_of(session=session, organisation_id=org, person_id=me.id)
    assert [(r.method, r.module) for r in records] == [(TrainingMethod.QUIZ, "employee-basics")]
    assert "Leermodule: Veilig werken: phishing, wachtwoorden en melden" in _pdf_text(engine, said)


def test_an_alderman_reads_the_college_module_in_english(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.ALDERMAN, org_id=org, name="Wim Wethouder", language="en")
    listed = bot.say(sender, "/learn")
    assert "Governance and NIS2: duties, training duty and crisis roles (for your role)" in (
        listed.text
    )
    screens = _read_module(bot, sender, "college-nl", 4)
    assert "(page 1 of 4)" in screens[0] and "NIS2 Art. 20" in screens[0]
    assert "Cbw art. 24" in screens[1] and "personal certificate" in screens[1]
    assert "'twice a year' is own policy" in screens[2]  # own policy is not presented as law
    said = _pass_quiz(bot, engine, sender, "college-nl")
    assert "You passed: 10 of 10 correct" in said.text
    text = _pdf_text(engine, said)
    assert "Learning module: Governance and NIS2: duties, training duty and crisis roles" in text
    assert "Wim Wethouder" in text


def test_a_belgian_schepen_gets_the_flemish_module_without_the_cbw(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org("gent", country="be")
    sender = bot.person(Role.ALDERMAN, org_id=org, name="Sara Schepen")
    listed = bot.say(sender, "/module")
    assert "Bestuur en NIS2: taken, opleiding en crisisrollen (voor jouw rol)" in listed.text
    assert "/leren college-nl" not in [value for value, _ in listed.choices]
    refused = bot.say(sender, "/leren college-nl").text  # the Dutch module is not for Belgium
    assert refused == "Er is geen module met die naam. /leren toont ze."
    screens = _read_module(bot, sender, "college-be", 4)
    joined = "\n".join(screens)
    assert "college van burgemeester en schepenen" in joined
    assert "Safeonweb@work" in joined
    for word in ("Cbw", "wethouder", "Cyberbeveiligingswet"):
        assert word not in joined
    said = _pass_quiz(bot, engine, sender, "college-be")
    assert "Leermodule: Bestuur en NIS2: taken, opleiding en crisisrollen" in _pdf_text(
        engine, said
    )


def test_no_module_names_the_dutch_law_or_wethouder_for_belgium() -> None:
    for module in load_modules().values():
        if "be" in module.countries:
            texts = [module.title(lang) for lang in ("nl", "en")] + [
                page[lang] for page in module.pages for lang in ("nl", "en")
            ]
            for text in texts:
                assert "Cbw" not in text and "wethouder" not in text.lower(), (module.id, text)


def test_a_self_declared_training_records_its_date_and_proof(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(engine, features, clock)
    org = bot.org()
    sam = bot.person(Role.EMPLOYEE, org_id=org, name="Sam Smit")
    coordinator = bot.person(Role.COORDINATOR, org_id=org, name="Cor Coördinator")
    assert "in de toekomst" in bot.say(sam, "/gevolgd 1-12-2026 Cursus X").text
    assert "/gevolgd DATUM CURSUS EN AANBIEDER" in bot.say(sam, "/gevolgd gisteren").text
    assert "/gevolgd DATUM CURSUS EN AANBIEDER" in bot.say(sam, "/gevolgd 20-11-2026").text
    me = person_of(engine, sam)
    with unit_of_work(engine) as session:  # nothing recorded by the refused attempts
        assert training.records_of(session=session, organisation_id=org, person_id=me.id) == []
    said = bot.say(sam, "/gevolgd 20-11-2026 e-learning phishing,  Academie XYZ")
    assert "Vastgelegd: gevolgd op 20 november 2026, bewijs: e-learning phishing, Academie XYZ" in (
        said.text
    )
    with unit_of_work(engine) as session:
        records = training.records_of(session=session, organisation_id=org, person_id=me.id)
        organisation = session.get(Organisation, org)
        assert organisation is not None
        days = [service.local_day(r.completed_at, organisation) for r in records]
    assert [(r.method, r.note) for r in records] == [
        (TrainingMethod.SELF_DECLARED, "e-learning phishing, Academie XYZ")
    ]
    assert days == [date(2026, 11, 20)]
    listed = bot.say(coordinator, "/bevestig")
    assert "Sam Smit — 20 november 2026 — e-learning phishing, Academie XYZ" in listed.text


def test_in_the_terminal_typing_1_after_the_module_starts_its_quiz(engine, features, clock) -> None:  # type: ignore[no-untyped-def]
    """Tried by hand: the "1" under the module's last message reopened the /leren list's first
    module, because a finished dialog's closing choices were not remembered (router)."""
    bot = Harness(engine, features, clock)
    org = bot.org()
    sender = bot.person(Role.EMPLOYEE, org_id=org, platform="console")
    bot.say(sender, "/leren", platform="console")
    bot.say(sender, "1", platform="console")  # the first module in the list: the employee's
    for _ in range(3):
        said = bot.say(sender, "1", platform="console")
    assert said.choices == [("/toets employee-basics", "Start de toets")]
    said = bot.say(sender, "1", platform="console")
    assert "Vraag 1 van 10" in said.text
    me = person_of(engine, sender, platform="console")
    for _ in range(10):
        said = bot.say(
            sender, choice=quiz_position(engine, me.id, correct=True), platform="console"
        )
    assert "Leermodule: Veilig werken: phishing, wachtwoorden en melden" in said.text
