"""Reading results files back (drift, re-rendering), checked against the shipped schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from m365gov.errors import InputError
from m365gov.jsonio import read_json
from m365gov.results.model import (
    SCHEMA_ID,
    Finding,
    PolicyInfo,
    ResourceRef,
    Results,
    SnapshotInfo,
    SourceInfo,
    WaiverNote,
    WaiverRef,
    WaiverReport,
)
from m365gov.schemas import validate
from m365gov.statuses import FINDING_STATUSES, NOT_EVALUATED, NOT_EVALUATED_REASONS, SEVERITIES, WAIVED
from m365gov.timeutil import parse_datetime

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_results(path: str | Path) -> Results:
    """Read a results file; any problem is an :class:`InputError` (exit 2)."""
    return parse_results(read_json(path, what="results file"), file=str(path))


def parse_results(doc: Any, *, file: str | None = None) -> Results:
    """Build :class:`Results` from JSON, checking the schema version first for a clear message."""
    if isinstance(doc, dict) and "schema" in doc and doc["schema"] != SCHEMA_ID:
        raise InputError(
            f"this is not an {SCHEMA_ID} results file (schema is {doc['schema']!r}); "
            "evaluate the snapshot again with this version of m365gov",
            file=file,
            pointer="/schema",
        )
    _validate(doc, file)
    snap = doc["snapshot"]
    collected, as_of = parse_datetime(snap["collectedAt"]), parse_datetime(snap["asOf"])
    if collected is None or as_of is None:
        bad = "/snapshot/collectedAt" if collected is None else "/snapshot/asOf"
        raise InputError("expected an ISO 8601 date-time", file=file, pointer=bad)
    return Results(
        generator=doc["generator"],
        snapshot=SnapshotInfo(collected, as_of, snap["tenantId"], snap["graphBaseUrl"]),
        sources={
            name: SourceInfo(s["status"], s.get("detail"), s.get("permission"), s.get("counts", {}))
            for name, s in doc["sources"].items()
        },
        policies=tuple(_policy(p) for p in doc["policies"]),
        findings=tuple(_finding(f) for f in doc["findings"]),
        waivers=WaiverReport(**{k: tuple(_note(n) for n in doc["waivers"][k]) for k in ("expired", "stale", "unused")}),
        metrics=doc.get("metrics", {}),
    )


def _validate(doc: Any, file: str | None) -> None:
    """Schema-check a results document without paying the schema's price on every finding.

    jsonschema costs ~160 µs a finding (16 s for 100,000 users), so the envelope is validated with
    the schema, each finding with a quick structural check, and only a finding that fails the quick
    check goes through the schema, which then names the problem with its exact pointer.
    """
    findings = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(findings, list):
        validate("results", doc, file=file)
        return
    validate("results", {**doc, "findings": []}, file=file)
    for i, f in enumerate(findings):
        if not _plausible(f):
            try:
                validate("results", {**doc, "findings": [f]}, file=file)
            except InputError as exc:
                pointer = (exc.pointer or "").replace("/findings/0", f"/findings/{i}", 1)
                raise InputError(exc.message, file=file, pointer=pointer) from None
            raise InputError("malformed finding", file=file, pointer=f"/findings/{i}")


_FINDING_KEYS = frozenset(
    (
        "policy",
        "area",
        "severity",
        "resource",
        "status",
        "reason",
        "detail",
        "permission",
        "observed",
        "expected",
        "waiver",
    )
)


def _plausible(f: Any) -> bool:
    """A quick check of what ``#/$defs/finding`` requires; anything doubtful goes to the schema."""
    if not isinstance(f, dict) or not _FINDING_KEYS.issuperset(f):
        return False
    r, status, reason = f.get("resource"), f.get("status"), f.get("reason")
    return (
        isinstance(f.get("policy"), str)
        and isinstance(f.get("area"), str)
        and f.get("severity") in SEVERITIES
        and isinstance(r, dict)
        and r.keys() == {"id", "name", "view"}
        and isinstance(r["id"], str)
        and (r["name"] is None or isinstance(r["name"], str))
        and isinstance(r["view"], str)
        and status in FINDING_STATUSES
        and ((reason in NOT_EVALUATED_REASONS) if status == NOT_EVALUATED else reason is None)
        and isinstance(f.get("detail", ""), str)
        and isinstance(f.get("permission", ""), str)
        and isinstance(f.get("observed"), dict)
        and isinstance(f.get("expected"), dict)
        and (status == WAIVED) == ("waiver" in f)
        and (status != WAIVED or _plausible_waiver(f["waiver"]))
    )


def _plausible_waiver(w: Any) -> bool:
    return (
        isinstance(w, dict)
        and w.keys() == {"id", "reason", "approvedBy", "category", "expiresOn"}
        and all(isinstance(v, str) for v in w.values())
        and w["category"] in ("Waiver", "Mitigated")
        and _ISO_DATE.fullmatch(w["expiresOn"]) is not None
    )


def _policy(p: dict[str, Any]) -> PolicyInfo:
    threshold = p.get("threshold")
    return PolicyInfo(
        id=p["id"],
        title=p["title"],
        area=p["area"],
        severity=p["severity"],
        view=p["view"],
        description=p.get("description", ""),
        remediation=p.get("remediation", ""),
        references=tuple(p.get("references", ())),
        mappings={k: tuple(v) for k, v in p.get("mappings", {}).items()},
        parameters=p.get("parameters", {}),
        requires={k: tuple(v) for k, v in p.get("requires", {}).items()},
        min_pass_ratio=None if threshold is None else threshold["minPassRatio"],
    )


def _finding(f: dict[str, Any]) -> Finding:
    r, w = f["resource"], f.get("waiver")
    return Finding(
        policy=f["policy"],
        area=f["area"],
        severity=f["severity"],
        resource=ResourceRef(r["id"], r.get("name"), r["view"]),
        status=f["status"],
        reason=f.get("reason"),
        detail=f.get("detail"),
        permission=f.get("permission"),
        observed=f.get("observed", {}),
        expected=f.get("expected", {}),
        waiver=None if w is None else WaiverRef(w["id"], w["reason"], w["approvedBy"], w["category"], w["expiresOn"]),
    )


def _note(n: dict[str, Any]) -> WaiverNote:
    resources = n.get("resources")
    return WaiverNote(
        id=n["id"],
        policy=n["policy"],
        resources=None if resources is None else tuple(resources),
        category=n["category"],
        reason=n["reason"],
        approved_by=n["approvedBy"],
        expires_on=n["expiresOn"],
    )
