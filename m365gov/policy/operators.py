"""The comparison operators of the condition grammar, each checked at load time and built into a test.

An operator has two halves: ``check`` judges the policy's expected value when the policy is loaded
(so a regex that does not compile, or ``in`` with a string, is an input error with a pointer, not a
surprise during an audit), and ``make`` returns a one-argument test over the value read from a
resource. Tests never raise: a value of the wrong type is simply not a match, because views read
Microsoft's data defensively and a property Graph omits must not crash an audit.

Missing and ``null`` values arrive as ``None``: ``equals`` is true only against an expected ``null``,
the negations (``notEquals``, ``notIn``) are true, ``exists: false`` is true, and every other
operator is false — missing evidence never satisfies a positive claim.
"""

from __future__ import annotations

import operator as _op
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from m365gov.timeutil import parse_datetime

Test = Callable[[Any], bool]


@dataclass(frozen=True)
class Operator:
    """One operator.

    Attributes:
        name: as written in a policy (``greaterOrEquals``).
        check: returns why an expected value is unusable, or ``None`` when it is fine.
        make: builds the test for an expected value and "now" (the snapshot's collection time).
        uses_now: whether the test depends on "now" (date operators), so it is rebuilt per snapshot.
    """

    name: str
    check: Callable[[Any], str | None]
    make: Callable[[Any, datetime], Test]
    uses_now: bool = False


def is_number(value: Any) -> bool:
    """JSON numbers only: ``true`` is not 1 in a policy, whatever Python thinks."""
    return type(value) is int or type(value) is float


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON means it: case-sensitive strings, ``true`` ≠ ``1``, ``1`` = ``1.0``, deep."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(b, list | dict):
        return False
    return bool(a == b)


# --- checks of expected values ----------------------------------------------------------------


def _any(value: Any) -> str | None:
    return None


def _array(value: Any) -> str | None:
    return None if isinstance(value, list) else "expected an array of allowed values"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "expected a string pattern"


def _regex(value: Any) -> str | None:
    if not isinstance(value, str):
        return "expected a regular expression (a string)"
    try:
        re.compile(value)
    except re.error as exc:
        return f"invalid regular expression {value!r}: {exc}"
    return None


def _number(value: Any) -> str | None:
    return None if is_number(value) else "expected a number"


def _days(value: Any) -> str | None:
    return None if is_number(value) and value >= 0 else "expected a number of days (0 or more)"


# --- tests ------------------------------------------------------------------------------------


def _equals(expected: Any, now: datetime) -> Test:
    if expected is None:
        return lambda v: v is None
    if isinstance(expected, bool):
        return lambda v: v is expected
    if isinstance(expected, str):
        return lambda v: v == expected  # a str equals only a str
    if is_number(expected):
        return lambda v: v == expected and type(v) is not bool
    return lambda v: json_equal(v, expected)


def _not_equals(expected: Any, now: datetime) -> Test:
    eq = _equals(expected, now)
    return lambda v: not eq(v)


def _in(expected: list[Any], now: datetime) -> Test:
    strings = frozenset(x for x in expected if isinstance(x, str))
    others = [x for x in expected if not isinstance(x, str)]
    if not others:
        return lambda v: type(v) is str and v in strings

    def test(v: Any) -> bool:
        if isinstance(v, str):
            return v in strings
        return any(json_equal(v, x) for x in others)

    return test


def _not_in(expected: list[Any], now: datetime) -> Test:
    inside = _in(expected, now)
    return lambda v: not inside(v)


def _exists(expected: bool, now: datetime) -> Test:
    if expected:
        return lambda v: v is not None
    return lambda v: v is None


def _contains(expected: Any, now: datetime) -> Test:
    if isinstance(expected, str):
        # ``in`` is a substring test on a str and an element test (exact str equality) on a list.
        return lambda v: isinstance(v, str | list) and expected in v
    return lambda v: isinstance(v, list) and any(json_equal(x, expected) for x in v)


def _like(expected: str, now: datetime) -> Test:
    pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in expected)
    fullmatch = re.compile(pattern, re.IGNORECASE | re.DOTALL).fullmatch
    return lambda v: isinstance(v, str) and fullmatch(v) is not None


def _match(expected: str, now: datetime) -> Test:
    fullmatch = re.compile(expected).fullmatch
    return lambda v: isinstance(v, str) and fullmatch(v) is not None


def _numeric(compare: Callable[[Any, Any], bool]) -> Callable[[Any, datetime], Test]:
    def make(expected: Any, now: datetime) -> Test:
        return lambda v: (type(v) is int or type(v) is float) and compare(v, expected)

    return make


def _cutoff(now: datetime, days: float) -> datetime:
    """``now - days``, clamped to the calendar: a huge N means "before any date", not a crash."""
    try:
        return now - timedelta(days=days)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC) if days > 0 else datetime.max.replace(tzinfo=UTC)


def _older_than_days(days: float, now: datetime) -> Test:
    cutoff = _cutoff(now, days)

    def test(v: Any) -> bool:
        dt = parse_datetime(v)
        return dt is not None and dt < cutoff

    return test


def _within_days(days: float, now: datetime) -> Test:
    cutoff = _cutoff(now, days)

    def test(v: Any) -> bool:
        dt = parse_datetime(v)
        return dt is not None and dt >= cutoff

    return test


FIELD_OPERATORS: Mapping[str, Operator] = {
    op.name: op
    for op in (
        Operator("equals", _any, _equals),
        Operator("notEquals", _any, _not_equals),
        Operator("in", _array, _in),
        Operator("notIn", _array, _not_in),
        Operator("exists", _boolean, _exists),
        Operator("contains", _any, _contains),
        Operator("like", _string, _like),
        Operator("match", _regex, _match),
        Operator("greater", _number, _numeric(_op.gt)),
        Operator("greaterOrEquals", _number, _numeric(_op.ge)),
        Operator("less", _number, _numeric(_op.lt)),
        Operator("lessOrEquals", _number, _numeric(_op.le)),
        Operator("olderThanDays", _days, _older_than_days, uses_now=True),
        Operator("withinDays", _days, _within_days, uses_now=True),
    )
}
"""Operators of ``field`` and ``value`` conditions, by name."""

COUNT_OPERATORS: Mapping[str, Callable[[int, int], bool]] = {
    "equals": _op.eq,
    "notEquals": _op.ne,
    "greater": _op.gt,
    "greaterOrEquals": _op.ge,
    "less": _op.lt,
    "lessOrEquals": _op.le,
}
"""Operators of ``count`` conditions: a count is compared with a whole number."""


def check_count_value(value: Any) -> str | None:
    """Why ``value`` cannot be compared with a count, or ``None``."""
    if type(value) is int and value >= 0:
        return None
    return "expected a whole number (0 or more) to compare the count with"
