"""The demo, offline audits and their exit codes, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import run_cli


def test_the_demo_prints_the_residency_audit_and_exits_0(demo_dir: Path) -> None:
    out = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "RESIDENCY" in out and "RES-003" in out and "usageLocation=BE" in out
    assert "CUSTOMER KEY" in out and "KEY-001" in out and "SAL-CK-EX-FR-VaultA1-Key001" in out
    assert "recorded 0 DELETE, 0 expiry and 0 key-property writes from m365gov" in out
    assert (demo_dir / "reports" / "key-plan.json").is_file()
    assert "not a CI gate" in out
    assert (demo_dir / "reports" / "snapshot.json").is_file()
    assert json.loads((demo_dir / "reports" / "results.json").read_text())["schema"] == "m365gov/results@1"


def test_an_offline_audit_of_the_demo_snapshot_gives_the_same_findings(demo_dir: Path) -> None:
    proc = run_cli("audit", "--snapshot", demo_dir / "reports" / "snapshot.json", "--format", "json")
    assert proc.returncode == 1, proc.stderr  # the demo town fails high-severity policies
    offline = json.loads(proc.stdout)
    demo = json.loads((demo_dir / "reports" / "results.json").read_text())
    assert offline["findings"] == demo["findings"]


def test_fail_on_raises_the_bar(demo_dir: Path) -> None:
    residency = Path(__file__).resolve().parents[2] / "policies" / "residency"
    snapshot = demo_dir / "reports" / "snapshot.json"
    proc = run_cli("audit", "--snapshot", snapshot, "--policies", residency, "--fail-on", "critical")
    assert proc.returncode == 0, proc.stderr
    # the demo town's Exchange key pair has critical Customer Key failures (a missing key, an expiry…)
    proc = run_cli("audit", "--snapshot", snapshot, "--fail-on", "critical")
    assert proc.returncode == 1 and "KEY-001" in proc.stdout


def test_missing_evidence_and_nothing_failing_exits_3(demo_dir: Path, tmp_path: Path) -> None:
    snap = json.loads((demo_dir / "reports" / "snapshot.json").read_text())
    snap["sources"]["sites"] = {
        "status": "missing_permission",
        "permission": "Sites.Read.All",
        "detail": "HTTP 403",
        "counts": {},
        "data": None,
    }
    (tmp_path / "s.json").write_text(json.dumps(snap))
    policy = Path(__file__).resolve().parents[2] / "policies" / "residency" / "RES-006-site-geo.json"
    proc = run_cli("audit", "--snapshot", tmp_path / "s.json", "--policies", policy, "--format", "json")
    assert proc.returncode == 3, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert (finding["status"], finding["reason"], finding["permission"]) == (
        "not_evaluated",
        "missing_permission",
        "Sites.Read.All",
    )


def test_several_formats_are_written_to_a_directory(demo_dir: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "audit",
        "--snapshot",
        demo_dir / "reports" / "snapshot.json",
        "--format",
        "terminal,json",
        "-o",
        tmp_path / "out",
    )
    assert proc.returncode == 1
    assert (tmp_path / "out" / "results.json").is_file() and (tmp_path / "out" / "report.txt").is_file()


def test_help_and_offline_audit_never_import_msgraph(demo_dir: Path) -> None:
    for args in (("--help",), ("audit", "--snapshot", str(demo_dir / "reports" / "snapshot.json"))):
        proc = run_cli(*args, python_flags=("-X", "importtime"))
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
        assert "click" in imported or "m365gov.cli" in imported
        assert not any(m == "msgraph" or m.startswith(("msgraph.", "kiota", "azure")) for m in imported), args
