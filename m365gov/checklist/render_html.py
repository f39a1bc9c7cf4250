"""The checklist as one printable HTML page (jinja2), self-contained like the audit report.

No network at all: CSS inline, no script, no font, no image, and a Content-Security-Policy
(``default-src 'none'``). jinja2 escapes every value (autoescape on); the only links are the regime
files' legal references, whose URLs the regime schema restricts. Printing keeps everything: the
member table repeats its header on each page and items never break across pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from m365gov.checklist.labels import labels
from m365gov.render.text import strip_controls

TEMPLATE = "checklist.html.j2"
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9./_#?=%-]+$")


def render_html(doc: Mapping[str, Any]) -> str:
    """The whole page."""
    lang = "en" if doc.get("lang") == "en" else "fr"
    t = labels(lang)
    items = doc.get("items") or []
    summary = doc.get("summary") or {}
    unknown_blocking = sum(1 for i in items if i["state"] == "unknown" and i["severity"] == "blocking")
    if summary.get("blocking"):
        verdict = t["verdict_blocking"].format(n=summary["blocking"])
    elif unknown_blocking:
        verdict = t["verdict_unknown"].format(n=unknown_blocking)
    else:
        verdict = t["verdict_ok"]
    regime = dict(doc.get("regime") or {})
    regime["legalBasis"] = [{**b, "url": b.get("url") if _SAFE_URL.match(str(b.get("url") or "")) else None}
                            for b in regime.get("legalBasis") or ()]
    g = doc.get("generator") or {}
    return str(_template().render(
        t=t, lang=lang, doc=doc, regime=regime, meeting=doc.get("meeting") or {}, items=items, summary=summary,
        verdict=verdict, attention=[i for s in ("blocking", "unknown", "todo") for i in items if i["state"] == s],
        generated=t["generated"].format(generator=f"{g.get('name')} {g.get('version')}",
                                        when=doc.get("generatedAtParis"), tenant=doc.get("tenantId")),
    ))


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["clean"] = lambda v: strip_controls("" if v is None else str(v))
    source = resources.files("m365gov").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return env.from_string(source)
