"""An atomic write replaces the file whole, or leaves the old one and nothing else behind."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from m365gov.jsonio import atomic_write_bytes, atomic_write_json_lines


class _Unserialisable:
    """Fails the JSON encoder part-way through a large document."""


def test_a_streamed_write_that_fails_midway_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "snapshot.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    rows = [{"n": i} for i in range(500)] + [{"bad": _Unserialisable()}]
    with pytest.raises(TypeError):
        atomic_write_json_lines(target, {"rows": rows})
    assert json.loads(target.read_text(encoding="utf-8")) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_a_streamed_write_replaces_the_file_with_the_same_json(tmp_path: Path) -> None:
    target = tmp_path / "snapshot.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    doc = {"rows": [{"n": i, "name": "Élodie"} for i in range(500)]}
    atomic_write_json_lines(target, doc)
    assert json.loads(target.read_text(encoding="utf-8")) == doc
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_a_byte_write_sets_its_permissions_before_the_file_appears(tmp_path: Path) -> None:
    target = tmp_path / "key.backup"
    atomic_write_bytes(target, b"blob", mode=0o600)
    assert target.read_bytes() == b"blob"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
