"""The checklist's sentences in French and English, and how arguments are shown.

Evidence and remediation are :class:`~m365gov.checklist.model.Msg` until the document is written;
:func:`render_msg` turns one into text in the chosen language. Values are formatted here (lists
joined, booleans as oui/non or yes/no, ISO dates as DD/MM/YYYY) but never escaped: each output format
escapes the finished sentence for itself (Markdown, HTML), since the arguments include names and
subjects from the tenant.
"""

from __future__ import annotations

import re
from typing import Any, Final

from m365gov.checklist.catalogue_en import EN, TERMS_EN
from m365gov.checklist.catalogue_fr import FR, TERMS_FR
from m365gov.checklist.model import Msg

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TERMS: Final = {"fr": TERMS_FR, "en": TERMS_EN}
"""Closed vocabularies (verdicts, statuses, reference kinds, decisions) shown in each language."""
CATALOGUE: Final = {"fr": FR, "en": EN}
_WORDS: Final = {
    "fr": {True: "oui", False: "non", None: "—", "declared": "déclarée", "declined": "invitation refusée",
           "proxy": "pouvoir donné"},
    "en": {True: "yes", False: "no", None: "—", "declared": "declared", "declined": "invitation declined",
           "proxy": "gave a proxy"},
}


def render_msg(m: Msg, lang: str) -> str:
    """One sentence in ``lang`` (``fr`` unless ``en``); an unknown key shows as itself."""
    cat = CATALOGUE.get(lang, FR)
    entry = cat.get(m.key)
    if entry is None:
        return m.key
    shown = {k: show(v, lang) for k, v in m.args.items()}
    if callable(entry):
        return entry(shown, m.args)
    return entry.format_map(_Default(shown))


def show(value: Any, lang: str) -> str:
    """A value as people read it: booleans as words, lists joined, ISO dates as DD/MM/YYYY."""
    words = _WORDS.get(lang, _WORDS["fr"])
    if isinstance(value, Msg):
        return render_msg(value, lang)
    if value is None or isinstance(value, bool):
        return str(words[value])
    if isinstance(value, list | tuple):
        return ", ".join(show(v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{n} {words.get(k, k)}" for k, n in value.items()) or "—"
    text = str(value)
    m = _ISO_DATE.match(text)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else text


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
