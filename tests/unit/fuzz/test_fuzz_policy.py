"""Random and mutated policy files never crash the loader: only InputError, with a location."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m365gov.errors import InputError
from m365gov.policy import PolicySet, parse_policy
from m365gov.views import VIEWS
from tests.unit.fuzz.strategies import json_values, mutated

SHIPPED = sorted((Path(__file__).resolve().parents[3] / "policies").rglob("*.json"))
VALID = [json.loads(p.read_text(encoding="utf-8")) for p in SHIPPED]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(doc: Any) -> None:
    try:
        policy = parse_policy(doc, file="fuzz.json", views=VIEWS)
        PolicySet((policy,)).compile()
    except InputError as exc:
        assert exc.file == "fuzz.json" and exc.message
        assert exc.pointer is not None or exc.line is not None or "fuzz.json" in str(exc)


@FUZZ
@given(json_values)
def test_arbitrary_json_is_refused_cleanly(doc: Any) -> None:
    _load(doc)


@FUZZ
@given(st.sampled_from(VALID).flatmap(lambda d: mutated(d)))
def test_mutated_shipped_policies_load_or_are_refused_cleanly(doc: Any) -> None:
    _load(doc)
