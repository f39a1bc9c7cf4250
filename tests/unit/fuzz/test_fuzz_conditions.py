"""Generated conditions, compiled and run over arbitrary resources, always answer a boolean."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from m365gov.errors import InputError
from m365gov.policy.compile import compile_condition
from m365gov.policy.conditions import ParseContext, parse_condition
from tests.unit.fuzz.strategies import json_values

FIELDS = ["a", "b", "c", "a.b", "a[*]", "a[*].b", "b[*].c[*]", "c.d.e"]
OPERATORS = [
    "equals",
    "notEquals",
    "in",
    "notIn",
    "exists",
    "contains",
    "like",
    "match",
    "greater",
    "greaterOrEquals",
    "less",
    "lessOrEquals",
    "olderThanDays",
    "withinDays",
]
NOW = datetime(2026, 11, 28, tzinfo=UTC)

leaf = st.builds(lambda f, op, v: {"field": f, op: v}, st.sampled_from(FIELDS), st.sampled_from(OPERATORS), json_values)
count = st.builds(
    lambda f, w, op, n: {"count": {"field": f, **({"where": w} if w else {})}, op: n},
    st.sampled_from(["a[*]", "b[*]"]),
    st.none() | leaf,
    st.sampled_from(["equals", "greater", "less", "greaterOrEquals"]),
    st.integers(-2, 5),
)
conditions = st.recursive(
    leaf | count,
    lambda c: (
        st.builds(lambda xs: {"allOf": xs}, st.lists(c, min_size=1, max_size=3))
        | st.builds(lambda xs: {"anyOf": xs}, st.lists(c, min_size=1, max_size=3))
        | st.builds(lambda x: {"not": x}, c)
    ),
    max_leaves=6,
)
resources = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), json_values, max_size=4)


@settings(max_examples=400, deadline=None)
@given(conditions, st.lists(resources, max_size=5))
def test_a_compiled_condition_answers_true_or_false_for_any_resource(cond: Any, items: list[Any]) -> None:
    context = ParseContext(file="f.json", params={}, view="v", fields={name: None for name in ("a", "b", "c")})
    try:
        tree = parse_condition(cond, context, ("assert",))
    except InputError:
        return
    bound = compile_condition(tree).bind(NOW)
    for item in items:
        assert bound.test(item) in (True, False)
        assert isinstance(bound.observe(item), dict)
