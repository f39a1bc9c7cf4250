"""SARIF 2.1.0: valid against the official schema, one rule per policy, stable fingerprints."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from m365gov.render import RENDERERS, RenderOptions
from m365gov.render.sarif import FINGERPRINT_KEY, fingerprint
from tests.support.results import AT, SCRIPT, sample_doc, sarif_schema_path


def sarif(doc: dict[str, Any] | None = None, lang: str = "en") -> dict[str, Any]:
    return json.loads(RENDERERS["sarif"].render(doc or sample_doc(), RenderOptions(lang=lang)))


def validate(log: dict[str, Any]) -> None:
    from jsonschema.validators import validator_for

    schema = json.loads(sarif_schema_path().read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the schema's own $schema decides the draft
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_the_log_validates_against_the_official_schema() -> None:
    validate(sarif())


def test_one_rule_per_policy_with_descriptions_help_and_properties() -> None:
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["RES-003", "RES-006", "TEA-001", "TEA-002"]
    r = rules[0]
    assert r["shortDescription"]["text"] == "Policy RES-003" and r["fullDescription"]["text"] == "Why RES-003 matters."
    assert "Update-MgUser" in r["help"]["text"] and r["helpUri"].startswith("https://learn.microsoft.com/")
    assert r["properties"]["area"] == "residency" and r["properties"]["severity"] == "high"
    assert r["properties"]["mappings"] == {"anssi": ["R1"]} and "anssi:R1" in r["properties"]["tags"]
    assert r["defaultConfiguration"]["level"] == "error" and r["properties"]["security-severity"] == "8.0"


def test_one_result_per_failing_finding_waived_ones_suppressed() -> None:
    results = sarif()["runs"][0]["results"]
    assert sorted(r["properties"]["resourceId"] for r in results) == ["*", "u2", "u3", "u4", "u5", "u6"]
    waived = next(r for r in results if r["properties"]["resourceId"] == "u6")
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "Bruxelles" in suppression["justification"] and suppression["properties"]["expiresOn"] == "2027-03-31"
    assert all("suppressions" not in r for r in results if r is not waived)


def test_levels_follow_severity() -> None:
    results = sarif()["runs"][0]["results"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"RES-003": "error", "TEA-001": "warning"}


def test_not_evaluated_findings_are_notifications_not_results() -> None:
    run = sarif()["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["associatedRule"]["id"] == "RES-006" and "Sites.Read.All" in note["message"]["text"]


def test_each_result_names_its_resource_as_a_logical_location() -> None:
    result = next(r for r in sarif()["runs"][0]["results"] if r["properties"]["resourceId"] == "u2")
    (loc,) = result["locations"]
    assert loc["logicalLocations"][0] == {"name": SCRIPT, "fullyQualifiedName": "users/u2", "kind": "resource"}
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "tenant/users/u2"


def test_fingerprints_are_stable_across_runs_and_ignore_observed_values() -> None:
    first = sample_doc()
    later = sample_doc(at=AT + timedelta(days=1))
    for f in later["findings"]:
        if f["resource"]["id"] == "u2":
            f["observed"] = {"usageLocation": "DE"}
    a, b = sarif(first)["runs"][0]["results"], sarif(later)["runs"][0]["results"]
    prints_a = {r["properties"]["resourceId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in a}
    prints_b = {r["properties"]["resourceId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in b}
    assert prints_a == prints_b and prints_a["u2"] == fingerprint("RES-003", "u2")
    assert len(set(prints_a.values())) == len(prints_a)


def test_message_text_cannot_embed_links() -> None:
    result = next(r for r in sarif()["runs"][0]["results"] if r["properties"]["resourceId"] == "u5")
    assert "\\[link\\](https://evil.example)" in result["message"]["text"]


def test_messages_follow_the_language_and_rules_do_not() -> None:
    fr, en = sarif(lang="fr")["runs"][0], sarif(lang="en")["runs"][0]
    assert fr["tool"] == en["tool"]
    assert "attendu" in fr["results"][0]["message"]["text"] and "expected" in en["results"][0]["message"]["text"]
