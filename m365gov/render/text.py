"""Making untrusted text safe to show.

Display names, site titles and device names come from the tenant, which anyone with an account can
edit: they may carry control characters (terminal escape sequences), markup, Markdown syntax or a
spreadsheet formula. Each renderer passes such values through the helper for its format; HTML is the
exception, escaped by jinja2's autoescape.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
# Code points XML 1.0 forbids even as character references (tab, newline and CR are allowed).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters with a meaning inside a line of GitHub-flavoured Markdown, escaped with a backslash. Those
# that only matter at the start of a line (#, -, +, 1.) need nothing: untrusted text never starts one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What JSON may carry raw but a person must not meet raw: DEL, C1 controls, zero-width and bidi
# overrides (a "Trojan source" file name shown in an editor or `cat`). Only ever inside strings.
_JSON_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Remove control and bidi-override characters (kept: tab and newline)."""
    return _CONTROL.sub("", text)


def as_text(value: Any) -> str:
    """A value as text: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=False)


def one_line(value: Any, limit: int = 200) -> str:
    """A value as a single safe line, JSON-ish for structures, shortened to ``limit`` characters."""
    text = strip_controls(as_text(value)).replace("\n", " ").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md_text(value: Any, limit: int = 300) -> str:
    """Untrusted text for Markdown, table cells included: one line, syntax and HTML neutralised.

    Backslash-escapes the Markdown metacharacters that act inside a line (``|`` would end a table
    cell, backticks would open code, ``[`` a link, ``*``/``_``/``~`` emphasis), turns ``<``, ``>`` and
    ``&`` into entities (GitHub renders raw HTML), ``@`` into an entity so that a display name cannot
    mention a GitHub user, and breaks ``://`` and ``www.`` so that nothing becomes a link.
    """
    text = one_line(value, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_AUTOLINK.sub(lambda m: "\\" + m.group(1) if m.group(1) == "://" else m.group(1)[:3] + "\\.", text)


def csv_cell(value: Any) -> str:
    """A spreadsheet-safe cell: no controls, and no formula (OWASP "CSV injection").

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is prefixed with an apostrophe, which
    Excel and LibreOffice show as text and never evaluate.
    """
    if value is None:
        return ""
    text = strip_controls(as_text(value))  # first: a control character must not hide a leading "="
    return "'" + text if text.startswith(_FORMULA_START) else text


def json_visible(serialised: str) -> str:
    """Serialised JSON with invisible and bidi-override characters written as ``\\uXXXX`` escapes.

    The parsed values are unchanged (an escape is the same character to a JSON reader); only a person
    reading the file sees the escape instead of text that reorders or hides itself.
    """
    return _JSON_INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)


def xml_text(value: Any) -> str:
    """Text that XML 1.0 accepts (the serialiser escapes ``<``, ``&`` and quotes)."""
    if value is None:
        return ""
    return _XML_INVALID.sub("", strip_controls(as_text(value)))
