"""Reading and writing the project's JSON files safely.

Reads report syntax errors with line and column; writes are atomic (temporary file in the same
directory, fsync, rename) so that an interrupted run never leaves a half-written snapshot, results
file or backup behind.

Large files (a 100,000-user snapshot is ~800 MB) are streamed both ways, so that the text never
sits in memory beside the objects it describes (it would, as UCS-2 once one accented name is in
it: twice its size on disk). :func:`atomic_write_json_lines` writes the outer levels one member or
element per line — the same JSON, only with line breaks — and :func:`read_json` parses any file
line by line, each line's complete values at C speed, falling back to ``json.loads`` (and its
exact error messages) for anything it does not follow.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from m365gov.errors import InputError
from m365gov.heap import Sharer, gc_paused

STREAM_THRESHOLD = 4 * 1024 * 1024
"""Files larger than this are parsed line by line (:func:`_parse_lines`)."""


def read_json(path: str | Path, *, what: str = "JSON file", share: bool = False) -> Any:
    """Parse a JSON file, turning I/O and syntax errors into an :class:`InputError`.

    ``share`` (for read-only data such as a snapshot) keeps one copy of equal strings and small
    containers across the records of a large file (:class:`m365gov.heap.Sharer`).
    """
    p = Path(path)
    try:
        if p.stat().st_size > STREAM_THRESHOLD:
            with p.open(encoding="utf-8-sig") as fh, gc_paused():
                return _parse_lines(fh, Sharer() if share else None)
    except (_NotFollowed, RecursionError):
        pass  # json.loads below gives the verdict (and the precise error)
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"expected a {what}, found a directory", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what}: {exc}", file=str(path)) from None
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"expected a {what}, found a directory", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what}: {exc}", file=str(path)) from None
    try:
        with gc_paused():  # JSON holds no cycles; a large file would be traversed over and over
            return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(path), line=exc.lineno
        ) from None


@contextlib.contextmanager
def _replacing(path: str | Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, fsynced and renamed over it when the block ends, removed if it fails.

    The one place that knows how a file is replaced atomically: same directory (a rename never
    crosses file systems), permissions set before the data lands, the directory fsynced after.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1024 * 1024) as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(p.parent)


def atomic_write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically; ``mode`` sets permissions before the rename."""
    with _replacing(path, mode=mode) as fh:
        fh.write(data)


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows it)."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
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


def atomic_write_json_lines(path: str | Path, data: Any, *, depth: int = 6) -> None:
    """Write ``data`` as JSON atomically, streamed: never the whole text in memory.

    Objects and arrays that hold a large array (:data:`LARGE` elements or more), down to ``depth``
    levels, are written one member or element per line; every other value is one compact line
    (``json.dumps``, the separators of :func:`dumps` with ``indent=None``). A snapshot thus has one
    line per user, per call, per report row. The result parses to exactly ``data``.
    """
    with _replacing(path) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            _write_value(fh.write, data, depth)
            fh.write("\n")
        finally:
            fh.detach()  # flushes the text into the file and leaves closing it to _replacing


LARGE = 64
"""Arrays of at least this many elements are written one element per line."""
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _holds_large(value: Any, depth: int) -> bool:
    """Whether ``value`` is, or holds within ``depth`` levels, an array of :data:`LARGE` elements."""
    if type(value) is list:
        if len(value) >= LARGE:
            return True
        children: Any = value
    elif type(value) is dict:
        children = value.values()
    else:
        return False
    if depth <= 1:
        return False
    return any(type(c) in (list, dict) and _holds_large(c, depth - 1) for c in children)


def _write_value(write: Any, value: Any, depth: int) -> None:
    if depth <= 0 or not _holds_large(value, depth):
        write(_ENCODE(value))
    elif type(value) is dict:
        write("{")
        last = len(value) - 1
        for i, (key, item) in enumerate(value.items()):
            write("\n")
            write(_ENCODE(key if isinstance(key, str) else _key(key)))
            write(": ")
            _write_value(write, item, depth - 1)
            if i < last:
                write(",")
        write("}")
    else:
        write("[")
        last = len(value) - 1
        for i, item in enumerate(value):
            write("\n")
            _write_value(write, item, depth - 1)
            if i < last:
                write(",")
        write("]")


def _key(key: Any) -> str:
    """A non-string key as ``json.dumps`` writes it (``1`` → ``"1"``, ``True`` → ``"true"``)."""
    text = json.dumps({key: None})
    return str(json.loads(text).popitem()[0])


class _NotFollowed(Exception):
    """The line parser met something it does not handle (or invalid JSON): use ``json.loads``."""


_WHITESPACE = " \t\r\n"


