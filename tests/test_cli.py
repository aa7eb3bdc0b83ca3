"""The operator CLI on a real database (SQLite and PostgreSQL), through click's runner."""

from __future__ import annotations

import json
import subprocess
import sys


def test_org_invite_person_room(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "utrecht", "--name", "Gemeente Utrecht", "--country", "nl")
    cli("org", "add", "gent", "--name", "Stad Gent", "--country", "be")
    assert (
        "exists already"
        in cli("org", "add", "gent", "--name", "X", "--country", "be", ok=False).output
    )
    assert (
        "unknown time zone"
        in cli(
            "org",
            "add",
            "xx",
            "--name",
            "X",
            "--country",
            "nl",
            "--timezone",
            "Mars/Olympus",
            ok=False,
        ).output
    )
    orgs = json.loads(cli("org", "list", "--json").output)
    assert {(o["slug"], o["timezone"]) for o in orgs} == {
        ("utrecht", "Europe/Amsterdam"),
        ("gent", "Europe/Brussels"),
    }
    made = json.loads(
        cli(
            "invite",
            "create",
            "--org",
            "utrecht",
            "--role",
            "ismt",
            "--uses",
            "3",
            "--expires",
            "2w",
            "--json",
        ).output
    )
    assert len(made["code"]) == 10 and made["uses"] == 3
    assert (
        "no organisation 'nope'"
        in cli("invite", "create", "--org", "nope", "--role", "ismt", ok=False).output
    )
    cli(
        "person",
        "add",
        "--org",
        "utrecht",
        "--role",
        "mayor",
        "--name",
        "Sharon D.",
        "--telegram",
        "12345",
    )
    bad = cli(
        "person",
        "add",
        "--org",
        "utrecht",
        "--role",
        "it",
        "--name",
        "Dup",
        "--telegram",
        "12345",
        ok=False,
    )
    assert "already enrolled" in bad.output
    listed = json.loads(cli("person", "list", "--org", "utrecht", "--json").output)
    assert [(p["name"], p["role"], p["identities"]) for p in listed] == [
        ("Sharon D.", "mayor", "telegram:12345")
    ]
    assert (
        "linked"
        in cli(
            "room",
            "link",
            "--org",
            "utrecht",
            "--purpose",
            "ismt",
            "--platform",
            "matrix",
            "--id",
            "!abc:example.org",
        ).output
    )
    assert "dialog-idle" in cli("jobs", "list").output
    assert {j["name"] for j in json.loads(cli("jobs", "list", "--json").output)} >= {"dialog-idle"}
    assert "dialog-idle: 0" in cli("jobs", "run", "dialog-idle").output


def test_person_import_reports_every_bad_line_and_imports_nothing(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "demo2", "--name", "Demo 2", "--country", "nl")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\ufeffname;role;department;e-mail;telegram;matrix\n"
        "Ann;medewerker;Burgerzaken;ann@example.org;;\n"
        ";ismt;;;;\n"
        "Bob;baas;;;;\n"
        "Cor;it;;cor-at-example;abc;bob\n",
        "utf-8",
    )
    result = cli("person", "import", str(bad), "--org", "demo2", ok=False)
    assert "line 3: empty name" in result.output and "line 4: unknown role 'baas'" in result.output
    assert "line 5:" in result.output and "nothing was imported" in result.output
    assert json.loads(cli("person", "list", "--org", "demo2", "--json").output) == []
    good = tmp_path / "good.csv"
    good.write_text(
        "name,role,department,e-mail,telegram,matrix\n"
        "Ann,medewerker,Burgerzaken,ann@example.org,111,\n"
        "Wim,wethouder,,,,@wim:example.org\n",
        "utf-8",
    )
    assert "imported 2" in cli("person", "import", str(good), "--org", "demo2").output
    # The same file again: the same two people (matched on e-mail, then chat id), not four.
    again = cli("person", "import", str(good), "--org", "demo2").output
    assert "0 new, 0 updated, 2 unchanged" in again
    assert len(json.loads(cli("person", "list", "--org", "demo2", "--json").output)) == 2


