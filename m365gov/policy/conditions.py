"""The condition grammar: JSON → a checked syntax tree, with every error pointing into the policy file.

Parsing is where all judgement about a condition happens — one form per node, known operators,
values of the right type, parameters substituted, fields documented by the view — so that
compiling (``compile.py``) and describing (``describe.py``) can trust the tree completely.
The grammar follows Azure Policy's, which Azure administrators already read.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from m365gov.errors import InputError, json_pointer
from m365gov.policy.operators import COUNT_OPERATORS, FIELD_OPERATORS, check_count_value
from m365gov.policy.parameters import ParamValue, param_ref
from m365gov.policy.paths import FieldPath, PathError, parse_path

Pointer = tuple[str | int, ...]

_LOGICAL = ("allOf", "anyOf", "not")
_SUBJECTS = ("field", "value", "count")
_FORMS_HINT = (
    'expected {"allOf": […]}, {"anyOf": […]}, {"not": …}, {"field": …, OP: …}, {"value": …, OP: …} '
    'or {"count": …, OP: …}'
)


@dataclass(frozen=True)
class AllOf:
    """True when every item is (an empty list cannot be written)."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one item is."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """Negation of one condition."""

    item: Condition


@dataclass(frozen=True)
class FieldCond:
    """``{"field": path, op: value}``: a property of the resource compared with a value.

    Attributes:
        path: the parsed path; over ``[*]`` the condition holds when every element satisfies it.
        op: the operator name (a key of ``FIELD_OPERATORS``).
        value: the expected value, parameters already substituted.
    """

    path: FieldPath
    op: str
    value: Any


@dataclass(frozen=True)
class ValueCond:
    """``{"value": v, op: expected}``: a constant (usually a parameter) tested without the resource."""

    value: Any
    op: str
    expected: Any


@dataclass(frozen=True)
class CountCond:
    """``{"count": {"field": "a[*]", "where": c}, op: n}``: how many elements satisfy ``where``.

    Attributes:
        path: the array path, ending with ``[*]``.
        where: the element filter, its paths relative to the element; ``None`` counts every element.
        op: a key of ``COUNT_OPERATORS``.
        value: the whole number the count is compared with.
    """

    path: FieldPath
    where: Condition | None
    op: str
    value: int


Condition = AllOf | AnyOf | Not | FieldCond | ValueCond | CountCond


@dataclass(frozen=True)
class ParseContext:
    """What a condition is checked against.

    Attributes:
        file: the policy file, for error messages.
        params: resolved parameters by name (defaults at load time, overrides at compile time).
        view: the view whose fields the condition reads (``tenant`` for ``applicableIf``).
        fields: the view's documented top-level fields, or ``None`` to check syntax only.
    """

    file: str | None
    params: Mapping[str, ParamValue]
    view: str
    fields: Mapping[str, Any] | None


def parse_condition(node: Any, ctx: ParseContext, at: Pointer, *, relative: bool = False) -> Condition:
    """Check one condition node (recursively) and return its tree.

    ``at`` is the node's location in the policy file; ``relative`` is set inside ``count.where``,
    where paths start at the array element and are checked for syntax only.
    """
    if not isinstance(node, dict) or not node:
        _fail(ctx, at, f"not a condition; {_FORMS_HINT}")
    forms = [k for k in node if k in _LOGICAL or k in _SUBJECTS]
    if not forms:
        key = next(iter(node))
        if key in FIELD_OPERATORS:
            _fail(ctx, at, f'operator {key!r} has nothing to compare: add "field", "value" or "count"')
        _fail(ctx, (*at, key), f"unknown condition member {key!r}{_suggest(key, _LOGICAL + _SUBJECTS)}; {_FORMS_HINT}")
    if len(forms) > 1:
        _fail(
            ctx,
            (*at, forms[1]),
            f"a condition has exactly one form, found {forms[0]!r} and {forms[1]!r}; combine conditions with allOf",
        )
    form = forms[0]
    if form in _LOGICAL:
        return _parse_logical(form, node, ctx, at, relative)
    op = _operator(form, node, ctx, at)
    if form == "field":
        return _parse_field(node, op, ctx, at, relative)
    if form == "value":
        value, _ = _resolve(node["value"], ctx, (*at, "value"))
        expected = _checked_value(op, node[op], ctx, (*at, op))
        return ValueCond(value=value, op=op, expected=expected)
    return _parse_count(node, op, ctx, at, relative)


def _parse_logical(form: str, node: dict[str, Any], ctx: ParseContext, at: Pointer, relative: bool) -> Condition:
    extra = [k for k in node if k != form]
    if extra:
        _fail(ctx, (*at, extra[0]), f"{extra[0]!r} cannot sit next to {form!r}; put it inside one of its conditions")
    body = node[form]
    if form == "not":
        return Not(parse_condition(body, ctx, (*at, "not"), relative=relative))
    if not isinstance(body, list) or not body:
        _fail(ctx, (*at, form), f"{form} expects a non-empty array of conditions")
    items = tuple(parse_condition(c, ctx, (*at, form, i), relative=relative) for i, c in enumerate(body))
    return AllOf(items) if form == "allOf" else AnyOf(items)


