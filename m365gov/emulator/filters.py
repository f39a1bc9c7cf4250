"""The subset of OData ``$filter`` that Graph supports on the emulated collections.

A filter is parsed into a predicate once and cached by the caller. What Graph refuses, the emulator
refuses the same way: a property or operator not supported for a resource is a 400
``Request_UnsupportedQuery``, and on directory objects ``ne``, ``not``, ``endsWith`` and comparisons
with ``null`` need an advanced query (``ConsistencyLevel: eventual`` and ``$count=true``). Nothing is
silently ignored: a collector relying on an unsupported filter must fail here as it would in
production.

Grammar: ``or``/``and``/``not``, parentheses, ``prop op literal`` (eq, ne, ge, gt, le, lt),
``prop in ('a','b')``, ``startsWith(prop,'x')``, ``endsWith(prop,'x')``, and lambdas
``coll/any(x:x eq 'v')`` or ``coll/any(x:x/prop eq v)``. Literals: ``'text'`` (``''`` escapes a
quote), ``true``, ``false``, ``null``, numbers, GUIDs and ISO dates, unquoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from m365gov.emulator.protocol import GraphError
from m365gov.timeutil import parse_datetime

Predicate = Callable[[Mapping[str, Any]], bool]

ADVANCED_HINT = ("because the required parameters might be missing. Try adding $count=true query parameter "
                 "and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries "
                 "for more information")


@dataclass(frozen=True)
class FilterField:
    """A filterable property: its type (``string``, ``bool``, ``datetime``, ``guid``) and operators."""

    type: str
    ops: frozenset[str]


@dataclass(frozen=True)
class FilterSchema:
    """What one resource lets clients filter on.

    Attributes:
        resource: resource name for error messages (``User``, ``Group``).
        fields: scalar properties.
        lambdas: collection property → element fields (key ``""`` for a collection of scalars).
        directory: directory objects need advanced queries for ``ne``/``not``/``endsWith``/``null``.
    """

    resource: str
    fields: Mapping[str, FilterField] = field(default_factory=dict)
    lambdas: Mapping[str, Mapping[str, FilterField]] = field(default_factory=dict)
    directory: bool = True


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
  | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][\w/.]*)
  | (?P<punct>[(),:])
""", re.VERBOSE)

_OPS = {"eq", "ne", "gt", "ge", "lt", "le"}


def _bad(message: str) -> GraphError:
    return GraphError(400, "BadRequest", f"Invalid filter clause: {message}")


