"""JUnit XML, for CI systems that show test reports (GitLab ``artifacts:reports:junit``, Jenkins…).

Mapping: one ``testsuite`` per area, one ``testcase`` per policy.

* a policy with failing resources → ``<failure>``, its text listing each failing resource with what
  was observed and what was expected, then the remediation;
* no failure but resources not evaluated → ``<skipped>`` with the reasons (missing evidence is
  neither a pass nor a failure); a policy with no finding at all is skipped too;
* only passes and waived failures → a passed test case. Waived resources are listed in the test
  case's ``<system-out>`` with the waiver, its approver, expiry and reason — ``system-out`` rather
  than a test-case ``<properties>`` element, because it is the one place every JUnit consumer
  (GitLab, Jenkins, junitparser) shows for a test case, so an accepted risk stays visible.

All text goes through :func:`xml_text` (controls and characters XML 1.0 forbids removed); the
serialiser escapes markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.common import (
    PolicyBlock,
    collected_at,
    label_of,
    not_evaluated_text,
    observed_text,
    policy_blocks,
)
from m365gov.render.i18n import labels
from m365gov.render.text import xml_text
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, WAIVED

MAX_LISTED = 1000
"""Resources listed in one failure or system-out; the rest are counted."""


class JunitRenderer(Renderer):
    name = "junit"
    extension = "xml"
    filename = "junit.xml"
    description = "JUnit XML: a test suite per area, a test case per policy (for CI test reports)"

    def render(self, results: Results, options: RenderOptions) -> str:
        t = labels(options.lang)
        snap = results.get("snapshot") or {}
        stamp = str(snap.get("collectedAt", ""))[:19]
        by_area: dict[str, list[PolicyBlock]] = {}
        for b in policy_blocks(results):
            by_area.setdefault(str(b.policy["area"]), []).append(b)
        root = ET.Element("testsuites", name="m365gov", time="0")
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        for area, blocks in by_area.items():
            suite = ET.SubElement(root, "testsuite", name=xml_text(area), timestamp=stamp, time="0", errors="0")
            props = ET.SubElement(suite, "properties")
            for key, value in (("tenantId", snap.get("tenantId")), ("collectedAt", snap.get("collectedAt"))):
                ET.SubElement(props, "property", name=key, value=xml_text(value))
            counts = {"tests": 0, "failures": 0, "skipped": 0}
            for b in sorted(blocks, key=lambda b: b.id):
                outcome = _case(suite, area, b, t)
                counts["tests"] += 1
                if outcome in counts:
                    counts[outcome] += 1
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
        for key, value in totals.items():
            root.set(key, str(value))
        root.set("errors", "0")
        comment = f" m365gov — {t['collected']} {collected_at(results)} (Europe/Paris) "
        body = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<!--{xml_text(comment).replace("--", "—")}-->\n{body}\n'


def _case(suite: ET.Element, area: str, b: PolicyBlock, t: Mapping[str, str]) -> str:
    p = b.policy
    case = ET.SubElement(
        suite, "testcase", classname=xml_text(f"m365gov.{area}"), name=xml_text(f"{b.id} {p.get('title', '')}"),
        time="0",
    )
    failing, missing, waived = b.with_status(FAIL), b.with_status(NOT_EVALUATED), b.with_status(WAIVED)
    out: list[str] = []
    outcome = "passed"
    if failing:
        total = sum(b.counts.values())
        message = f"{len(failing)}/{total} {t['resources']} {t['fail']} ({p.get('severity')})"
        if b.expected_text:
            message += f" — {t['expected']}: {b.expected_text}"
        lines = [f"- {_resource(f, t)}: {t['observed']} {observed_text(f) or '-'}" for f in failing[:MAX_LISTED]]
        if len(failing) > MAX_LISTED:
            lines.append(t["and_more"].format(n=len(failing) - MAX_LISTED))
        if b.expected_text:
            lines.append(f"{t['expected']}: {b.expected_text}")
        if p.get("remediation"):
            lines.append(f"{t['remediation']}: {p['remediation']}")
        node = ET.SubElement(case, "failure", message=xml_text(message[:1000]), type=xml_text(p.get("severity")))
        node.text = xml_text("\n".join(lines))
        outcome = "failures"
    elif missing or not b.findings:
        reasons = sorted({not_evaluated_text(f) for f in missing}) or [t["no_findings"]]
        message = f"{len(missing)} {t['not_evaluated']}: " + "; ".join(reasons[:10])
        ET.SubElement(case, "skipped", message=xml_text(message[:1000]))
        outcome = "skipped"
    if waived:
        out.append(f"{len(waived)} {t['waived']}:")
        for f in waived[:MAX_LISTED]:
            w = f.get("waiver") or {}
            note = t["waiver_by"].format(who=w.get("approvedBy"), until=w.get("expiresOn"), reason=w.get("reason"))
            out.append(f"- {_resource(f, t)} [{w.get('id')}, {w.get('category')}]: {note}")
    if missing and failing:
        out.append(f"{len(missing)} {t['not_evaluated']}:")
        out += [f"- {_resource(f, t)}: {not_evaluated_text(f)}" for f in missing[:MAX_LISTED]]
    out.append(" · ".join(f"{b.counts[s]} {t[s]}" for s in (PASS, FAIL, WAIVED, NOT_EVALUATED)))
    ET.SubElement(case, "system-out").text = xml_text("\n".join(out))
    return outcome


def _resource(f: Mapping[str, Any], t: Mapping[str, str]) -> str:
    res = f.get("resource") or {}
    name = label_of(f, t["population"])
    return name if name == res.get("id") or res.get("id") == "*" else f"{name} ({res.get('id')})"
