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
    again = cli("person", "import", str(good), "--org", "demo2", ok=False)
    assert "already enrolled" in again.output
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
