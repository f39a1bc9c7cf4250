"""Reading and writing the project's JSON files safely.

Reads report syntax errors with line and column; writes are atomic (temporary file in the same
directory, fsync, rename) so that an interrupted run never leaves a half-written snapshot, results
file or backup behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from m365gov.errors import InputError


def read_json(path: str | Path, *, what: str = "JSON file") -> Any:
    """Parse a JSON file, turning I/O and syntax errors into an :class:`InputError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"expected a {what}, found a directory", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what}: {exc}", file=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(path), line=exc.lineno
        ) from None


def atomic_write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically; ``mode`` sets permissions before the rename."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dfd = os.open(p.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def atomic_write_text(path: str | Path, text: str, *, mode: int | None = None) -> None:
    """Write UTF-8 text atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """Serialise with the project's conventions: UTF-8 kept readable, keys in insertion order."""
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def atomic_write_json(path: str | Path, data: Any, *, indent: int | None = 2) -> None:
    """Serialise and write JSON atomically."""
    atomic_write_text(path, dumps(data, indent=indent))
