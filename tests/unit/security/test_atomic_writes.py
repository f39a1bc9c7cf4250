"""Every file m365gov writes is written whole or not at all.

Snapshots, results, reports, trend points, key plans, backups and their manifest, the checkpoint of
a collection: all go through :mod:`m365gov.jsonio`'s atomic writes (temporary file in the same
directory, fsync, rename, fsync of the directory). The key journal is the one file appended to, with
``O_APPEND`` and an fsync per line. Checked statically on the product's source (the emulator, a test
stand-in, is not the product): no other module opens a file for writing.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3] / "m365gov"
PRODUCT = sorted(p for p in ROOT.rglob("*.py") if "emulator" not in p.relative_to(ROOT).parts)
WRITERS = {
    "jsonio.py": "the atomic writes themselves",
    "keys/journal.py": "the append-only journal (O_APPEND, fsync per line)",
    "keys/backup.py": "the manifest's advisory lock file (empty, never read back)",
}
WRITE_CALLS = {"write_text", "write_bytes", "mkstemp", "NamedTemporaryFile", "fdopen"}


def _writes(path: Path) -> list[tuple[int, str]]:
    """(line, what) of every call that can create or change a file's content."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in WRITE_CALLS:
            out.append((node.lineno, name))
        elif name == "open":
            mode = next((a for a in node.args[1:2]), None) or next(
                (k.value for k in node.keywords if k.arg in ("mode", "flags")), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
                writing = any(c in mode.value for c in "wax+")
            else:
                writing = mode is not None and any(f in ast.unparse(mode) for f in ("O_WRONLY", "O_RDWR", "O_CREAT"))
            if writing:
                assert mode is not None
                out.append((node.lineno, f"open({ast.unparse(mode)})"))
    return sorted(out)


def test_only_the_atomic_writer_and_the_journal_write_files() -> None:
    offenders = {
        f"{p.relative_to(ROOT)}:{line} {what}"
        for p in PRODUCT
        for line, what in _writes(p)
        if str(p.relative_to(ROOT)) not in WRITERS
    }
    assert not offenders, f"write through m365gov.jsonio (atomic) instead: {sorted(offenders)}"


def test_the_scan_sees_a_plain_write(tmp_path: Path) -> None:
    """The check above is only as good as its scanner: it must catch the usual ways of writing."""
    sample = tmp_path / "writer.py"
    sample.write_text(
        "open(p, 'w').write(x)\nPath(p).write_text(x)\nos.open(p, os.O_WRONLY | os.O_CREAT)\nopen(p).read()\n",
        encoding="utf-8",
    )
    assert [what for _, what in _writes(sample)] == ["open('w')", "write_text", "open(os.O_WRONLY | os.O_CREAT)"]
