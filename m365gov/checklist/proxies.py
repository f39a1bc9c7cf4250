"""The proxies file (pouvoirs) and its check against the regime's limits.

A CSV kept by the council's secretariat, one written proxy a line, given with ``--proxies FILE``
or ``[council] proxies``::

    giver,holder,sessions,illness,received,note
    robert.riviere@ville.fr,chloe.hubert@ville.fr,1,,2026-12-01,
    jocelyne.perrin@ville.fr,chloe.hubert@ville.fr,4,oui,2026-11-20,certificat médical

==========  ======================  =========================================================
column      also accepted           value
==========  ======================  =========================================================
giver       mandant                 the member who gives the proxy (UPN, object id or name)
holder      mandataire              the member who receives it
sessions    seances, nbseances      consecutive sessions it covers, this one included (≥ 1)
illness     maladie                 a duly certified illness (oui/non…): lifts the session limit
received    recu, reception         when the written proxy was received (YYYY-MM-DD)
note        remarque, commentaire   free text
==========  ======================  =========================================================

Header names ignore case, accents and punctuation; separator ``,`` or ``;``; UTF-8. Lines starting
with ``#`` are comments. A file that is not a proxies file (no header, a missing or unknown column,
an empty name, a bad number, yes/no or date) is bad input: exit 2 naming the file and line.

A well-formed file is then checked against the regime (:func:`check_proxies`): each problem is an
issue with its line numbers, and a proxy with an error is not valid (not counted, its giver still
absent). The checklist's proxies item lists them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from m365gov.checklist.model import Msg, msg
from m365gov.checklist.regime import ProxyRule
from m365gov.errors import InputError

_ALIASES: Final = {
    "giver": ("giver", "mandant", "donneur"),
    "holder": ("holder", "mandataire", "porteur"),
    "sessions": ("sessions", "seances", "nbseances", "nombredeseances"),
    "illness": ("illness", "maladie"),
    "received": ("received", "recu", "reception", "datedereception"),
    "note": ("note", "notes", "remarque", "commentaire"),
}
COLUMNS: Final = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
REQUIRED: Final = ("giver", "holder", "sessions")
YES: Final = frozenset({"oui", "yes", "true", "1", "vrai", "o", "y"})
NO: Final = frozenset({"non", "no", "false", "0", "faux", "n", ""})
ERROR: Final = "error"
WARNING: Final = "warning"


@dataclass(frozen=True)
class Proxy:
    """One line of the proxies file (names as written)."""

    line: int
    giver: str
    holder: str
    sessions: int
    illness: bool = False
    received: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class ProxiesFile:
    """A parsed proxies file."""

    file: str | None
    proxies: tuple[Proxy, ...]


@dataclass(frozen=True)
class ProxyIssue:
    """A problem found by :func:`check_proxies`.

    Attributes:
        code: ``giver_not_member``, ``holder_not_member``, ``same_person``, ``duplicate_giver``,
            ``too_many_for_holder``, ``giver_also_holder``, ``giver_present``, ``holder_absent``,
            ``too_many_sessions`` (errors); ``holder_not_ready``, ``members_unknown`` (warnings).
        severity: ``error`` (the proxy is not valid) or ``warning``.
        lines: the lines concerned (the first is where the proxy is).
        message: the sentence, with the limit and where it comes from.
    """

    code: str
    severity: str
    lines: tuple[int, ...]
    message: Msg


@dataclass(frozen=True)
class ProxyCheck:
    """The file checked against a regime: issues, and the proxies that are valid."""

    file: str | None
    proxies: tuple[Proxy, ...]
    issues: tuple[ProxyIssue, ...]
    valid: tuple[Proxy, ...]

    @property
    def errors(self) -> tuple[ProxyIssue, ...]:
        return tuple(i for i in self.issues if i.severity == ERROR)


def load_proxies(path: str | Path) -> ProxiesFile:
    """Read a proxies file; anything malformed is an :class:`InputError` with its line (exit 2)."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("proxies file not found", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read the proxies file: {exc.strerror}", file=file) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the proxies file is not UTF-8 text", file=file) from None
    return parse_proxies(text, file=file)


def parse_proxies(text: str, *, file: str | None = None) -> ProxiesFile:
    """Parse the CSV text of a proxies file (see the module docstring)."""
    lines = [(n, raw) for n, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1)
             if raw.strip() and not raw.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"the proxies file is empty: expected a header line {','.join(REQUIRED)}", file=file, line=1)
    header_line, header_text = lines[0]
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = next(csv.reader([header_text], delimiter=delimiter))
    keys: list[str] = []
    for cell in header:
        key = COLUMNS.get(_fold(cell))
        if key is None:
            raise InputError(f"unknown column {cell.strip()!r}; columns: {', '.join(_ALIASES)} "
                             f"(French: mandant, mandataire, seances, maladie, recu, remarque)", file=file,
                             line=header_line)
        if key in keys:
            raise InputError(f"column {key} appears twice", file=file, line=header_line)
        keys.append(key)
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} (header: {header_text.strip()})", file=file,
                         line=header_line)
    proxies = []
    for line, raw in lines[1:]:
        cells = next(csv.reader([raw], delimiter=delimiter))
        if len(cells) > len(keys):
            raise InputError(f"{len(cells)} cells for {len(keys)} columns", file=file, line=line)
        row = dict(zip(keys, (c.strip() for c in cells), strict=False))
        proxies.append(_proxy(row, line, file))
    return ProxiesFile(file, tuple(proxies))


