"""DESIGN.md's dependency rules, checked on the real import graph: evaluation is pure and offline."""

from __future__ import annotations

import subprocess
import sys


def test_the_policy_engine_imports_neither_collect_nor_emulator_nor_msgraph() -> None:
    code = (
        "import sys, m365gov.policy, m365gov.waivers, m365gov.results\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('m365gov.collect', 'm365gov.emulator', 'msgraph')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