class _Parser:
    def __init__(self, text: str, schema: FilterSchema, advanced: bool) -> None:
        self.schema = schema
        self.advanced = advanced
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise _bad(f"syntax error at position {pos} in '{text}'")
            pos = m.end()
            kind = m.lastgroup or ""
            if kind != "ws":
                self.tokens.append((kind, m.group()))
        self.pos = 0

    # -- token helpers ---------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> tuple[str, str]:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        text = self.take()[1]
        if text != value:
            raise _bad(f"expected '{value}', found '{text or 'end of filter'}'")

    def keyword(self, word: str) -> bool:
        kind, text = self.peek()
        if kind == "word" and text.lower() == word:
            self.pos += 1
            return True
        return False

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> Predicate:
        if not self.tokens:
            raise _bad("empty filter")
        pred = self.expr()
        if self.peek()[0] != "end":
            raise _bad(f"unexpected '{self.peek()[1]}'")
        return pred

    def expr(self) -> Predicate:
        parts = [self.conj()]
        while self.keyword("or"):
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else (lambda o: any(p(o) for p in parts))

    def conj(self) -> Predicate:
        parts = [self.unary()]
        while self.keyword("and"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda o: all(p(o) for p in parts))

    def unary(self) -> Predicate:
        if self.keyword("not"):
            self.require_advanced("not")
            inner = self.unary()
            return lambda o: not inner(o)
        return self.primary()

    def primary(self) -> Predicate:
        kind, text = self.peek()
        if text == "(":
            self.take()
            pred = self.expr()
            self.expect(")")
            return pred
        if kind != "word":
            raise _bad(f"expected a property or function, found '{text or 'end of filter'}'")
        lowered = text.lower()
        if lowered in ("startswith", "endswith") and self.peek(1)[1] == "(":
            return self.function(lowered)
        if lowered.endswith(("/any", "/all")) and self.peek(1)[1] == "(":
            return self.lambda_()
        self.take()
        return self.comparison(*self.lookup(text, self.schema.fields))

    def lookup(self, prop: str, fields: Mapping[str, FilterField]) -> tuple[str, FilterField]:
        """The canonical property name (Graph property names are case-insensitive) and its spec."""
        for name, spec in fields.items():
            if name.lower() == prop.lower():
                return name, spec
        raise self.unsupported(prop)

    def unsupported(self, prop: str) -> GraphError:
        return GraphError(400, "Request_UnsupportedQuery",
                          f"Unsupported or invalid query filter clause specified for property '{prop}' "
                          f"of resource '{self.schema.resource}'.")

    def require_advanced(self, op: str) -> None:
        if self.schema.directory and not self.advanced:
            raise GraphError(400, "Request_UnsupportedQuery", f"Operator '{op}' is not supported {ADVANCED_HINT}")

    def function(self, name: str) -> Predicate:
        self.take()
        self.expect("(")
        prop, spec = self.lookup(self.take()[1], self.schema.fields)
        self.expect(",")
        lit = self.literal()
        self.expect(")")
        op = "startsWith" if name == "startswith" else "endsWith"
        if op not in spec.ops:
            raise self.unsupported(prop)
        if op == "endsWith":
            self.require_advanced("endsWith")
        if not isinstance(lit, str):
            raise _bad(f"{op} needs a string")
        needle = lit.casefold()
        if op == "startsWith":
            return lambda o: isinstance(v := o.get(prop), str) and v.casefold().startswith(needle)
        return lambda o: isinstance(v := o.get(prop), str) and v.casefold().endswith(needle)

    def lambda_(self) -> Predicate:
        _, head = self.take()
        coll, quantifier = head.rsplit("/", 1)
        found = next(((k, v) for k, v in self.schema.lambdas.items() if k.lower() == coll.lower()), None)
        if found is None:
            raise self.unsupported(coll)
        coll, element = found
        self.expect("(")
        kind, var = self.take()
        if kind != "word":
            raise _bad("expected a lambda variable")
        self.expect(":")
        _, target = self.take()
        if target.lower() == var.lower():
            key = ""
        elif target.lower().startswith(var.lower() + "/"):
            key = target[len(var) + 1:]
        else:
            raise _bad(f"lambda body must use '{var}'")
        if key:
            key, spec = self.lookup(key, element)
        elif "" in element:
            spec = element[""]
        else:
            raise self.unsupported(coll)
        test = self.comparison(key, spec, element_of=True)
        self.expect(")")
        if quantifier.lower() == "all":
            return lambda o: all(test(x) for x in (o.get(coll) or ()))
        return lambda o: any(test(x) for x in (o.get(coll) or ()))

    def comparison(self, prop: str, spec: FilterField, element_of: bool = False) -> Predicate:
        op = self.take()[1].lower()
        if op == "in":
            if "in" not in spec.ops:
                raise self.unsupported(prop)
            self.expect("(")
            values = [self.literal()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.literal())
            self.expect(")")
            wanted = {self.normalise(spec, v) for v in values}
            return self._getter(prop, element_of, lambda v: self.normalise(spec, v) in wanted)
        if op not in _OPS:
            raise _bad(f"unknown operator '{op}'")
        if op not in spec.ops:
            raise self.unsupported(prop)
        lit = self.literal()
        if op == "ne":
            self.require_advanced("ne")
        if lit is None:
            if op not in ("eq", "ne"):
                raise _bad("null can only be compared with eq or ne")
            self.require_advanced(f"{op} null")
            return self._getter(prop, element_of, (lambda v: v is None) if op == "eq" else (lambda v: v is not None))
        self.check_type(prop, spec, lit)
        want = self.normalise(spec, lit)
        compare: Callable[[Any], bool] = {
            "eq": lambda v: v is not None and self.normalise(spec, v) == want,
            "ne": lambda v: v is None or self.normalise(spec, v) != want,
            "gt": lambda v: v is not None and self.normalise(spec, v) > want,
            "ge": lambda v: v is not None and self.normalise(spec, v) >= want,
            "lt": lambda v: v is not None and self.normalise(spec, v) < want,
            "le": lambda v: v is not None and self.normalise(spec, v) <= want,
        }[op]
        return self._getter(prop, element_of, compare)

    @staticmethod
    def _getter(prop: str, element_of: bool, test: Callable[[Any], bool]) -> Predicate:
        if element_of and not prop:
            return test  # the element itself is the value (a collection of strings)
        parts = prop.split("/")
        if len(parts) == 1:
            return lambda o: test(o.get(prop))

        def walk(o: Mapping[str, Any]) -> bool:
            value: Any = o
            for part in parts:
                value = value.get(part) if isinstance(value, Mapping) else None
            return test(value)
        return walk

    def literal(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind in ("guid", "datetime"):
            return text
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word" and text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text.lower()]
        raise _bad(f"expected a literal, found '{text or 'end of filter'}'")

    @staticmethod
    def check_type(prop: str, spec: FilterField, lit: Any) -> None:
        ok = {"bool": isinstance(lit, bool), "string": isinstance(lit, str),
              "guid": isinstance(lit, str), "datetime": isinstance(lit, str)}.get(spec.type, True)
        if not ok:
            edm = {"bool": "Edm.Boolean", "string": "Edm.String", "guid": "Edm.Guid",
                   "datetime": "Edm.DateTimeOffset"}[spec.type]
            raise GraphError(400, "BadRequest", f"A binary operator with incompatible types was detected. "
                             f"Found operand types '{edm}' and '{_edm_of(lit)}' for property '{prop}'.")

    @staticmethod
    def normalise(spec: FilterField, value: Any) -> Any:
        if spec.type == "datetime":
            return parse_datetime(value)
        if isinstance(value, str):
            return value.casefold()
        return value


def _edm_of(value: Any) -> str:
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, int):
        return "Edm.Int32"
    if isinstance(value, float):
        return "Edm.Double"
    return "Edm.String"


