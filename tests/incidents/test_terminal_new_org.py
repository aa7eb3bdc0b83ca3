"""Tried as a new user would, through the real command line (issue 13, "done when"): a brand-new
organisation made with ``nis2bot org add``, an employee who reports a lost USB stick with client
data in the terminal chat, and the coordinator who arrives later and gets the waiting alert."""

from __future__ import annotations

import subprocess
import sys


def test_a_new_organisation_tells_the_truth_and_the_alert_waits_for_the_coordinator(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    env = {"NIS2BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def nis2bot(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    added = nis2bot("org", "add", "nieuwkoop", "--name", "Gemeente Nieuwkoop", "--country", "nl")
    assert "An incident report would reach nobody now. Next steps:" in added
    nis2bot(
        "org", "set", "nieuwkoop", "--setting",
        'contacts={"emergency": "ISMT-piket 06 1234 5678", "privacy_officer": "FG Fenna"}',
    )  # fmt: skip
    # Times that do not depend on the hour the test runs: "gisteren 14:00" is always past.
    answers = [
        "/melden",
        "Ik ben een USB-stick kwijt met klantgegevens erop",
        "gisteren 14:00",
        "USB-stick",
        "geen",
        "ja",
        "nee",
        "nog niets",
        "verstuur",
    ]
    chat = nis2bot("chat", "--org", "nieuwkoop", "--name", "Eva", stdin="\n".join(answers) + "\n")
    assert "maar er kon nog niemand gewaarschuwd worden" in chat
    assert "Wacht niet: bel nu ISMT-piket 06 1234 5678." in chat
    assert "privacyfunctionaris (FG Fenna)" in chat
    assert "het ISMT is gewaarschuwd" not in chat
    status = nis2bot("org", "status", "nieuwkoop")
    assert "WARNING: incident alerts that reached nobody yet: INC-" in status
    # The coordinator's first chat: the waiting alert is delivered to them, once.
    first = nis2bot(
        "chat", "--org", "nieuwkoop", "--as", "coordinator", "--name", "Cor", stdin="/wie\n"
    )
    assert first.count("Nieuwe incidentmelding INC-") == 1
    again = nis2bot(
        "chat", "--org", "nieuwkoop", "--as", "coordinator", "--name", "Cor", stdin="/wie\n"
    )
    assert "Nieuwe incidentmelding" not in again
    assert "WARNING" not in nis2bot("org", "status", "nieuwkoop")
