"""The key plan file, random or mutated: a plan or one InputError with the file and a pointer or line —
and, at the command line, exit code 2 with that one line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from m365gov.cli import main
from m365gov.errors import InputError
from m365gov.keys.desired import KeyPlan, load_key_plan, parse_key_plan, strip_line_comments
from tests.unit.fuzz.strategies import json_values, mutated
from tests.unit.keys.support import plan_doc

EXAMPLE = Path(__file__).resolve().parents[3] / "policies" / "keys" / "key-plan.example.jsonc"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
VALID = [json.loads(strip_line_comments(EXAMPLE_TEXT)), plan_doc(), plan_doc("sharepoint")]
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
SLOWER = settings(FUZZ, max_examples=150)  # each example validates a whole plan, or writes and reads a file


def _refused_precisely(exc: InputError, file: str) -> None:
    assert exc.file == file and exc.message, exc
    assert exc.pointer is not None or exc.line is not None or "cannot read" in exc.message, exc


def _parse(doc: Any) -> None:
    try:
        plan = parse_key_plan(doc, file="plan.json")
    except InputError as exc:
        _refused_precisely(exc, "plan.json")
    else:
        assert isinstance(plan, KeyPlan) and plan.deps


@st.composite
def mutated_text(draw: st.DrawFn) -> bytes:
    """The commented example with lines dropped, doubled, cut, or salted with JSON's punctuation."""
    lines = EXAMPLE_TEXT.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "cut", "salt", "comment"]))
        if action == "drop":
            del lines[i]
        elif action == "double":
            lines.insert(i, lines[i])
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(min_value=0, max_value=len(lines[i])))]
        elif action == "salt":
            at = draw(st.integers(min_value=0, max_value=len(lines[i])))
            salt = draw(st.sampled_from([",", "}", "{", '"', "]", "//", "/*", "\x00"]))
            lines[i] = lines[i][:at] + salt + lines[i][at:]
        else:
            lines[i] = "// " + lines[i]
    data = "\n".join(lines).encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xef\xbb\xbf"])) + data[at:]
    return data


@FUZZ
@given(json_values)
def test_arbitrary_json_is_refused_with_a_pointer(doc: Any) -> None:
    _parse(doc)


@SLOWER
@given(st.sampled_from(VALID).flatmap(lambda d: mutated(d)))
def test_mutated_plans_load_or_are_refused_with_a_pointer(doc: Any) -> None:
    _parse(doc)


@SLOWER
@given(mutated_text() | st.binary(max_size=300))
def test_a_mutated_or_random_file_loads_or_is_refused_with_its_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "key-plan.jsonc"
    path.write_bytes(data)
    try:
        load_key_plan(path)
    except InputError as exc:
        _refused_precisely(exc, str(path))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.sampled_from(VALID).flatmap(lambda d: mutated(d)) | json_values)
def test_at_the_command_line_a_bad_plan_is_one_line_and_exit_2(tmp_path: Path, doc: Any) -> None:
    try:
        parse_key_plan(doc, file="x")
    except InputError:
        pass
    else:
        assume(False)  # a plan that loads would be compared with its vaults: not this test's business
    plan = tmp_path / "key-plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    config = tmp_path / "m365gov.toml"
    config.write_text(
        'tenant_id = "t"\n[graph]\nendpoint = "http://127.0.0.1:9/v1.0"\n[auth]\nmode = "emulator"\n'
        '[keys]\nplan = "key-plan.json"\n[keys.management]\nendpoint = "https://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["keys", "plan", "-c", str(config)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {plan}") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("doc", VALID, ids=["example", "multiWorkload", "sharepoint"])
def test_the_plans_used_as_seeds_are_valid(doc: Any) -> None:
    assert parse_key_plan(doc, file="plan.json").deps
