"""Making untrusted text safe to show.

Display names, site titles and device names come from the tenant, which anyone with an account can
edit: they may carry control characters (terminal escape sequences) or markup. Each renderer passes
such values through the helper for its format.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Remove control and bidi-override characters (kept: tab and newline)."""
    return _CONTROL.sub("", text)


def one_line(value: Any, limit: int = 200) -> str:
    """A value as a single safe line, JSON-ish for structures, shortened to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = strip_controls(text).replace("\n", " ").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
