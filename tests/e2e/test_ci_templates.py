"""The CI templates in docs/ci/ run the same m365gov commands the tests run, against the emulator.

Each template's ``m365gov …`` command lines are taken from its ``run:`` / ``script:`` steps exactly as
written; only the ``$M365GOV_*`` variables the template defines are given test values (the config
becomes one pointing at the emulator, the paths a temporary folder). Then the job is replayed as the
schedule would: a first run with no baseline, a second with the first's results as baseline, and a
third after a new defect appears in the tenant.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from string import Template
from typing import Any

import pytest
import yaml

from m365gov.config import load_config
from m365gov.emulator import Emulator, generate_tenant
from tests.e2e.conftest import run_cli

CI = Path(__file__).resolve().parents[2] / "docs" / "ci"
REPORTS = ("report.html", "report.md", "findings.csv", "results.sarif", "junit.xml", "results.json")


def _command_lines(scripts: list[str]) -> list[str]:
    """The ``m365gov`` lines of shell scripts, backslash continuations joined."""
    lines: list[str] = []
    for script in scripts:
        for line in script.replace("\\\n", " ").splitlines():
            if line.strip().startswith("m365gov "):
                lines.append(line.strip())
    return lines


def github() -> tuple[dict[str, Any], list[str]]:
    doc = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    return doc, _command_lines([s["run"] for s in steps if "run" in s])


def gitlab() -> tuple[dict[str, Any], list[str]]:
    doc = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    job = doc["m365gov-audit"]
    return doc, _command_lines([*job["before_script"], *job["script"]])


def argv(line: str, env: dict[str, str]) -> list[str]:
    """Split like a shell, then substitute variables; an unknown variable is an error, not a blank."""
    words = shlex.split(line)
    assert words[0] == "m365gov" and "${{" not in line, line
    return [Template(w).substitute(env) for w in words[1:]]


@pytest.fixture(scope="module")
def emulators() -> Iterator[dict[str, Emulator]]:
    with Emulator(generate_tenant()) as base, Emulator(generate_tenant(extra_defects=("site_location",))) as worse:
        yield {"base": base, "worse": worse}


def replay(lines: list[str], template_env: dict[str, str], work: Path, emu: Emulator) -> list[int]:
    config = work / "emulator.toml"
    config.write_text(
        f'tenant_id = "t"\n[graph]\nendpoint = "{emu.graph_url}"\n[auth]\nmode = "emulator"\n', encoding="utf-8"
    )
    assert set(template_env) >= {"M365GOV_CONFIG", "M365GOV_OUT", "M365GOV_BASELINE"}
    env = {
        "M365GOV_CONFIG": str(config),
        "M365GOV_OUT": str(work / "out"),
        "M365GOV_BASELINE": str(work / "baseline" / "results.json"),
    }
    codes = []
    for line in lines:
        proc = run_cli(*argv(line, env), cwd=work)
        assert "Traceback" not in proc.stderr, proc.stderr
        codes.append(proc.returncode)
    return codes


def keep_as_baseline(work: Path) -> None:
    """What the artifact download does: the last successful run's results become the baseline."""
    (work / "baseline").mkdir(exist_ok=True)
    shutil.copy(work / "out" / "results.json", work / "baseline" / "results.json")


def test_both_templates_run_the_same_two_commands() -> None:
    (_, gh), (_, gl) = github(), gitlab()
    assert gh == gl
    assert [shlex.split(x)[1] for x in gh] == ["collect", "audit"]
    audit = shlex.split(gh[1])
    assert "--baseline" in audit and "--format" in audit and audit[audit.index("--format") + 1].split(",") == [
        "html", "md", "csv", "sarif", "junit", "json"
    ]


def test_github_workflow_is_scheduled_secretless_and_uploads_sarif_summary_and_artifacts() -> None:
    doc, _ = github()
    on = doc.get("on", doc.get(True))
    assert on["schedule"][0]["cron"] and doc["permissions"]["id-token"] == "write"
    assert doc["permissions"]["security-events"] == "write"
    steps = doc["jobs"]["audit"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    assert sum(u.startswith("actions/upload-artifact@") for u in uses) == 2
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") and "report.md" in s.get("run", "") for s in steps)
    text = (CI / "github-actions.yml").read_text(encoding="utf-8")
    assert "secrets." not in text and "AZURE_FEDERATED_TOKEN_FILE" in text


def test_gitlab_job_is_scheduled_secretless_and_reports_junit() -> None:
    doc, _ = gitlab()
    job = doc["m365gov-audit"]
    assert any("schedule" in r["if"] for r in job["rules"])
    assert job["id_tokens"]["AZURE_ID_TOKEN"]["aud"] == "api://AzureADTokenExchange"
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["reports"]["junit"] == "m365gov-out/junit.xml"


def test_the_example_ci_config_is_valid_and_holds_no_secret() -> None:
    config = load_config(CI / "m365gov.toml")
    assert config.auth.mode == "workload_identity" and config.auth.token_file is None


@pytest.mark.parametrize("template", ["github", "gitlab"])
def test_the_templates_commands_run_against_the_emulator(
    template: str, emulators: dict[str, Emulator], tmp_path: Path
) -> None:
    doc, lines = github() if template == "github" else gitlab()
    template_env = doc["env"] if template == "github" else doc["m365gov-audit"]["variables"]

    first = replay(lines, template_env, tmp_path, emulators["base"])
    assert first == [0, 0]  # no baseline yet: this run establishes it
    for name in REPORTS:
        assert (tmp_path / "out" / name).is_file(), name
    keep_as_baseline(tmp_path)

    assert replay(lines, template_env, tmp_path, emulators["base"]) == [0, 0]  # only known failures
    summary = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Écarts depuis la référence" in summary and "aucune régression" in summary

    assert replay(lines, template_env, tmp_path, emulators["worse"]) == [0, 1]  # a new failure breaks the job
    sarif = json.loads((tmp_path / "out" / "results.sarif").read_text(encoding="utf-8"))
    assert any(r["ruleId"] == "RES-006" for r in sarif["runs"][0]["results"])
    assert "1 régression" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
