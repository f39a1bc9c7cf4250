"""Errors that reach the user.

Every problem caused by *input* (a policy file, the config, a CSV, a snapshot, a CLI argument) is an
:class:`InputError`: the CLI prints its one-line message and exits with code 2, never a traceback.
Carrying the location as data (file, JSON pointer or line) lets tests assert on it precisely.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input that the user must fix.

    Attributes:
        message: what is wrong and what was expected, in one sentence.
        file: the file at fault, if any (as the user gave it).
        pointer: a JSON pointer (``/where/allOf/0/equals``) into that file, if the file is JSON.
        line: a 1-based line number, for line-oriented files (CSV, TOML, JSON syntax errors).

    A plain class rather than a dataclass: every command imports this module, and ``m365gov --help``
    must not pay for importing :mod:`dataclasses` (sdk.md §2). Mutable, compared by identity, like
    any exception (Python assigns ``__traceback__`` on raise).
    """

    def __init__(self, message: str, file: str | None = None, pointer: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message, file, pointer, line)
        self.message = message
        self.file = file
        self.pointer = pointer
        self.line = line

    def __repr__(self) -> str:
        return (f"InputError(message={self.message!r}, file={self.file!r}, pointer={self.pointer!r}, "
                f"line={self.line!r})")

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}" if where else f"line {self.line}"
        if self.pointer is not None:
            where += f" at {self.pointer or '/'}"
        return f"{where}: {self.message}" if where else self.message


def json_pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """Render path parts as an RFC 6901 JSON pointer (``~`` and ``/`` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
