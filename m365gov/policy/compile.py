"""Condition trees → Python closures, built once, so evaluation never re-reads JSON per resource.

Date operators (``olderThanDays``, ``withinDays``) need "now", which is the snapshot's collection
time and is only known at evaluation, so the compiled form is a *maker*: leaves that do not depend
on time are closed over once, at compile time, and :meth:`CompiledCondition.bind` assembles the
final predicate once per evaluation (a few allocations per policy, none per resource).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from m365gov.policy.conditions import AllOf, AnyOf, Condition, CountCond, FieldCond, Not, ValueCond
from m365gov.policy.describe import count_label, describe, to_json
from m365gov.policy.operators import COUNT_OPERATORS, FIELD_OPERATORS, Test
from m365gov.policy.paths import FieldPath, Getter

Predicate = Callable[[Any], bool]
Maker = Callable[[datetime], Predicate]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BoundCondition:
    """A condition ready to judge resources of one snapshot.

    Attributes:
        test: the predicate over one resource.
        readers: (key, reader) pairs for the ``observed`` evidence next to a verdict: each path the
            condition reads and each count's number; exposed so the engine can add evidence fields
            and read everything in one pass.
    """

    test: Predicate
    readers: tuple[tuple[str, Callable[[Any], Any]], ...]

    def observe(self, resource: Any) -> dict[str, Any]:
        """The values the condition reads from ``resource``, keyed by path (``count(path)`` for counts)."""
        return {key: read(resource) for key, read in self.readers}


@dataclass(frozen=True)
class CompiledCondition:
    """A checked condition and its closures.

    Attributes:
        tree: the checked syntax tree (parameters substituted).
        paths: every absolute field path the condition reads, in order of first appearance
            (``count.where`` paths joined to their array: ``assignedPlans[*].service``); collectors
            derive ``$select`` from the first segments.
        maker: builds the predicate for a given "now".
        observers: (key, maker of a reader) for the observed evidence.
    """

    tree: Condition
    paths: tuple[str, ...]
    maker: Maker
    observers: tuple[tuple[str, Callable[[datetime], Callable[[Any], Any]]], ...]

    def bind(self, now: datetime) -> BoundCondition:
        """Fix "now" (the snapshot's ``collected_at``) and return the ready predicate."""
        readers = tuple((key, make(now)) for key, make in self.observers)
        return BoundCondition(test=self.maker(now), readers=readers)

    def describe(self) -> str:
        """Readable text with parameters resolved: ``usageLocation in ["FR"]``."""
        return describe(self.tree)

    def to_json(self) -> Any:
        """The condition as JSON, parameters substituted."""
        return to_json(self.tree)


def compile_condition(tree: Condition) -> CompiledCondition:
    """Build the closures for a checked tree."""
    paths: dict[str, None] = {}
    _collect_paths(tree, None, paths)
    observers: dict[str, Callable[[datetime], Callable[[Any], Any]]] = {}
    _collect_observers(tree, observers)
    return CompiledCondition(
        tree=tree, paths=tuple(paths), maker=_compile(tree, safe=False), observers=tuple(observers.items())
    )


def _compile(node: Condition, *, safe: bool) -> Maker:
    """``safe`` marks nodes inside ``count.where``, whose subject may be any JSON value, not a dict."""
    if isinstance(node, FieldCond):
        op = FIELD_OPERATORS[node.op]
        get = node.path.getter(safe=safe)
        multi = node.path.is_multi
        value = node.value
        if not safe and not multi and len(node.path.steps) == 1:
            fused = _fused(node.op, node.path.first, value)
            if fused is not None:
                return _static(fused)
        if op.uses_now:
            return lambda now: _field(get, op.make(value, now), multi)
        return _static(_field(get, op.make(value, _EPOCH), multi))
    if isinstance(node, ValueCond):
        op = FIELD_OPERATORS[node.op]
        subject, expected = node.value, node.expected
        if op.uses_now:
            return lambda now: _const(op.make(expected, now)(subject))
        return _static(_const(op.make(expected, _EPOCH)(subject)))
    if isinstance(node, CountCond):
        counter = _counter(node, safe=safe)
        compare, n = COUNT_OPERATORS[node.op], node.value

        def make_count(now: datetime) -> Predicate:
            count = counter(now)
            return lambda r: compare(count(r), n)

        return make_count
    if isinstance(node, Not):
        inner = _compile(node.item, safe=safe)

        def make_not(now: datetime) -> Predicate:
            p = inner(now)
            return lambda r: not p(r)

        return make_not
    makers = [_compile(c, safe=safe) for c in node.items]
    combine = _all if isinstance(node, AllOf) else _any
    return lambda now: combine([m(now) for m in makers])


def _counter(node: CountCond, *, safe: bool) -> Callable[[datetime], Callable[[Any], int]]:
    """A maker of the function counting matching elements (shared by the test and the evidence)."""
    elements = node.path.getter(safe=safe)
    if node.where is None:
        return lambda now: lambda r: len(elements(r))
    where = _compile(node.where, safe=True)

    def make(now: datetime) -> Callable[[Any], int]:
        keep = where(now)

        def count(r: Any) -> int:
            n = 0
            for e in elements(r):
                if keep(e):
                    n += 1
            return n

        return count

    return make


def _fused(op: str, key: str, expected: Any) -> Predicate | None:
    """Read and test in one closure for the commonest shapes (a top-level property equal to, or in,
    literals): they judge most resources of most policies, and one call less per resource is what
    keeps evaluation close to a hand-written loop. Semantics are those of ``operators.py``.
    """
    if op == "equals":
        if expected is None or isinstance(expected, bool):
            return lambda r: r.get(key) is expected
        if isinstance(expected, str):
            return lambda r: r.get(key) == expected
    if op == "in" and all(isinstance(x, str) for x in expected):
        allowed = frozenset(expected)

        def is_in(r: Any) -> bool:
            v = r.get(key)
            return type(v) is str and v in allowed

        return is_in
    return None


def _field(get: Getter, test: Test, multi: bool) -> Predicate:
    if not multi:
        return lambda r: test(get(r))

    def every(r: Any) -> bool:
        # Over [*] a field condition holds for every element (vacuously for none): "at least one"
        # and "none" are written with count, as in Azure Policy.
        for v in get(r):  # noqa: SIM110 - a plain loop is faster than all() over a generator
            if not test(v):
                return False
        return True

    return every


def _all(preds: Sequence[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) and b(r)
    ps = tuple(preds)

    def every(r: Any) -> bool:
        for p in ps:  # noqa: SIM110 - a plain loop is faster than all() over a generator
            if not p(r):
                return False
        return True

    return every


def _any(preds: Sequence[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) or b(r)
    ps = tuple(preds)

    def some(r: Any) -> bool:
        for p in ps:  # noqa: SIM110 - a plain loop is faster than any() over a generator
            if p(r):
                return True
        return False

    return some


def _static(pred: Predicate) -> Maker:
    return lambda now: pred


def _const(result: bool) -> Predicate:
    return (lambda r: True) if result else (lambda r: False)


def _collect_paths(node: Condition, base: FieldPath | None, out: dict[str, None]) -> None:
    if isinstance(node, FieldCond):
        out.setdefault((base.child(node.path) if base else node.path).text)
    elif isinstance(node, CountCond):
        array = base.child(node.path) if base else node.path
        out.setdefault(array.text)
        if node.where is not None:
            _collect_paths(node.where, array, out)
    elif isinstance(node, Not):
        _collect_paths(node.item, base, out)
    elif isinstance(node, AllOf | AnyOf):
        for c in node.items:
            _collect_paths(c, base, out)


def _collect_observers(node: Condition, out: dict[str, Callable[[datetime], Callable[[Any], Any]]]) -> None:
    """Observed evidence: each top-level field path's value and each count's number.

    Paths inside ``count.where`` are relative to an element and are not observed one by one; the
    count stands for them. Two counts over the same array with different filters get distinct keys.
    """
    if isinstance(node, FieldCond):
        if node.path.text not in out:
            get = node.path.getter()
            out[node.path.text] = lambda now: get
    elif isinstance(node, CountCond):
        key = f"count({node.path.text})"
        if key in out:
            key = count_label(node)
        out.setdefault(key, _counter(node, safe=False))
    elif isinstance(node, Not):
        _collect_observers(node.item, out)
    elif isinstance(node, AllOf | AnyOf):
        for c in node.items:
            _collect_observers(c, out)