def _parse_lines(lines: Any, sharer: Sharer | None = None) -> Any:
    """Parse JSON text given as lines (see :class:`_LineParser`); raise :class:`_NotFollowed` if invalid."""
    parser = _LineParser(sharer)
    batch: list[str] = []
    for line in lines:
        if parser.in_array():
            element = line.strip()
            if element.endswith(",") and len(batch) < _BATCH_LINES:
                batch.append(element)
                continue
            if batch:
                parser.feed_elements(batch)
                batch = []
                if element.endswith(","):
                    batch.append(element)
                    continue
        parser.feed(line)
    if batch:
        parser.feed_elements(batch)
    return parser.result()


_BATCH_LINES = 1000
"""Element lines of an array parsed in one C call: the decoder shares one copy of each key within a
call, so parsing elements one by one would keep a copy of every key in every record."""


class _LineParser:
    """A JSON parser fed line by line, with an explicit stack for the containers open across lines.

    Complete values (a whole user, a whole call record) are parsed by the C decoder in one call, so
    the per-line overhead is a few Python operations. The grammar is enforced exactly (commas,
    colons, one top-level value); anything unexpected raises :class:`_NotFollowed`.

    ``state`` says what comes next: 0 a value or key, or the closer right after the opener; 1 a comma
    or the closer; 2 (objects) a colon; 3 a value or key after a comma; 4 (objects) a value after a
    colon. A closed container is a value of its parent, whose state is then 1: one variable suffices.
    """

    def __init__(self, sharer: Sharer | None = None) -> None:
        self.stack: list[list[Any]] = []  # [open container, its pending key]
        self.root: list[Any] = []
        self.state = 0
        self.sharer = sharer

    def in_array(self) -> bool:
        """Whether the next token is an element of an open array (where element lines are batched)."""
        return bool(self.stack) and type(self.stack[-1][0]) is list and self.state in (0, 3)

    def feed_elements(self, elements: list[str]) -> None:
        """Lines each ending with a comma, inside an open array: usually whole elements, parsed at once."""
        text = "[" + "".join(elements)[:-1] + "]"
        try:
            values, end = _DECODER.raw_decode(text)
        except ValueError:
            end = -1
        if end != len(text):  # not whole elements (a container closes or opens here): token by token
            for element in elements:
                self.feed(element)
            return
        if self.sharer is not None:
            values = [self.sharer.share(v) for v in values]
        self.stack[-1][0].extend(values)
        self.state = 3

    def feed(self, line: str) -> None:
        decode = _DECODER.raw_decode
        stack, root = self.stack, self.root
        state = self.state
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if c in _WHITESPACE:
                i += 1
                continue
            top = stack[-1] if stack else None
            if top is None and root:
                raise _NotFollowed  # text after the top-level value
            is_dict = top is not None and type(top[0]) is dict
            if state == 1:
                if c == ",":
                    state = 3
                    i += 1
                    continue
                if top is not None and c == ("}" if is_dict else "]"):
                    i += 1
                    state = _attach(stack, root, stack.pop()[0])
                    continue
                raise _NotFollowed
            if state == 2:
                if c != ":":
                    raise _NotFollowed
                state = 4
                i += 1
                continue
            if top is not None and is_dict and state in (0, 3):
                if c == "}" and state == 0:
                    i += 1
                    state = _attach(stack, root, stack.pop()[0])
                    continue
                if c != '"':
                    raise _NotFollowed
                top[1], i = _decode_at(decode, line, i)
                state = 2
                continue
            # a value (state 0 in an array or at the top, 3 in an array, 4 after a colon)
            if c == "]" and state == 0 and top is not None and not is_dict:
                i += 1
                state = _attach(stack, root, stack.pop()[0])
                continue
            if c in "{[":
                try:
                    value, i = decode(line, i)
                except ValueError:
                    stack.append([{} if c == "{" else [], None])
                    state = 0
                    i += 1
                    continue
            else:
                value, i = _decode_at(decode, line, i)
            state = _attach(stack, root, value)
        self.state = state

    def result(self) -> Any:
        if self.stack or not self.root:
            raise _NotFollowed
        return self.root[0]


def _decode_at(decode: Any, line: str, i: int) -> tuple[Any, int]:
    try:
        value, end = decode(line, i)
    except ValueError:
        raise _NotFollowed from None
    return value, end


def _attach(stack: list[list[Any]], root: list[Any], value: Any) -> int:
    """Put ``value`` into the open container (or make it the document); the next state is 1."""
    if not stack:
        root.append(value)
        return 1
    top = stack[-1]
    if type(top[0]) is dict:
        top[0][top[1]] = value
    else:
        top[0].append(value)
    return 1


_DECODER = json.JSONDecoder()
