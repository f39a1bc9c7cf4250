"""Reports as a user gets them: the demo's six formats, `report render`, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from junitparser import JUnitXml

from tests.e2e.conftest import run_cli
from tests.support.results import sarif_schema_path

SIX = ("report.html", "report.md", "findings.csv", "results.sarif", "junit.xml", "results.json")


def test_the_demo_writes_all_six_formats_and_says_where(demo_dir: Path) -> None:
    for name in (*SIX, "snapshot.json"):
        assert (demo_dir / "reports" / name).is_file(), name
    out = (demo_dir / "stdout.txt").read_text(encoding="utf-8")
    assert "report.html" in out and "findings.csv" in out and "results.sarif" in out


def test_the_demo_sarif_validates_against_the_official_schema(demo_dir: Path) -> None:
    from jsonschema.validators import validator_for

    schema = json.loads(sarif_schema_path().read_text(encoding="utf-8"))
    log = json.loads((demo_dir / "reports" / "results.sarif").read_text(encoding="utf-8"))
    errors = list(validator_for(schema)(schema).iter_errors(log))
    assert not errors, errors[:3]
    results = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    judged = {"fail", "waived"}
    assert len(log["runs"][0]["results"]) == sum(1 for f in results["findings"] if f["status"] in judged) > 0


def test_the_demo_junit_parses(demo_dir: Path) -> None:
    xml = JUnitXml.fromfile(str(demo_dir / "reports" / "junit.xml"))
    results = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    areas = list(dict.fromkeys(p["area"] for p in results["policies"]))
    failing = {f["policy"] for f in results["findings"] if f["status"] == "fail"}
    assert sorted(s.name for s in xml) == sorted(areas)
    assert xml.tests == len(results["policies"]) and xml.failures == len(failing)


def test_report_render_rerenders_offline_with_stable_names(demo_dir: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "report", "render", demo_dir / "reports" / "results.json",
        "--format", "html,md,csv,sarif,junit,json,terminal", "-o", tmp_path / "out", "--lang", "fr",
    )
    assert proc.returncode == 0, proc.stderr
    for name in (*SIX, "report.txt"):
        assert (tmp_path / "out" / name).is_file(), name
    assert "Synthèse" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "results.json").read_text(encoding="utf-8") == (
        demo_dir / "reports" / "results.json"
    ).read_text(encoding="utf-8")


def test_report_render_of_one_format_goes_to_stdout_or_a_file(demo_dir: Path, tmp_path: Path) -> None:
    proc = run_cli("report", "render", demo_dir / "reports" / "results.json", "--format", "md")
    assert proc.returncode == 0 and proc.stdout.startswith("# m365gov audit")
    proc = run_cli("report", "render", demo_dir / "reports" / "results.json", "-o", tmp_path / "r.html")
    assert proc.returncode == 0 and (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_audit_writes_several_formats_into_a_directory(demo_dir: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "audit", "--snapshot", demo_dir / "reports" / "snapshot.json",
        "--format", "html,md,csv,sarif,junit,json", "-o", tmp_path / "out",
    )
    assert proc.returncode == 1, proc.stderr  # the demo town fails
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(SIX)


def _assert_input_error(proc: object, *fragments: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    err = proc.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_report_render_refuses_a_file_of_another_schema(demo_dir: Path, tmp_path: Path) -> None:
    _assert_input_error(
        run_cli("report", "render", demo_dir / "reports" / "snapshot.json"), "snapshot.json", "/schema", "results@1"
    )


def test_report_render_refuses_unreadable_json(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text("{not json", encoding="utf-8")
    _assert_input_error(run_cli("report", "render", tmp_path / "r.json"), "r.json:1", "invalid JSON")


def test_report_render_refuses_a_missing_file_and_an_unknown_format(tmp_path: Path) -> None:
    _assert_input_error(run_cli("report", "render", tmp_path / "none.json"), "not found")
    _assert_input_error(run_cli("report", "render", tmp_path / "none.json", "--format", "pdf"), "unknown format pdf")


def test_several_formats_without_an_output_directory_is_a_usage_error(demo_dir: Path) -> None:
    proc = run_cli("report", "render", demo_dir / "reports" / "results.json", "--format", "html,md")
    _assert_input_error(proc, "-o DIR")
