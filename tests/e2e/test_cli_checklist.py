"""``m365gov checklist council`` as a user runs it: a config file, the CLI in a subprocess, the emulator
serving the demo town from this process; and the checklist the demo writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m365gov.emulator import Emulator, Faults, Tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.schemas import validate
from tests.e2e.conftest import run_cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(live_emulator: Emulator, town: Tenant, tmp_path: Path) -> Path:
    (tmp_path / "inventaire.csv").write_text(town.inventory_csv(), encoding="utf-8")
    path = tmp_path / "m365gov.toml"
    path.write_text("\n".join([
        f'tenant_id = "{town.tenant_id}"',
        "[graph]", f'endpoint = "{live_emulator.graph_url}"',
        "[auth]", 'mode = "emulator"',
        "[inventory]", 'csv = "inventaire.csv"',
        "[council]", f'group_id = "{town.council_group_id}"', f'chamber_device = "{CHAMBER_NAME}"',
        "members_in_office = 33", f'organizer = "{town.council_meeting.organizer_upn}"',
    ]) + "\n", encoding="utf-8")
    return path


def _input_error(proc: object, *fragments: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    err = proc.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err and (err.startswith("error: ") or "Error:" in err), err
    for fragment in fragments:
        assert fragment in err, err


def test_the_demo_meeting_s_checklist_is_printed_in_french(config: Path, town: Tenant) -> None:
    proc = run_cli("checklist", "council", "--meeting", town.council_meeting.join_web_url, "-c", config)
    assert proc.returncode == 1, proc.stderr  # the seeded meeting and chamber defects are blocking
    out = proc.stdout
    assert out.startswith("# Liste de contrôle de la séance du conseil")
    assert "⛔ **Les appelants par téléphone passent par la salle d'attente**" in out
    assert "⛔ **La salle du conseil est prête" in out and "disconnected" in out
    for section in ("## Synthèse", "## Points de contrôle", "## Quorum projeté", "## Élus (33)", "## Salles"):
        assert section in out, section
    assert "council checklist: 2 blocking" in proc.stderr


def test_the_three_formats_are_written_with_stable_names(config: Path, town: Tenant, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("checklist", "council", "--meeting", town.council_meeting.short_url, "-c", config,
                   "--format", "md,html,json", "-o", out)
    assert proc.returncode == 1, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["council-checklist.html", "council-checklist.json", "council-checklist.md"]
    doc = json.loads((out / "council-checklist.json").read_text(encoding="utf-8"))
    validate("checklist", doc)
    assert doc["meeting"]["referenceKind"] == "shortLink" and town.council_meeting.passcode not in json.dumps(doc)
    assert "<!DOCTYPE html>" in (out / "council-checklist.html").read_text(encoding="utf-8")


def test_english_with_lang_en(config: Path, town: Tenant) -> None:
    proc = run_cli("checklist", "council", "--meeting", town.council_meeting.meeting_id, "-c", config,
                   "--lang", "en", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["lang"] == "en" and doc["regime"]["title"].startswith("In-person session broadcast")
    dial_in = next(i for i in doc["items"] if i["id"] == "lobby-dial-in")
    assert dial_in["title"] == "Phone callers wait in the lobby" and dial_in["state"] == "blocking"


def test_a_missing_access_policy_prints_the_powershell_commands(config: Path, town: Tenant,
                                                               live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(meetings_access_policy=False)
    m = town.council_meeting
    proc = run_cli("checklist", "council", "--meeting", m.join_web_url, "-c", config)
    out = proc.stdout
    assert "New-CsApplicationAccessPolicy -Identity m365gov-policy -AppIds" in out
    assert f'Grant-CsApplicationAccessPolicy -PolicyName m365gov-policy -Identity "{m.organizer_id}"' in out
    assert "`not_configured`" in out and "réunion introuvable :" not in out
    assert proc.returncode == 1  # the chamber is still observed blocking


def test_a_malformed_proxies_file_exits_2_with_its_line_before_any_request(
        config: Path, town: Tenant, tmp_path: Path, live_emulator: Emulator) -> None:
    proxies = tmp_path / "procurations.csv"
    proxies.write_text("mandant;mandataire;seances\na@ville.fr;b@ville.fr;1\nc@ville.fr;d@ville.fr;deux\n",
                       encoding="utf-8")
    proc = run_cli("checklist", "council", "--meeting", town.council_meeting.join_web_url, "-c", config,
                   "--proxies", proxies)
    _input_error(proc, "procurations.csv:3", "sessions")
    assert live_emulator.requests == []


def test_a_short_link_without_an_organizer_exits_2(town: Tenant, tmp_path: Path, live_emulator: Emulator) -> None:
    path = tmp_path / "m365gov.toml"
    path.write_text(f'tenant_id = "{town.tenant_id}"\n[graph]\nendpoint = "{live_emulator.graph_url}"\n'
                    '[auth]\nmode = "emulator"\n', encoding="utf-8")
    _input_error(run_cli("checklist", "council", "--meeting", town.council_meeting.short_url, "-c", path),
                 "--organizer")


def test_an_unknown_regime_parameter_in_the_config_exits_2_with_its_pointer(config: Path, town: Tenant) -> None:
    config.write_text(config.read_text(encoding="utf-8") + "[council.parameters]\nrecordng = \"allowed\"\n",
                      encoding="utf-8")
    proc = run_cli("checklist", "council", "--meeting", town.council_meeting.join_web_url, "-c", config)
    _input_error(proc, "m365gov.toml at /council/parameters/recordng", "recording")


def test_the_demo_writes_the_session_s_checklist_next_to_the_report(demo_dir: Path) -> None:
    reports = demo_dir / "reports"
    stdout = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "Council session checklist (Conseil municipal" in stdout and "council-checklist.html" in stdout
    for name in ("council-checklist.md", "council-checklist.html", "council-checklist.json", "procurations.csv",
                 "declarations-conseil.json"):
        assert (reports / name).is_file(), name
    doc = json.loads((reports / "council-checklist.json").read_text(encoding="utf-8"))
    validate("checklist", doc)
    states = {i["id"]: i["state"] for i in doc["items"]}
    assert {k for k, v in states.items() if v == "blocking"} == {"lobby-dial-in", "chamber-room", "proxies"}
    assert {"presenters", "recording", "public-broadcast", "rehearsal", "member-contacts"} <= {
        k for k, v in states.items() if v == "todo"}
    assert states["convocation"] == states["minutes"] == states["secretary"] == "ok"
    md = (reports / "council-checklist.md").read_text(encoding="utf-8")
    assert md.startswith("# Liste de contrôle") and "ligne 4" in md


def test_policies_validate_checks_the_council_regimes(tmp_path: Path) -> None:
    proc = run_cli("policies", "validate", REPO / "policies")
    assert proc.returncode == 0 and "3 council regimes valid" in proc.stdout
    doc = json.loads((REPO / "policies" / "council" / "in-person-broadcast.regime.json").read_text(encoding="utf-8"))
    doc["proxies"]["maxPerHolder"] = 0
    (tmp_path / "in-person-broadcast.regime.json").write_text(json.dumps(doc), encoding="utf-8")
    _input_error(run_cli("policies", "validate", tmp_path), "in-person-broadcast.regime.json at /proxies/maxPerHolder")


def test_the_checklist_help_imports_no_sdk() -> None:
    proc = run_cli("checklist", "council", "--help", python_flags=("-X", "importtime"))
    assert proc.returncode == 0 and "--meeting" in proc.stdout and "Exit codes" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert not any(m == "msgraph" or m.startswith(("msgraph.", "kiota", "azure", "jinja2")) for m in imported)