def _proxy(row: dict[str, str], line: int, file: str | None) -> Proxy:
    for key in ("giver", "holder"):
        if not row.get(key):
            raise InputError(f"empty {key}: name the member (user principal name)", file=file, line=line)
    raw_sessions = row.get("sessions", "")
    if not re.fullmatch(r"[0-9]{1,3}", raw_sessions) or int(raw_sessions) < 1:
        raise InputError(f"sessions must be a whole number of consecutive sessions, 1 or more; got {raw_sessions!r}",
                         file=file, line=line)
    illness = (row.get("illness") or "").casefold()
    if illness not in YES | NO:
        raise InputError(f"illness must be oui/non (yes/no, true/false, 1/0); got {row['illness']!r}", file=file,
                         line=line)
    received = None
    if row.get("received"):
        try:
            received = date.fromisoformat(row["received"])
        except ValueError:
            raise InputError(f"received must be a date YYYY-MM-DD; got {row['received']!r}", file=file,
                             line=line) from None
    return Proxy(line, row["giver"], row["holder"], int(raw_sessions), illness in YES, received,
                 row.get("note") or None)


def _fold(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


Resolve = Callable[[str], str | None]
"""A name in the file → the member's key (object id, casefolded), or ``None`` if not a member."""


def check_proxies(pf: ProxiesFile, rule: ProxyRule, resolve: Resolve | None, *,
                  absent: Collection[str] = (), present: Collection[str] = (),
                  not_ready: Collection[str] = ()) -> ProxyCheck:
    """Check each proxy against the regime (``resolve`` is ``None`` when the members are unknown).

    ``absent`` and ``present`` are member keys announced absent (declared, or invitation declined) and
    confirmed present; ``not_ready`` the keys of members who cannot take part remotely (remote regimes).
    """
    issues: list[ProxyIssue] = []
    bad: set[int] = set()

    def add(code: str, lines: tuple[int, ...], message: Msg, severity: str = ERROR) -> None:
        issues.append(ProxyIssue(code, severity, lines, message))
        if severity == ERROR:
            bad.update(lines[:1])

    def key(name: str) -> str:
        found = resolve(name) if resolve is not None else None
        return found if found is not None else f"?{name.strip().casefold()}"

    if resolve is None:
        lines = tuple(p.line for p in pf.proxies)
        if lines:
            add("members_unknown", lines, msg("proxy_members_unknown"), WARNING)
    givers: dict[str, list[Proxy]] = defaultdict(list)
    holders: dict[str, list[Proxy]] = defaultdict(list)
    for p in pf.proxies:
        g, h = key(p.giver), key(p.holder)
        givers[g].append(p)
        holders[h].append(p)
        if resolve is not None and g.startswith("?"):
            add("giver_not_member", (p.line,), msg("proxy_giver_not_member", line=p.line, name=p.giver))
        if resolve is not None and h.startswith("?"):
            add("holder_not_member", (p.line,), msg("proxy_holder_not_member", line=p.line, name=p.holder))
        if g == h:
            add("same_person", (p.line,), msg("proxy_same_person", line=p.line, name=p.giver))
        limit = rule.max_consecutive_sessions
        if p.sessions > limit and not (p.illness and rule.illness_extends):
            add("too_many_sessions", (p.line,), msg("proxy_too_many_sessions", line=p.line, name=p.giver,
                                                    sessions=p.sessions, limit=limit))
        if g in present:
            add("giver_present", (p.line,), msg("proxy_giver_present", line=p.line, name=p.giver))
        if h in absent:
            add("holder_absent", (p.line,), msg("proxy_holder_absent", line=p.line, name=p.holder))
        elif h in not_ready:
            add("holder_not_ready", (p.line,), msg("proxy_holder_not_ready", line=p.line, name=p.holder), WARNING)
    for same in givers.values():
        if len(same) > 1:
            lines = tuple(p.line for p in same)
            for p in same[1:]:
                add("duplicate_giver", (p.line, *lines), msg("proxy_duplicate_giver", line=p.line, name=p.giver,
                                                             lines=list(lines)))
    for h, held in holders.items():
        if len(held) > rule.max_per_holder:
            lines = tuple(p.line for p in held)
            for p in held[rule.max_per_holder:]:
                add("too_many_for_holder", (p.line, *lines), msg(
                    "proxy_too_many_for_holder", line=p.line, name=p.holder, count=len(held),
                    limit=rule.max_per_holder, lines=list(lines)))
        if h in givers:
            gave = givers[h][0]
            for p in held:
                if p.line == gave.line:
                    continue  # a proxy to oneself: same_person says it
                add("giver_also_holder", (p.line, gave.line), msg("proxy_giver_also_holder", line=p.line,
                                                                  name=p.holder, other=gave.line))
    issues.sort(key=lambda i: (i.lines[0], i.code))
    valid = tuple(p for p in pf.proxies if p.line not in bad)
    return ProxyCheck(pf.file, pf.proxies, tuple(issues), valid)
