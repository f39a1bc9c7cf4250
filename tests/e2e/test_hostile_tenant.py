"""Hostile values from the service, end to end: a tenant whose names carry terminal escapes, markup,
Markdown syntax and spreadsheet formulas is collected by ``m365gov collect`` and audited into every
report format; no output lets them act.

Anyone with an account can name a Microsoft 365 group, and an administrator can name a room or
mistype a sign-in name: those strings reach the reports as resource names. The emulator's town gets
such names on resources that fail policies, so that they are printed: the users with a Belgian usage
location (RES-003), the groups outside France (RES-005), the council chamber's Teams Room (DEV-003).

The council meeting gets a hostile subject and the proxies file hostile names, and the checklist is
written in Markdown, HTML and JSON into the same output directory, so every assertion that walks the
directory covers it too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from m365gov.emulator import Emulator, Tenant, generate_tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from tests.e2e.conftest import run_cli

ANSI = "\x1b[2J\x1b[31mROUGE\x1b[0m"
OSC_LINK = "\x1b]8;;http://evil.example\x07clic\x1b]8;;\x07"
SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
MARKDOWN = "a | b `code` **gras** [lien](http://evil.example) ![i](http://evil.example/i.png)"
BIDI = "facture\u202egpj.exe"
FORMULA_UPNS = ('=HYPERLINK("http://evil.example","clic")@ville.fr', "+1+1@ville.fr", "@SUM(A1:A9)@ville.fr")
GROUP_NAMES = (f"-2+3+cmd|' /C calc'!A0 {SCRIPT} {ANSI}", f"Élus {MARKDOWN} {BIDI}")
ROOM_NAME = f"{OSC_LINK} {IMG} | `x`"
MEETING_SUBJECT = f"Séance {SCRIPT} {ANSI} {MARKDOWN} {BIDI}"
PROXY_ROWS = (("giver", "holder", "sessions"), (FORMULA_UPNS[0], f"{SCRIPT}@ville.fr", "1"), (IMG, MARKDOWN, "1"))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hostile_town() -> tuple[Tenant, str]:
    """The town, with hostile names on failing resources; and the chamber room's id."""
    town = generate_tenant(users=80)
    belgians = [d["id"] for d in town.defects if d["kind"] == "user_usage_location"]
    assert len(belgians) >= len(FORMULA_UPNS)
    for user_id, upn in zip(belgians, FORMULA_UPNS, strict=False):
        user = town.user(user_id)
        assert user is not None
        user["userPrincipalName"] = upn
        user["displayName"] = f"{SCRIPT} {ANSI}"
    outside = [d["id"] for d in town.defects if d["kind"] == "group_pdl"]
    assert len(outside) >= len(GROUP_NAMES)
    for group in town.groups:
        if group["id"] in outside[: len(GROUP_NAMES)]:
            group["displayName"] = GROUP_NAMES[outside.index(group["id"])]
    chamber = next(d for d in town.devices if (d.get("currentUser") or {}).get("displayName") == CHAMBER_NAME)
    chamber["currentUser"] = {**chamber["currentUser"], "displayName": ROOM_NAME}
    meeting = next(m for m in town.online_meetings if m["joinWebUrl"] == town.council_meeting.join_web_url)
    meeting["subject"] = MEETING_SUBJECT
    town._user_index.clear()
    return town, chamber["id"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Collect the hostile town with the CLI, then audit it into every format (and to the terminal)."""
    town, chamber = _hostile_town()
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "inventaire.csv").write_text(town.inventory_csv(), encoding="utf-8")
    with Emulator(town) as emu:
        config = tmp / "m365gov.toml"
        config.write_text(
            f'tenant_id = "{town.tenant_id}"\n[graph]\nendpoint = "{emu.graph_url}"\n[auth]\nmode = "emulator"\n'
            f'[inventory]\ncsv = "inventaire.csv"\n[council]\ngroup_id = "{town.council_group_id}"\n'
            f'chamber_device = "{chamber}"\n',
            encoding="utf-8",
        )
        collected = run_cli("collect", "-c", config, "-o", tmp / "snapshot.json", "--as-of", "2026-11-28T08:00:00")
        assert collected.returncode == 0, collected.stderr
    out = tmp / "reports"
    audit = run_cli("audit", "--snapshot", tmp / "snapshot.json", "--format", "html,md,csv,sarif,junit,json,terminal",
                    "-o", out)
    assert audit.returncode == 1, audit.stderr  # the town fails policies: the hostile names are printed
    terminal = run_cli("audit", "--snapshot", tmp / "snapshot.json", "--format", "terminal")
    assert terminal.returncode == 1, terminal.stderr
    with (tmp / "procurations.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(PROXY_ROWS)
    with Emulator(town) as emu:
        config.write_text(_with_endpoint(config.read_text(encoding="utf-8"), emu.graph_url), encoding="utf-8")
        checklist = run_cli("checklist", "council", "--meeting", town.council_meeting.join_web_url, "-c", config,
                            "--proxies", tmp / "procurations.csv", "--format", "md,html,json", "-o", out)
    assert checklist.returncode == 1, checklist.stderr  # blocking items: the hostile proxies are refused
    yield out, terminal.stdout


def _with_endpoint(config: str, graph_url: str) -> str:
    return re.sub(r'endpoint = "[^"]*"', f'endpoint = "{graph_url}"', config)


def _names(results: dict[str, object]) -> set[str]:
    return {f["resource"]["name"] for f in results["findings"] if f["resource"]["name"]}  # type: ignore[index,union-attr]


def test_the_hostile_names_reached_the_findings(reports: tuple[Path, str]) -> None:
    """Otherwise the rest proves nothing."""
    out, _ = reports
    names = _names(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert set(FORMULA_UPNS) <= names and set(GROUP_NAMES) <= names and ROOM_NAME in names


def test_no_output_file_holds_a_raw_control_character(reports: tuple[Path, str]) -> None:
    out, terminal = reports
    for path in sorted(out.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not CONTROL.search(text.replace("\r\n", "\n")), (path.name, CONTROL.findall(text)[:5])
    assert not CONTROL.search(terminal), CONTROL.findall(terminal)[:5]


def test_the_terminal_shows_the_names_without_their_escape_sequences(reports: tuple[Path, str]) -> None:
    _, terminal = reports
    assert "\x1b" not in terminal and "\x07" not in terminal
    assert "cmd|' /C calc'!A0 <script>alert('x')</script> [2J" in terminal  # shown, inert


def test_markdown_cells_stay_cells_and_nothing_becomes_markup_or_a_link(reports: tuple[Path, str]) -> None:
    out, _ = reports
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md and "http://evil" not in md  # '://' is broken: no autolink
    assert not re.search(r"(?<!\\)\]\(", md)  # '[' and ']' are escaped: no link, no image
    table_rows = [line for line in md.splitlines() if line.startswith("|")]
    assert table_rows
    for line in table_rows:
        cells = re.split(r"(?<!\\)\|", line)
        assert not any(re.search(r"(?<!\\)`", c) for c in cells), line
    for header, *rows in _tables(md):
        width = len(re.split(r"(?<!\\)\|", header))
        assert all(len(re.split(r"(?<!\\)\|", r)) == width for r in rows), header


def _tables(md: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in md.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def test_no_csv_cell_can_start_a_formula(reports: tuple[Path, str]) -> None:
    out, _ = reports
    rows = list(csv.reader(io.StringIO((out / "findings.csv").read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    for name in (*FORMULA_UPNS, GROUP_NAMES[0]):
        assert "'" + CONTROL.sub("", name) in cells  # shown as text, never evaluated


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def test_the_checklist_shows_the_hostile_subject_and_proxies_inertly(reports: tuple[Path, str]) -> None:
    out, _ = reports
    doc = json.loads((out / "council-checklist.json").read_text(encoding="utf-8"))
    assert "Séance" in json.dumps(doc, ensure_ascii=False)  # the subject reached the checklist
    md = (out / "council-checklist.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md and "http://evil" not in md
    assert not re.search(r"(?<!\\)\]\(", md)
    html = (out / "council-checklist.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    assert not [t for t, _ in parser.tags if t in ("img", "script")]
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;" in html


def test_html_escapes_every_hostile_name(reports: tuple[Path, str]) -> None:
    out, _ = reports
    html = (out / "report.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    assert not [t for t, _ in parser.tags if t == "img"]
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]
    assert not any("alert(" in s for s in parser.script_text)
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x" in html


def test_sarif_messages_are_plain_text_without_links(reports: tuple[Path, str]) -> None:
    out, _ = reports
    sarif = json.loads((out / "results.sarif").read_text(encoding="utf-8"))
    texts = [r["message"]["text"] for run in sarif["runs"] for r in run["results"]]
    assert texts and any("ville.fr" in t for t in texts)
    for text in texts:
        assert not CONTROL.search(text) and not re.search(r"(?<!\\)\]\(", text), text  # plain text, no link


def test_junit_is_well_formed_xml(reports: tuple[Path, str]) -> None:
    out, _ = reports
    root = ET.parse(out / "junit.xml").getroot()
    assert root.iter("testcase")
