"""SARIF 2.1.0, for GitHub code scanning and any SARIF viewer.

One rule per policy, one result per failing finding (waived findings too, marked with an accepted
external ``suppression`` carrying the waiver's justification, approver and expiry), nothing for
passes. ``not_evaluated`` findings are not results (nothing was found) but tool execution
notifications, so a viewer still says that evidence was missing.

There is no source file: a result's location is a *logical* location naming the resource (kind
``resource``). GitHub nevertheless refuses a result without a physical location, and accepts only
repository-relative paths, so each result also carries the stable pseudo-path
``tenant/<view>/<resource id>``: one "file" per resource in the code-scanning UI.

``partialFingerprints["m365gov/v1"]`` is a SHA-256 of the policy id and the resource id only —
never of observed values or times — so code scanning keeps tracking the same alert across nightly
runs while its evidence changes, and closes it when the resource passes.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from m365gov.jsonio import dumps
from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.common import label_of, not_evaluated_text, observed_text
from m365gov.render.i18n import labels
from m365gov.render.text import json_visible, one_line, strip_controls
from m365gov.statuses import FAIL, NOT_EVALUATED, WAIVED

SARIF_SCHEMA: Final = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY: Final = "m365gov/v1"
LEVEL: Final = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY: Final = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
"""GitHub's numeric ``security-severity`` (it shows 9+ critical, 7+ high, 4+ medium, else low);
``info`` policies get none, so GitHub does not list them as security alerts."""


def fingerprint(policy_id: str, resource_id: str) -> str:
    """The stable identity of a (policy, resource) alert across runs."""
    return hashlib.sha256(f"{policy_id}\x00{resource_id}".encode()).hexdigest()


def pseudo_path(view: str, resource_id: str) -> str:
    """The repository-relative "file" GitHub needs for a result: ``tenant/<view>/<resource id>``."""
    return f"tenant/{quote(view, safe='')}/{quote(resource_id, safe='')}"


class SarifRenderer(Renderer):
    name = "sarif"
    extension = "sarif"
    filename = "results.sarif"
    description = "SARIF 2.1.0 for GitHub code scanning: one rule per policy, one result per failing finding"

    def render(self, results: Results, options: RenderOptions) -> str:
        t = labels(options.lang)
        policies = list(results.get("policies", []))
        index = {p["id"]: i for i, p in enumerate(policies)}
        findings = sorted(results.get("findings", []), key=lambda f: (f["policy"], f["resource"]["id"]))
        snap = results.get("snapshot") or {}
        generator = results.get("generator") or {}
        version = str(generator.get("version", "0"))
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": str(generator.get("name", "m365gov")),
                    "version": version,
                    "semanticVersion": version,
                    "rules": [_rule(p) for p in policies],
                }
            },
            "automationDetails": {"id": f"m365gov/{_safe(snap.get('tenantId', 'tenant'))}/"},
            "invocations": [_invocation(findings, index, snap, t)],
            "results": [
                _result(f, index, t) for f in findings if f["status"] in (FAIL, WAIVED) and f["policy"] in index
            ],
            "properties": {"tenantId": snap.get("tenantId"), "collectedAt": snap.get("collectedAt")},
        }
        return json_visible(dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}))


def _rule(p: Mapping[str, Any]) -> dict[str, Any]:
    severity = str(p.get("severity", "medium"))
    mappings = {k: list(v) for k, v in (p.get("mappings") or {}).items()}
    tags = ["m365", "m365gov", str(p["area"]), severity] + [f"{k}:{x}" for k, v in mappings.items() for x in v]
    properties: dict[str, Any] = {
        "area": p["area"],
        "severity": severity,
        "view": p.get("view"),
        "tags": tags,
        "mappings": mappings,
    }
    if severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    references = [str(r) for r in p.get("references") or []]
    help_text = str(p.get("remediation") or p.get("title", ""))
    help_md = _md_escape(help_text)
    if references:
        help_text += "\n\nReferences:\n" + "\n".join(f"- {r}" for r in references)
        help_md += "\n\n**References**\n\n" + "\n".join(f"- <{r}>" for r in references if _is_url(r))
    rule: dict[str, Any] = {
        "id": p["id"],
        "name": _identifier(str(p.get("title") or p["id"])),
        "shortDescription": {"text": one_line(p.get("title") or p["id"], 1000)},
        "fullDescription": {"text": strip_controls(str(p.get("description") or p.get("title") or p["id"]))},
        "help": {"text": strip_controls(help_text), "markdown": strip_controls(help_md)},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": properties,
    }
    first_url = next((r for r in references if _is_url(r)), None)
    if first_url:
        rule["helpUri"] = first_url
    return rule


def _result(f: Mapping[str, Any], index: Mapping[str, int], t: Mapping[str, str]) -> dict[str, Any]:
    res = f.get("resource") or {}
    rid, view = str(res.get("id")), str(res.get("view", "resource"))
    name = label_of(f, t["population"])
    expected = (f.get("expected") or {}).get("text")
    text = f"{name}: {observed_text(f) or '-'}"
    if expected:
        text += f" — {t['expected']}: {expected}"
    out: dict[str, Any] = {
        "ruleId": f["policy"],
        "ruleIndex": index[f["policy"]],
        "kind": "fail",
        "level": LEVEL.get(f["severity"], "warning"),
        "message": {"text": _message(text)},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": pseudo_path(view, rid)}},
                "logicalLocations": [
                    {
                        "name": one_line(name, 300),
                        "fullyQualifiedName": one_line(f"{view}/{rid}", 500),
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(str(f["policy"]), rid)},
        "properties": {
            "area": f["area"],
            "severity": f["severity"],
            "status": f["status"],
            "resourceId": rid,
            "resourceName": res.get("name"),
            "view": view,
            "observed": f.get("observed") or {},
            "expected": expected,
        },
    }
    w = f.get("waiver")
    if f["status"] == WAIVED and w:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": strip_controls(str(w.get("reason", ""))),
                "properties": {
                    "waiverId": w.get("id"),
                    "category": w.get("category"),
                    "approvedBy": w.get("approvedBy"),
                    "expiresOn": w.get("expiresOn"),
                },
            }
        ]
    return out


def _invocation(
    findings: list[Mapping[str, Any]], index: Mapping[str, int], snap: Mapping[str, Any], t: Mapping[str, str]
) -> dict[str, Any]:
    """Not-evaluated findings as one warning notification per policy (with reasons and a count)."""
    missing: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for f in findings:
        if f["status"] == NOT_EVALUATED:
            missing[f["policy"]].append(f)
    notes = []
    for policy_id, items in sorted(missing.items()):
        reasons = sorted({not_evaluated_text(f) for f in items})
        text = f"{policy_id}: {len(items)} {t['not_evaluated']} — " + "; ".join(reasons[:5])
        note: dict[str, Any] = {"level": "warning", "message": {"text": _message(text)}}
        if policy_id in index:
            note["associatedRule"] = {"id": policy_id, "index": index[policy_id]}
        notes.append(note)
    inv: dict[str, Any] = {"executionSuccessful": True, "toolExecutionNotifications": notes}
    if snap.get("collectedAt"):
        inv["endTimeUtc"] = snap["collectedAt"]
    return inv


def _message(text: str) -> str:
    """Plain-text SARIF message: one line, and brackets escaped (``[x](1)`` would be an embedded link)."""
    return one_line(text, 2000).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def _identifier(title: str) -> str:
    """A rule ``name``: the title as an ASCII PascalCase identifier (SARIF wants an identifier)."""
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", ascii_title)) or "Policy"


def _safe(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", str(value))


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))