def test_settings_mistakes_are_reported_clearly(cli, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIS2BOT_DIALOG_EXPIRY_HOURS", "soon")
    assert "NIS2BOT_DIALOG_EXPIRY_HOURS" in cli("org", "list", ok=False).output
    monkeypatch.delenv("NIS2BOT_DIALOG_EXPIRY_HOURS")
    config = tmp_path / "nis2bot.toml"
    config.write_text('log_level = "LOUD"\n')
    assert "NIS2BOT_LOG_LEVEL" in cli("--config", str(config), "org", "list", ok=False).output


def test_run_without_platforms_points_to_chat(cli) -> None:  # type: ignore[no-untyped-def]
    assert "nis2bot chat" in cli("run", ok=False).output


def test_piped_chat_enrols_a_second_person_with_an_invite(tmp_path) -> None:
    env = {"NIS2BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def nis2bot(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = nis2bot("chat", stdin="/help\n/taal en\n/help\n")
    assert "Wat je kunt doen als medewerker" in first and "What you can do as employee" in first
    code = json.loads(
        nis2bot("invite", "create", "--org", "demo", "--role", "coordinator", "--json")
    )["code"]
    second = nis2bot(
        "chat",
        "--unenrolled",
        "--name",
        "Rita",
        stdin=f"hallo\n/start {code}\nRita Raad\n1\n2\n/help\n",
    )
    assert "niet aangemeld" in second and "aangemeld als NIS2-coördinator" in second
    assert "/uitnodiging" in second and "What you can do as NIS2 coordinator" in second
    as_ismt = nis2bot("chat", "--as", "ismt", stdin="/wie\n")
    assert "ISMT-lid bij Gemeente Demo" in as_ismt
    switched = nis2bot("chat", stdin="/als coordinator\n/wie\n/als baas\n")
    assert "NIS2-coördinator bij Gemeente Demo" in switched and "Gebruik: /als ROL" in switched


def test_person_import_matches_people_already_there_and_never_doubles_anyone(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    cli("org", "add", "kampen", "--name", "Gemeente Kampen", "--country", "nl")
    first = tmp_path / "first.csv"
    first.write_text(
        "name,role,department,e-mail,telegram,matrix\n"
        "Ann,medewerker,Burgerzaken,ann@zwolle.nl,,\n"
        "Jan Smit,medewerker,ICT,,,\n"
        "Jan Smit,medewerker,Financiën,,,\n"  # another Jan Smit: another department
        "Tim,medewerker,,,777,\n",
        "utf-8",
    )
    assert (
        "4 new, 0 updated, 0 unchanged"
        in cli("person", "import", str(first), "--org", "zwolle").output
    )
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(
        "name,role,department,e-mail,telegram,matrix\n"
        "Ann,medewerker,Burgerzaken,ann@zwolle.nl,,\n"
        "Ann,medewerker,Burgerzaken,ANN@zwolle.nl,,\n"
        "Jan Smit,medewerker,ICT,,,\n"
        "Jan Smit,medewerker,ICT,,,\n",
        "utf-8",
    )
    refused = cli("person", "import", str(repeated), "--org", "zwolle", ok=False).output
    assert "line 3: e-mail ANN@zwolle.nl appears twice (line 2)" in refused
    assert "line 5: Jan Smit of the same department appears twice (line 4)" in refused
    second = tmp_path / "second.csv"
    second.write_text(
        "name,role,department,e-mail,telegram,matrix\n"
        "Ann de Vries,ismt,Burgerzaken,Ann@Zwolle.nl,555,\n"  # e-mail: Ann, now ISMT, with a chat
        "Jan Smit,medewerker,ICT,,,\n"  # name and department: the same Jan Smit
        "Tim,medewerker,Sport,tim@zwolle.nl,777,\n",  # chat id: Tim, now with e-mail
        "utf-8",
    )
    out = cli("person", "import", str(second), "--org", "zwolle").output
    assert "0 new, 2 updated, 1 unchanged" in out
    listed = json.loads(cli("person", "list", "--org", "zwolle", "--json").output)
    assert sorted((p["name"], p["role"], p["department"], p["identities"]) for p in listed) == [
        ("Ann de Vries", "ismt", "Burgerzaken", "telegram:555"),
        ("Jan Smit", "employee", "Financiën", ""),
        ("Jan Smit", "employee", "ICT", ""),
        ("Tim", "employee", "Sport", "telegram:777"),
    ]
    # A chat id enrolled in another municipality is no match: the operator must look.
    other = tmp_path / "other.csv"
    other.write_text("name,role,telegram\nTim,medewerker,777\n", "utf-8")
    refused = cli("person", "import", str(other), "--org", "kampen", ok=False).output
    assert "telegram id 777 is already enrolled in another organisation" in refused
    assert json.loads(cli("person", "list", "--org", "kampen", "--json").output) == []


def test_person_import_refuses_what_is_not_a_regular_file(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    zero = cli("person", "import", "/dev/zero", "--org", "zwolle", ok=False).output
    assert "/dev/zero is not a regular file" in zero and "Traceback" not in zero
    big = tmp_path / "big.csv"
    big.write_bytes(b"name,role\n" + b"x" * (10 * 1024 * 1024))
    assert (
        "larger than 10 MB" in cli("person", "import", str(big), "--org", "zwolle", ok=False).output
    )
    assert (
        "is not a regular file"
        in cli("training", "import", "/dev/zero", "--org", "zwolle", ok=False).output
    )


def test_an_invite_for_an_imported_person_links_their_chat_to_them(
    cli, tmp_path, engine, features, clock
) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import Harness

    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    staff = tmp_path / "staff.csv"
    staff.write_text("name,role,department,e-mail\nAnn Smit,ismt,ICT,ann@zwolle.nl\n", "utf-8")
    cli("person", "import", str(staff), "--org", "zwolle")
    ann = json.loads(cli("person", "list", "--org", "zwolle", "--json").output)[0]
    assert "--role" in cli("invite", "create", "--org", "zwolle", ok=False).output
    wrong = cli("invite", "create", "--org", "zwolle", "--person", "999", ok=False).output
    assert "no person 999 in zwolle" in wrong
    made = json.loads(
        cli("invite", "create", "--org", "zwolle", "--person", str(ann["id"]), "--json").output
    )
    assert made["role"] == "ismt" and made["person_id"] == ann["id"] and made["uses"] == 1
    bot = Harness(engine, features, clock)
    said = bot.say("tg-ann", f"/start {made['code']}", name="Annie")
    assert "aangemeld als ISMT-lid" in said.text
    listed = json.loads(cli("person", "list", "--org", "zwolle", "--json").output)
    # One Ann, with her chat account, her department and role: not a second person.
    assert [(p["id"], p["name"], p["department"], p["identities"]) for p in listed] == [
        (ann["id"], "Ann Smit", "ICT", "telegram:tg-ann")
    ]


def test_an_invite_that_would_be_dead_at_once_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    for expires in ("0d", "0h", "0w"):
        out = cli(
            "invite",
            "create",
            "--org",
            "zwolle",
            "--role",
            "employee",
            "--expires",
            expires,
            ok=False,
        ).output
        assert "at least 1h" in out
    assert (
        "1 use(s)"
        in cli(
            "invite", "create", "--org", "zwolle", "--role", "employee", "--expires", "1h"
        ).output
    )


def test_a_misspelled_environment_variable_is_refused_with_the_right_name(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NIS2BOT_TELEGRAM_TOKN", "123:abc-secret")
    out = cli("run", ok=False).output
    assert "NIS2BOT_TELEGRAM_TOKN: not a setting (did you mean NIS2BOT_TELEGRAM_TOKEN?)" in out
    assert "no chat platform is configured" not in out and "123:abc-secret" not in out
    monkeypatch.delenv("NIS2BOT_TELEGRAM_TOKN")
    monkeypatch.setenv("NIS2BOT_SOMETHING", "x")
    assert (
        "NIS2BOT_SOMETHING: not a setting; every setting is listed"
        in cli("org", "list", ok=False).output
    )
    monkeypatch.delenv("NIS2BOT_SOMETHING")
    # Not settings, but read elsewhere: the settings file's path and the tests' PostgreSQL.
    monkeypatch.setenv("NIS2BOT_TEST_POSTGRES", "postgresql://x@127.0.0.1/y")
    cli("org", "list")


def test_org_set_refuses_unknown_keys_and_wrong_types_and_stores_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    typo = cli("org", "set", "zwolle", "--setting", "csirt_phone=+31 70 1234", ok=False).output
    assert "unknown setting 'csirt_phone'" in typo and "authorities" in typo
    mixed = cli(
        "org",
        "set",
        "zwolle",
        "--setting",
        "summary_time=08:30",
        "--setting",
        "trainng={}",
        "--setting",
        "retention_incident_days=abc",
        ok=False,
    ).output
    assert "did you mean training?" in mixed and "retention_incident_days: must be a whole" in mixed
    shown = json.loads(cli("org", "set", "zwolle", "--json").output)
    assert shown["settings"] == {}  # nothing of a refused command was stored
    good = cli("org", "set", "zwolle", "--setting", "summary_time=08:30", "--json").output
    assert json.loads(good)["settings"] == {"summary_time": "08:30"}
    # The command's own help example is a key it accepts.
    assert "csirt_phone" not in cli("org", "set", "--help").output


def test_a_damaged_database_or_a_bad_out_path_is_one_clear_line(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "nis2bot.db").write_bytes(b"this is no database at all " * 100)
    env = {"NIS2BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["org", "list"], ["chat"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input="",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1
        assert "Traceback" not in done.stderr, done.stderr
        assert "file is not a database" in done.stderr and "restore it from a backup" in done.stderr
    cli("org", "add", "zwolle", "--name", "Gemeente Zwolle", "--country", "nl")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = cli(
        "report", "--org", "zwolle", "--period", "2026Q3", "--out", str(blocker / "sub"), ok=False
    )
    assert out.exception is None or isinstance(out.exception, SystemExit)
    assert f"cannot use {blocker / 'sub'}: Not a directory" in out.output
    out = cli("export", "incidents", "--org", "zwolle", "--out", str(blocker / "x.csv"), ok=False)
    assert "Not a directory" in out.output
