"""JUnit XML, read back by junitparser as a CI system would: suites per area, cases per policy."""

from __future__ import annotations

from pathlib import Path

from junitparser import Failure, JUnitXml, Skipped

from m365gov.render import RENDERERS, RenderOptions
from tests.support.results import SCRIPT, sample_doc


def parse(tmp_path: Path, lang: str = "en") -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(RENDERERS["junit"].render(sample_doc(), RenderOptions(lang=lang)), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def cases(xml: JUnitXml) -> dict[str, object]:
    return {case.name.split()[0]: case for suite in xml for case in suite}


def test_a_suite_per_area_and_a_case_per_policy(tmp_path: Path) -> None:
    xml = parse(tmp_path)
    suites = {s.name: [c.name.split()[0] for c in s] for s in xml}
    assert suites == {"residency": ["RES-003", "RES-006"], "teams": ["TEA-001", "TEA-002"]}
    assert (xml.tests, xml.failures, xml.skipped, xml.errors) == (4, 2, 1, 0)


def test_a_failure_lists_failing_resources_with_observed_and_expected(tmp_path: Path) -> None:
    case = cases(parse(tmp_path))["RES-003"]
    (failure,) = [r for r in case.result if isinstance(r, Failure)]  # type: ignore[attr-defined]
    assert failure.message.startswith("4/6 resources fail (high)") and 'usageLocation in ["FR"]' in failure.message
    text = failure.text
    assert SCRIPT in text and "u2" in text and "usageLocation=BE" in text and "remediation: Fix RES-003" in text
    assert "\x1b" not in text and "[31mrouge" in text


def test_not_evaluated_is_skipped_with_the_reason(tmp_path: Path) -> None:
    case = cases(parse(tmp_path))["RES-006"]
    (skipped,) = [r for r in case.result if isinstance(r, Skipped)]  # type: ignore[attr-defined]
    assert "missing_permission (Sites.Read.All)" in skipped.message


def test_waived_resources_pass_with_a_system_out_note(tmp_path: Path) -> None:
    case = cases(parse(tmp_path))["RES-003"]
    assert "W-001" in case.system_out and "DGS" in case.system_out and "2027-03-31" in case.system_out  # type: ignore[attr-defined]


def test_a_passing_policy_is_a_passed_case(tmp_path: Path) -> None:
    case = cases(parse(tmp_path))["TEA-002"]
    assert case.is_passed  # type: ignore[attr-defined]


def test_french_messages(tmp_path: Path) -> None:
    case = cases(parse(tmp_path, "fr"))["RES-003"]
    (failure,) = [r for r in case.result if isinstance(r, Failure)]  # type: ignore[attr-defined]
    assert "ressources non conforme" in failure.message and "attendu" in failure.message
