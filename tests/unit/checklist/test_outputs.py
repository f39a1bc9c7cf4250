"""Markdown, HTML and JSON outputs: structure, languages, escaping of untrusted values, no secrets."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from m365gov.checklist.document import checklist_document
from m365gov.checklist.lookup import MeetingLookup, access_policy_commands
from m365gov.checklist.meeting_ref import parse_meeting_ref
from m365gov.checklist.outputs import render_checklist
from m365gov.checklist.proxies import parse_proxies
from m365gov.schemas import validate
from tests.unit.checklist.support import (
    JOIN_URL,
    MAYOR_ID,
    chamber,
    declared,
    evaluation,
    found,
    meeting,
    regime,
    roster,
)

EVIL_NAME = "Élu <script>alert(1)</script> | [x](https://evil.example) @admin `rm`"
EVIL_SUBJECT = "Conseil **urgent** <img src=x onerror=alert(1)> | fin"


def _doc(lang: str = "fr", **kw: Any) -> dict[str, Any]:
    return checklist_document(evaluation(**kw), lang=lang, tenant_id="tenant-1",
                              sources={"users": {"status": "ok", "detail": None}})


def _evil() -> dict[str, Any]:
    people = roster(changes={5: {"display_name": EVIL_NAME, "microphone": "unknown"}})
    proxies = parse_proxies(f"giver,holder,sessions\nelu1@ville.fr,{EVIL_NAME},1\n", file="p.csv")
    return _doc(people=people, lookup=found(meeting(subject=EVIL_SUBJECT)), proxies=proxies,
                declarations=declared(secretary="elu5@ville.fr"))


def test_the_markdown_is_french_by_default_with_checkboxes() -> None:
    md = render_checklist(_doc(), "md")
    assert md.startswith("# Liste de contrôle de la séance du conseil")
    for heading in ("## Synthèse", "## Points de contrôle", "## Quorum projeté", "## Élus (33)", "## Salles",
                    "### Base légale", "## Sources"):
        assert f"\n{heading}" in md, heading
    assert re.search(r"^- \[x\] \*\*La réunion Teams de la séance est trouvée", md, re.M)
    assert re.search(r"^- \[ \] \*\*Convocation envoyée à temps.*\*à faire\*", md, re.M)
    assert "| 33 | ⌊33 × 1/2⌋ + 1 = 17 | 33 | 0 | 33 | **+16** |" in md


def test_english_with_lang_en() -> None:
    doc = _doc("en")
    md = render_checklist(doc, "md")
    assert md.startswith("# Council session checklist") and "## Checklist items" in md
    assert "The session's Teams meeting is found" in md and "Liste de contrôle" not in md
    html = render_checklist(doc, "html")
    assert '<html lang="en">' in html and "Council session checklist" in html


def test_a_blocking_item_is_marked_and_listed_first() -> None:
    md = render_checklist(_doc(rooms=chamber(ready=False)), "md")
    summary = md.split("## Points de contrôle")[0]
    assert "**1 bloquant(s)**" in summary and "- [ ] ⛔ **La salle du conseil est prête" in summary
    assert summary.index("⛔") < summary.index("(à faire)")


def test_untrusted_values_are_escaped_in_markdown() -> None:
    md = render_checklist(_evil(), "md")
    assert "<script>" not in md and "<img" not in md and "](https://evil" not in md
    assert "&lt;script&gt;" in md and "\\*\\*urgent\\*\\*" in md and "&#64;admin" in md
    header_cells = 0
    rows = 0
    for line in md.splitlines():
        cells = len(re.findall(r"(?<!\\)\|", line))
        if line.startswith("|---") or not line.startswith("| "):
            continue
        if "&lt;script&gt;" in line:
            rows += 1
            assert cells == header_cells, line  # the name's "|" did not add a cell
        else:
            header_cells = cells if "---" not in line else header_cells
    assert rows >= 2  # the proxies table and the member table (and the giver's row, "proxy to …")


def test_untrusted_values_are_escaped_in_html() -> None:
    html = render_checklist(_evil(), "html")
    assert "<script" not in html and "<img" not in html and 'href="https://evil' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_json_keeps_values_as_they_are_and_follows_its_schema() -> None:
    doc = _evil()
    text = render_checklist(doc, "json")
    parsed = json.loads(text)
    validate("checklist", parsed)
    assert parsed["meeting"]["subject"] == EVIL_SUBJECT
    assert any(m["displayName"] == EVIL_NAME for m in parsed["members"])
    assert parsed["schema"] == "m365gov/checklist@1" and parsed["exitCode"] in (0, 1, 3)


def test_no_format_carries_the_meeting_passcode() -> None:
    doc = _doc()
    for fmt in ("md", "html", "json"):
        assert "s3cret" not in render_checklist(doc, fmt), fmt


def test_the_html_page_is_self_contained_and_printable() -> None:
    html = render_checklist(_doc(), "html")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html and "@media print" in html
    assert not re.search(r"<(script|link|iframe|img)\b", html)
    assert not re.search(r"\ssrc=", html)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(h.startswith("https://www.legifrance.gouv.fr/") for h in hrefs)


def test_an_expired_regime_prints_its_legal_basis_and_that_it_needs_an_emergency_text() -> None:
    doc = _doc(reg=regime("emergency-remote"))
    assert doc["regime"]["warning"].startswith("RÉGIME EXPIRÉ (31/07/2022)")
    md = render_checklist(doc, "md")
    head = md.split("## Synthèse")[0]
    assert "RÉGIME EXPIRÉ (31/07/2022)" in head and "texte d'urgence" in head
    assert "Ord. n° 2020-391" in head and "<https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000041776899>" in head
    html = render_checklist(doc, "html")
    assert 'id="warning"' in html and "JORFTEXT000041776899" in html


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_access_policy_commands_are_printed_as_code(fmt: str) -> None:
    lk = MeetingLookup("not_configured", parse_meeting_ref(JOIN_URL), MAYOR_ID, detail="403",
                       commands=access_policy_commands("app-1", MAYOR_ID))
    doc = _doc(lookup=lk)
    meeting_item = next(i for i in doc["items"] if i["id"] == "meeting")
    assert meeting_item["reason"] == "not_configured" and len(meeting_item["commands"]) == 2
    out = render_checklist(doc, fmt)
    grant = f'Grant-CsApplicationAccessPolicy -PolicyName m365gov-policy -Identity "{MAYOR_ID}"'
    if fmt == "md":
        assert "```powershell" in out and f"    {grant}" in out
    else:
        assert "<pre>" in out and grant.replace('"', "&#34;") in out


def test_members_show_readiness_evidence_and_contact() -> None:
    doc = _doc(reg=regime("emergency-remote"), people=roster(changes={7: {"microphone": "faulty"}}))
    m = next(x for x in doc["members"] if x["userPrincipalName"] == "elu7@ville.fr")
    assert m["ready"] is False and m["notReady"] == ["micro défaillant"] and m["phone"] == "+33 6 00 00 00 07"
    assert m["cameraEvidence"] == ["call on 2026-11-20"] and m["invited"] is True
