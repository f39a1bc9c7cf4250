"""Streamed JSON: the line layout written for large files, and the line parser that reads any layout."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m365gov import jsonio
from m365gov.errors import InputError
from m365gov.heap import Sharer
from m365gov.jsonio import _NotFollowed, _parse_lines, atomic_write_json_lines, read_json
from tests.unit.fuzz.strategies import json_values

DOC = {
    "schema": "m365gov/snapshot@1",
    "sources": {
        "users": {"status": "ok", "counts": {"items": 2}, "data": [{"id": "1", "n": "Régine"}] + [{"x": []}] * 99},
        "empty": {"status": "ok", "data": {}},
        "calls": {"data": {"window": {"start": "a"}, "calls": [{"p": [{"id": 1, "audio": {"r": 0.0}}]}, []]}},
    },
}


def _lines(text: str) -> Any:
    return _parse_lines(io.StringIO(text))


def _layouts(doc: Any) -> list[str]:
    out = [json.dumps(doc), json.dumps(doc, indent=2), json.dumps(doc, separators=(",", ":"), ensure_ascii=False)]
    large = jsonio.LARGE
    try:
        for jsonio.LARGE, depth in ((1, 1), (1, 3), (2, 9), (large, 6)):
            buf = io.StringIO()
            jsonio._write_value(buf.write, doc, depth)
            out.append(buf.getvalue())
    finally:
        jsonio.LARGE = large
    return out


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_every_layout_parses_to_what_json_loads_gives(doc: Any) -> None:
    for text in _layouts(doc):
        assert _lines(text) == json.loads(text)


@given(st.text(alphabet='{}[]:,"ab1 \n.-etrufnl\\', max_size=40))
@settings(max_examples=800, deadline=None)
def test_text_that_json_refuses_is_never_accepted(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises((_NotFollowed, RecursionError)):
            _lines(text)
    else:
        assert _lines(text) == expected


def test_the_written_file_is_the_same_json_one_element_per_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    atomic_write_json_lines(path, DOC)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == DOC
    lines = text.splitlines()
    assert '{"id": "1", "n": "Régine"},' in lines  # one user per line, UTF-8 kept readable
    assert lines.count('{"x": []},') == 98 and '"empty": {"status": "ok", "data": {}},' in lines
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_large_file_is_read_line_by_line_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    doc = {"data": [{"id": str(i), "v": rng.random(), "s": "é" * rng.randint(0, 5)} for i in range(3000)]}
    path = tmp_path / "big.json"
    atomic_write_json_lines(path, doc)
    monkeypatch.setattr(jsonio, "STREAM_THRESHOLD", 1000)
    seen: list[Any] = []
    real = jsonio._parse_lines
    monkeypatch.setattr(jsonio, "_parse_lines", lambda lines, sharer: seen.append(sharer) or real(lines, sharer))
    assert read_json(path) == doc and seen == [None]
    shared = read_json(path, share=True)
    assert shared == doc and isinstance(seen[1], Sharer)
    assert shared["data"][0]["s"] is shared["data"][1]["s"] or shared["data"][0]["s"] != shared["data"][1]["s"]


@pytest.mark.parametrize("text", ['{"a": 1,}', '{"a": 1} x', '[1 2]', '{"a" 1}', "", '{"a": [1, 2]'])
def test_a_large_invalid_file_reports_json_loads_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text + "\n" + " " * 50, encoding="utf-8")
    monkeypatch.setattr(jsonio, "STREAM_THRESHOLD", 10)
    with pytest.raises(InputError) as caught:
        read_json(path, what="snapshot")
    try:
        json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        assert caught.value.message == f"invalid JSON: {exc.msg} (column {exc.colno})"
        assert caught.value.line == exc.lineno
