"""The JSON Schemas that ship with m365gov, and one way to validate against them.

jsonschema is imported lazily (~160 ms): ``m365gov --help`` must not pay for it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from m365gov.errors import InputError, json_pointer


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``<name>.schema.json`` from this package."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def validate(name: str, doc: Any, *, file: str | None = None, base: tuple[str | int, ...] = ()) -> None:
    """Validate ``doc`` against schema ``name``; raise an :class:`InputError` naming the first problem.

    The reported error is the deepest one on the first failing path, which points at the value the
    user has to change rather than at the enclosing object.
    """
    from jsonschema.exceptions import best_match

    errors = list(_validator(name).iter_errors(doc))
    if not errors:
        return
    err = best_match(errors, key=_relevance)
    path = (*base, *err.absolute_path)
    raise InputError(_describe(err), file=file, pointer=json_pointer(path))


def _relevance(err: Any) -> Any:
    from jsonschema.exceptions import relevance

    return (len(err.absolute_path), *relevance(err))


def _describe(err: Any) -> str:
    """Turn a jsonschema error into "expected …" wording a DSI administrator can act on."""
    schema = err.schema if isinstance(err.schema, dict) else {}
    validator = err.validator
    if validator == "required":
        return str(err.message).replace("is a required property", "is required here")
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"{err.message}{hint}"
    if validator == "enum":
        return f"got {err.instance!r}, expected one of {', '.join(map(repr, err.validator_value))}"
    if validator == "type":
        expected = err.validator_value
        wanted = expected if isinstance(expected, str) else " or ".join(expected)
        return f"got {json.dumps(err.instance)[:60]}, expected {wanted}"
    if validator == "const":
        return f"got {err.instance!r}, expected {err.validator_value!r}"
    description = schema.get("description")
    return f"{err.message}" + (f" ({description})" if description else "")
