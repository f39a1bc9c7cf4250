"""Sharing equal values across records never changes what they read, only how many copies exist."""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from m365gov.heap import Sharer, gc_paused, gc_relaxed
from tests.unit.fuzz.strategies import json_values


@given(st.lists(json_values, max_size=6))
@settings(max_examples=300, deadline=None)
def test_shared_records_read_exactly_as_parsed(records: list[Any]) -> None:
    originals = [json.dumps(r) for r in records]
    sharer = Sharer()
    shared = [sharer.share(copy.deepcopy(r)) for r in records]
    assert [json.dumps(r) for r in shared] == originals  # true is not 1, -0.0 is not 0.0


def test_equal_service_plans_become_one_list_and_strings_one_copy() -> None:
    plans = '[{"service": "TeamspaceAPI", "capabilityStatus": "Enabled"}, {"service": "exchange", "n": 1}]'
    users = [{"id": f"u{i}", "assignedPlans": json.loads(plans), "type": "".join(["Mem", "ber"])} for i in range(3)]
    sharer = Sharer()
    for u in users:
        sharer.share(u)
    assert users[0]["assignedPlans"] is users[1]["assignedPlans"] is users[2]["assignedPlans"]
    assert users[0]["type"] is users[2]["type"]


def test_look_alike_values_stay_apart() -> None:
    sharer = Sharer()
    a = sharer.share({"x": [{"flag": True}], "y": [{"r": 0.0}]})
    b = sharer.share({"x": [{"flag": 1}], "y": [{"r": -0.0}]})
    assert a["x"][0]["flag"] is True and b["x"][0]["flag"] == 1 and b["x"][0]["flag"] is not True
    assert json.dumps(b["y"]) == '[{"r": -0.0}]'


def test_collector_settings_are_restored() -> None:
    before, enabled = gc.get_threshold(), gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    with gc_relaxed():
        assert gc.get_threshold()[0] >= 50_000
    assert gc.get_threshold() == before and gc.isenabled() == enabled
