"""Every sentence exists in both languages; evaluation and rendering stay offline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from m365gov.checklist.catalogue_en import EN
from m365gov.checklist.catalogue_fr import FR
from m365gov.checklist.messages import render_msg
from m365gov.checklist.model import msg, term

SOURCES = Path(__file__).resolve().parents[3] / "m365gov" / "checklist"


def test_french_and_english_have_the_same_sentences() -> None:
    assert set(FR) == set(EN)


def test_every_sentence_the_checks_use_is_in_the_catalogue() -> None:
    used = set()
    for path in SOURCES.glob("*.py"):
        used.update(re.findall(r'\bmsg\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 100 and sorted(used - set(FR)) == []


def test_values_are_shown_as_people_read_them() -> None:
    assert render_msg(msg("convocation_sent", sent="2026-11-26", day="2026-12-03", clear=6, required=5), "fr") == (
        "envoyée le 26/11/2026 pour la séance du 03/12/2026 : 6 jour(s) franc(s), 5 requis")
    assert render_msg(msg("member_microphone", verdict=term("faulty")), "en") == "microphone faulty"
    assert render_msg(msg("attendee_options_ok", mic=True, camera=False), "fr").endswith("micro (oui) et caméra (non)")


def test_evaluation_and_outputs_import_neither_collect_nor_emulator_nor_msgraph() -> None:
    code = (
        "import sys\n"
        "import m365gov.checklist.evaluate, m365gov.checklist.document, m365gov.checklist.outputs\n"
        "import m365gov.checklist.render_md, m365gov.checklist.render_html, m365gov.checklist.proxies\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('m365gov.collect', 'm365gov.emulator', 'msgraph',"
        " 'kiota', 'azure')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