def compile_filter(text: str, schema: FilterSchema, *, advanced: bool = False) -> Predicate:
    """Parse ``text`` for ``schema``; ``advanced`` is true when the request is an advanced query."""
    return _Parser(text, schema, advanced).parse()


def ops(*names: str) -> frozenset[str]:
    return frozenset(names)


EQ = ops("eq", "ne", "in")
TEXT = ops("eq", "ne", "in", "startsWith", "endsWith")
BOOL = ops("eq", "ne")
DATE = ops("eq", "ne", "gt", "ge", "lt", "le")

USER_FILTERS = FilterSchema("User", fields={
    "id": FilterField("guid", EQ),
    "accountEnabled": FilterField("bool", BOOL),
    "userType": FilterField("string", EQ),
    "usageLocation": FilterField("string", TEXT),
    "preferredDataLocation": FilterField("string", EQ),
    "department": FilterField("string", TEXT),
    "jobTitle": FilterField("string", TEXT),
    "displayName": FilterField("string", TEXT),
    "givenName": FilterField("string", TEXT),
    "surname": FilterField("string", TEXT),
    "mail": FilterField("string", TEXT),
    "userPrincipalName": FilterField("string", TEXT),
    "employeeType": FilterField("string", TEXT),
    "companyName": FilterField("string", TEXT),
    "city": FilterField("string", TEXT),
    "country": FilterField("string", TEXT),
    "officeLocation": FilterField("string", TEXT),
    "createdDateTime": FilterField("datetime", DATE),
}, lambdas={
    "assignedLicenses": {"skuId": FilterField("guid", ops("eq"))},
    "assignedPlans": {"servicePlanId": FilterField("guid", ops("eq")),
                      "service": FilterField("string", ops("eq")),
                      "capabilityStatus": FilterField("string", ops("eq"))},
})

GROUP_FILTERS = FilterSchema("Group", fields={
    "id": FilterField("guid", EQ),
    "displayName": FilterField("string", TEXT),
    "mail": FilterField("string", TEXT),
    "mailNickname": FilterField("string", TEXT),
    "mailEnabled": FilterField("bool", BOOL),
    "securityEnabled": FilterField("bool", BOOL),
    "visibility": FilterField("string", EQ),
    "preferredDataLocation": FilterField("string", EQ),
    "createdDateTime": FilterField("datetime", DATE),
}, lambdas={
    "groupTypes": {"": FilterField("string", ops("eq"))},
    "resourceProvisioningOptions": {"": FilterField("string", ops("eq"))},
})

SITE_FILTERS = FilterSchema("Site", fields={
    "siteCollection/root": FilterField("object", ops("eq", "ne")),
}, directory=False)

NO_FILTERS = FilterSchema("DirectoryObject")
