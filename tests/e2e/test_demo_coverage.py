"""The demo shows every shipped policy both passing and failing (issue 2's rule), from one real demo run.

A policy whose demo findings are all ``pass`` shows nothing a reader can learn from, and one that only
fails may be broken; so each shipped policy must have at least one passing and one failing resource
in ``m365gov demo``'s ``results.json`` — except the few below, which judge a single resource for the
whole tenant and so can only show one verdict per run. A new policy without demo coverage fails
here: seed a defect for it in the emulator (and document it) rather than adding it to the list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from m365gov.emulator import generate_keyvault_town
from m365gov.pipeline import load_policy_set
from tests.support.key_defects import expected_failures

SINGLE_VERDICT: dict[str, str] = {
    # One resource per tenant: the organization's country (the demo town is French, so it passes).
    "RES-001": "the tenant has one country",
    # One resource per tenant: the organisation's Teams data region (the town's is France).
    "RES-002": "the tenant has one Teams data region",
    # One tenant-level verdict: the tenant holds an Advanced Data Residency subscription or it does not
    # (the town has Multi-Geo but no ADR, so it fails).
    "RES-008": "the tenant has or lacks one Advanced Data Residency subscription",
    # A population threshold: one verdict on the ratio of active Teams users, whoever the laggards are
    # (they are named in the finding's observed values).
    "TEAMS-002": "one adoption-threshold verdict for the whole licensed population",
    # The council chamber is one room, named in the config ([council] chamber_device); the demo's
    # has a disconnected camera, so it fails.
    "DEV-003": "the town has one council chamber device",
}
"""Policies that cannot show both outcomes in one run, and why (a tenant-singleton resource)."""


@pytest.fixture(scope="module")
def results(demo_dir: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    return doc


def _statuses(results: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in results["findings"]:
        out[f["policy"]].add(f["status"])
    return out


def test_the_demo_judges_every_shipped_policy(results: dict[str, Any]) -> None:
    shipped = set(load_policy_set().ids)
    assert {p["id"] for p in results["policies"]} == shipped
    assert set(SINGLE_VERDICT) <= shipped, "the allow-list names a policy that is not shipped"


def test_every_shipped_policy_has_a_passing_and_a_failing_resource(results: dict[str, Any]) -> None:
    statuses = _statuses(results)
    missing = {p: sorted(statuses[p]) for p in sorted(load_policy_set().ids)
               if p not in SINGLE_VERDICT and not {"pass", "fail"} <= statuses[p]}
    assert missing == {}, ("policies without both a pass and a fail in the demo (seed a defect in the emulator "
                           f"for each): {missing}")


def test_the_single_verdict_policies_really_have_one_resource(results: dict[str, Any]) -> None:
    """If one of them gains a second resource (or both outcomes), it leaves the allow-list."""
    per_policy: dict[str, list[str]] = defaultdict(list)
    for f in results["findings"]:
        per_policy[f["policy"]].append(f["status"])
    for policy in SINGLE_VERDICT:
        assert len(per_policy[policy]) == 1 and per_policy[policy][0] in ("pass", "fail"), (policy, per_policy[policy])


def test_the_key_findings_fail_exactly_where_the_town_has_defects(results: dict[str, Any]) -> None:
    town = generate_keyvault_town(seed=2026)  # the demo's default town
    failures = {(f["policy"], f["resource"]["id"]) for f in results["findings"]
                if f["area"] == "keys" and f["status"] == "fail"}
    assert failures == expected_failures(town)
    assert not any(f["status"] == "not_evaluated" for f in results["findings"] if f["area"] == "keys")
