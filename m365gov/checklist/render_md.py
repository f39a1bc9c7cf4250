"""The checklist in Markdown, with checkboxes: for a ticket, a wiki page or a merge request.

Reads the checklist document only (never the evaluation): it lays out, it does not judge. Every
value that comes from the tenant or from a file — display names, the meeting's subject, evidence
sentences that quote them, item titles — goes through :func:`~m365gov.render.text.md_text`, so
that a name cannot close a table cell, open a link or mention someone. Links are written only for
the regime files' legal references, whose URLs the regime schema restricts to a plain character set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from m365gov.checklist.labels import labels
from m365gov.render.text import md_text, strip_controls

BOX = {"ok": "[x]", "todo": "[ ]", "blocking": "[ ]", "unknown": "[ ]"}
MARK = {"ok": "", "todo": "", "blocking": "⛔ ", "unknown": "❓ "}
LONG = 4000
"""Evidence sentences are long (a list of names): keep them whole rather than cut at 300 characters."""
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9./_#?=%-]+$")


def render_markdown(doc: Mapping[str, Any]) -> str:
    """The whole Markdown document."""
    t = labels(str(doc.get("lang")))
    out: list[str] = [f"# {t['title']}", ""]
    out += _head(doc, t)
    out += _summary(doc, t)
    out += _items(doc, t)
    out += _quorum(doc, t)
    out += _proxies(doc, t)
    out += _members(doc, t)
    out += _rooms(doc, t)
    out += _regime(doc, t)
    out += _sources(doc, t)
    g = doc.get("generator") or {}
    out += ["---", "", md_text(t["generated"].format(generator=f"{g.get('name')} {g.get('version')}",
                                                     when=doc.get("generatedAtParis"), tenant=doc.get("tenantId")),
                               LONG), "", md_text(t["legend"], LONG), ""]
    return "\n".join(out)


def _v(value: Any, t: Mapping[str, str]) -> str:
    if value is None:
        return t["none"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, list):
        return md_text(", ".join(str(x) for x in value), LONG) if value else t["none"]
    return md_text(value, LONG)


def _head(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    m = doc.get("meeting") or {}
    r = doc.get("regime") or {}
    lines = []
    if m.get("subject"):
        lines.append(f"**{md_text(m['subject'])}** — {md_text(m.get('startParis') or '')} (Europe/Paris)  ")
    lines.append(f"{t['regime']}{t['sep']}{md_text(r.get('title'))} (`{_code(str(r.get('id')))}`)  ")
    lines.append(f"{t['reference']}{t['sep']}{md_text(m.get('reference') or '')}")
    lines.append("")
    if r.get("warning"):
        lines += [f"> **⚠ {md_text(r['warning'], LONG)}**", ">"]
        lines += [f"> - {_legal(b)}" for b in r.get("legalBasis") or ()]
        lines.append("")
    return lines


def _summary(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    s = doc.get("summary") or {}
    items = doc.get("items") or []
    unknown_blocking = sum(1 for i in items if i["state"] == "unknown" and i["severity"] == "blocking")
    if s.get("blocking"):
        verdict = t["verdict_blocking"].format(n=s["blocking"])
    elif unknown_blocking:
        verdict = t["verdict_unknown"].format(n=unknown_blocking)
    else:
        verdict = t["verdict_ok"]
    lines = [f"## {t['summary']}", "",
             f"**{s.get('blocking', 0)} {t['n_blocking']}** · {s.get('todo', 0)} {t['n_todo']} · "
             f"{s.get('unknown', 0)} {t['n_unknown']} · {s.get('ok', 0)} {t['n_ok']}", "", f"**{verdict}**", ""]
    for state in ("blocking", "unknown", "todo"):
        chosen = [i for i in items if i["state"] == state]
        for i in chosen:
            first = (i.get("evidence") or [""])[0]
            lines.append(f"- {BOX[state]} {MARK[state]}**{md_text(i['title'], LONG)}** ({t[state]})"
                         + (f" — {md_text(first, LONG)}" if first else ""))
    return [*lines, ""]


def _items(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    lines = [f"## {t['items']}", ""]
    for i in doc.get("items") or ():
        state = i["state"]
        lines.append(f"- {BOX[state]} {MARK[state]}**{md_text(i['title'], LONG)}** — *{t[state]}*, "
                     f"{t.get(i.get('how') or '', i.get('how') or '')} (`{_code(i['id'])}`)")
        if i.get("description"):
            lines.append(f"  - {md_text(i['description'], LONG)}")
        lines += [f"  - {t['evidence']}{t['sep']}{md_text(e, LONG)}" for e in i.get("evidence") or ()]
        commands = i.get("commands") or []
        lines += [f"  - {t['remediation']}{t['sep']}{md_text(r, LONG)}" for r in i.get("remediation") or ()
                  if r not in commands]
        if commands:
            lines += [f"  - {t['commands']} :", "", "    ```powershell",
                      *(f"    {_code(c)}" for c in commands), "    ```", ""]
        if i.get("reason"):
            lines.append(f"  - {t['reason']}{t['sep']}`{_code(i['reason'])}`")
        lines.append(f"  - {t['source']}{t['sep']}{md_text('; '.join(i.get('source') or ()), LONG)}")
    return [*lines, ""]


def _quorum(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    q = doc.get("quorum")
    if not q:
        return []
    rule = (doc.get("regime") or {}).get("quorumRule") or {}
    return [f"## {t['quorum']}", "", md_text(rule.get("description") or "", LONG), "",
            f"| {t['in_office']} | {t['threshold']} | {t['present']} | {t['represented']} | {t['counted']} | "
            f"{t['margin']} |", "|---:|---|---:|---:|---:|---:|",
            f"| {q['inOffice']} | {md_text(q['formula'])} | {q['present']} | {q['represented']} | {q['counted']} | "
            f"**{q['margin']:+d}** |", ""]


def _proxies(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    p = doc.get("proxies")
    if not p:
        return []
    lines = [f"## {t['proxies']}", "", f"`{_code(p.get('file') or '')}`", "",
             f"| {t['line']} | {t['giver']} | {t['holder']} | {t['sessions']} | {t['valid']} |",
             "|---:|---|---|---:|---|"]
    for e in p.get("entries") or ():
        lines.append(f"| {e['line']} | {md_text(e['giver'])} | {md_text(e['holder'])} | {e['sessions']} | "
                     f"{_v(e['valid'], t)} |")
    lines.append("")
    lines += [f"- {'⛔ ' if i['severity'] == 'error' else ''}{md_text(i['text'], LONG)}" for i in p.get("issues") or ()]
    return [*lines, ""]


def _members(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    members = doc.get("members") or []
    if not members:
        return []
    lines = [f"## {t['members']} ({len(members)})", "",
             f"| {t['name']} | {t['licence']} | {t['last_activity']} | {t['clients']} | {t['camera']} | "
             f"{t['microphone']} | {t['invited']} | {t['attendance']} | {t['ready']} | {t['contact']} |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for m in members:
        attendance = ", ".join(m.get("absent") or ()) or t["expected"]
        if m.get("proxyTo"):
            attendance += " — " + t["gave_to"].format(name=m["proxyTo"])
        if m.get("proxiesHeld"):
            attendance += " — " + t["holds_for"].format(names=", ".join(m["proxiesHeld"]))
        ready = _v(m.get("ready"), t) + (f" ({'; '.join(m['notReady'])})" if m.get("notReady") else "")
        lines.append(f"| {md_text(m['displayName'])} | {_v(m.get('teamsLicensed'), t)} | "
                     f"{_v(m.get('lastActivityDate'), t)} | {_v(m.get('clients'), t)} | {_v(m.get('camera'), t)} | "
                     f"{_v(m.get('microphone'), t)} | {_v(m.get('invited'), t)} | {md_text(attendance, LONG)} | "
                     f"{md_text(ready, LONG)} | {_v(m.get('phone'), t)} |")
    lines += ["", "<details><summary>" + f"{t['camera']} / {t['microphone']} — {t['evidence']}" + "</summary>", ""]
    for m in members:
        cam = "; ".join(m.get("cameraEvidence") or ()) or t["none"]
        mic = "; ".join(m.get("microphoneEvidence") or ()) or t["none"]
        lines.append(f"- **{md_text(m['displayName'])}** — {t['camera']}{t['sep']}{md_text(cam, LONG)} · "
                     f"{t['microphone']}{t['sep']}{md_text(mic, LONG)}")
    return [*lines, "", "</details>", ""]


def _rooms(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    rooms = doc.get("rooms") or []
    if not rooms:
        return []
    lines = [f"## {t['rooms']}", ""]
    for r in rooms:
        tag = f" ({t['chamber']})" if r.get("isChamber") else ""
        evidence = md_text("; ".join(r.get("evidence") or ()), LONG)
        lines.append(f"- {BOX['ok'] if r.get('ready') else BOX['todo']} **{md_text(r.get('displayName'))}**{tag} — "
                     f"{t['ready']}{t['sep']}{_v(r.get('ready'), t)} — {evidence}")
    return [*lines, ""]


def _regime(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    r = doc.get("regime") or {}
    lines = [f"## {t['regime']} — {md_text(r.get('title'))}", "", md_text(r.get("description"), LONG), ""]
    if r.get("participation"):
        lines += [f"**{t['participation']}**{t['sep']}{md_text(r['participation'], LONG)}", ""]
    lines += [f"**{t['votes']}**{t['sep']}{md_text((r.get('votes') or {}).get('description'), LONG)}", ""]
    lines += [f"**{t['proxies']}**{t['sep']}{md_text((r.get('proxyRule') or {}).get('description'), LONG)}", ""]
    params = r.get("parameters") or {}
    if params:
        shown = md_text(", ".join(f"{k} = {v}" for k, v in params.items()), LONG)
        lines += [f"**{t['parameters']}**{t['sep']}{shown}", ""]
    lines += [f"### {t['legal_basis']}", ""]
    lines += [f"- {_legal(b)}" for b in r.get("legalBasis") or ()]
    return [*lines, ""]


def _legal(b: Mapping[str, Any]) -> str:
    url = b.get("url")
    link = f" <{url}>" if isinstance(url, str) and _SAFE_URL.match(url) else ""
    return f"**{md_text(b.get('ref'))}** [{md_text(b.get('confidence'))}] — {md_text(b.get('summary'), LONG)}{link}"


def _sources(doc: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    lines = [f"## {t['sources']}", ""]
    for name, s in (doc.get("sources") or {}).items():
        detail = f" — {md_text(s.get('detail'), LONG)}" if s.get("detail") else ""
        lines.append(f"- `{_code(name)}`{t['sep']}{md_text(s.get('status'))}{detail}")
    return [*lines, ""]


def _code(text: str) -> str:
    """A command inside a fenced block: no backtick can close the fence, no control character."""
    return strip_controls(str(text)).replace("`", "'").replace("\n", " ")