def _operator(subject: str, node: dict[str, Any], ctx: ParseContext, at: Pointer) -> str:
    allowed = COUNT_OPERATORS if subject == "count" else FIELD_OPERATORS
    ops = [k for k in node if k != subject]
    for key in ops:
        if key not in allowed:
            if key in FIELD_OPERATORS:
                _fail(ctx, (*at, key), f"operator {key!r} cannot compare a count; use one of {_list(allowed)}")
            _fail(ctx, (*at, key), f"unknown operator {key!r}{_suggest(key, allowed)}; operators: {_list(allowed)}")
    if not ops:
        _fail(ctx, at, f"{subject!r} needs an operator, one of {_list(allowed)}")
    if len(ops) > 1:
        _fail(
            ctx,
            (*at, ops[1]),
            f"two operators in one condition ({ops[0]!r} and {ops[1]!r}); write two conditions inside allOf",
        )
    return ops[0]


def _parse_field(node: dict[str, Any], op: str, ctx: ParseContext, at: Pointer, relative: bool) -> FieldCond:
    path = _path(node["field"], ctx, (*at, "field"), relative)
    value = _checked_value(op, node[op], ctx, (*at, op))
    return FieldCond(path=path, op=op, value=value)


def _parse_count(node: dict[str, Any], op: str, ctx: ParseContext, at: Pointer, relative: bool) -> CountCond:
    spec = node["count"]
    here = (*at, "count")
    if not isinstance(spec, dict):
        _fail(ctx, here, 'expected {"field": "array[*]", "where": {…}}')
    for key in spec:
        if key not in ("field", "where"):
            _fail(ctx, (*here, key), f"unexpected {key!r} in count; allowed: field, where")
    if "field" not in spec:
        _fail(ctx, here, 'count needs "field", an array path ending with [*]')
    path = _path(spec["field"], ctx, (*here, "field"), relative)
    if not path.ends_with_wildcard:
        _fail(ctx, (*here, "field"), f"count needs an array path ending with [*], e.g. {path.text + '[*]'!r}")
    where = parse_condition(spec["where"], ctx, (*here, "where"), relative=True) if "where" in spec else None
    value, param = _resolve(node[op], ctx, (*at, op))
    problem = check_count_value(value)
    if problem is not None:
        _value_fail(ctx, (*at, op), op, problem, param)
    return CountCond(path=path, where=where, op=op, value=value)


def _path(raw: Any, ctx: ParseContext, at: Pointer, relative: bool) -> FieldPath:
    if not isinstance(raw, str):
        _fail(ctx, at, 'expected a field path (a string such as "usageLocation" or "assignedPlans[*].service")')
    try:
        is_parameter = param_ref(raw) is not None
    except ValueError:  # "[parameters(…" malformed: still not a field path
        is_parameter = True
    if is_parameter:
        _fail(ctx, at, "a field path cannot be a parameter")
    try:
        path = parse_path(raw, allow_current=relative)
    except PathError as exc:
        _fail(ctx, at, str(exc))
    if not relative and ctx.fields is not None and path.first not in ctx.fields:
        _fail(
            ctx,
            at,
            f"unknown field {path.first!r} of view {ctx.view!r}{_suggest(path.first, ctx.fields)}; "
            f"fields: {_list(sorted(ctx.fields))}",
        )
    return path


def _resolve(raw: Any, ctx: ParseContext, at: Pointer) -> tuple[Any, ParamValue | None]:
    """Substitute a whole-value ``[parameters('name')]`` reference."""
    try:
        name = param_ref(raw)
    except ValueError as exc:
        _fail(ctx, at, str(exc))
    if name is None:
        return raw, None
    param = ctx.params.get(name)
    if param is None:
        declared = _list(sorted(ctx.params)) if ctx.params else "none"
        _fail(ctx, at, f"unknown parameter {name!r}{_suggest(name, ctx.params)}; declared: {declared}")
    return param.value, param


def _checked_value(op: str, raw: Any, ctx: ParseContext, at: Pointer) -> Any:
    value, param = _resolve(raw, ctx, at)
    problem = FIELD_OPERATORS[op].check(value)
    if problem is not None:
        _value_fail(ctx, at, op, problem, param)
    return value


def _value_fail(ctx: ParseContext, at: Pointer, op: str, problem: str, param: ParamValue | None) -> NoReturn:
    """Report a bad expected value where it must be fixed: the condition, or the config's override."""
    if param is None or param.file == ctx.file:
        suffix = "" if param is None else f" (the parameter's value is {_short(param.value)})"
        _fail(ctx, at, f"{op}: {problem}{suffix}")
    raise InputError(f"{op} at {json_pointer(at)} of {ctx.file}: {problem}", file=param.file, pointer=param.pointer)


def _fail(ctx: ParseContext, at: Pointer, message: str) -> NoReturn:
    raise InputError(message, file=ctx.file, pointer=json_pointer(at))


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _list(names: Any) -> str:
    return ", ".join(names)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
