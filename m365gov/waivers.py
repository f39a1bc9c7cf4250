"""Waivers: accepted deviations that expire and stay monitored.

Peers either stop evaluating what is waived (ScubaGear's omitted policies) or mute it for ever
(Prowler): a waiver here only changes how a *failure* is reported, the policy keeps being evaluated,
so the report can say when a waiver has become useless (the resource now passes: stale), when it
matches nothing (unused), and when it has run out (expired — it then covers nothing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from m365gov.errors import InputError, json_pointer
from m365gov.jsonio import read_json
from m365gov.results import Finding, WaiverNote, WaiverRef, WaiverReport
from m365gov.schemas import validate
from m365gov.statuses import FAIL, PASS, WAIVED
from m365gov.timeutil import PARIS

SCHEMA_ID = "m365gov/waivers@1"
CATEGORIES = ("Waiver", "Mitigated")


@dataclass(frozen=True)
class Waiver:
    """One accepted deviation.

    Attributes:
        id: unique in the file (``W-001``).
        policy: the waived policy's id.
        resources: the covered resource ids, or ``None`` for every finding of the policy (including
            its population finding, resource ``*``).
        category: ``Waiver`` (risk accepted) or ``Mitigated`` (intent met another way).
        reason: why, in words an auditor can check.
        approved_by: who accepted it.
        expires_on: the last day (Europe/Paris) it covers; there is no waiver without one.
    """

    id: str
    policy: str
    resources: tuple[str, ...] | None
    category: str
    reason: str
    approved_by: str
    expires_on: date

    def active_on(self, day: date) -> bool:
        """Whether the waiver still covers findings of a snapshot taken on ``day``."""
        return day <= self.expires_on

    def ref(self) -> WaiverRef:
        """The waiver as shown on a finding it covers."""
        return WaiverRef(self.id, self.reason, self.approved_by, self.category, self.expires_on.isoformat())

    def note(self, resources: tuple[str, ...] | None) -> WaiverNote:
        """The waiver as listed in the report, naming the ``resources`` that justify the listing."""
        return WaiverNote(
            self.id,
            self.policy,
            resources,
            self.category,
            self.reason,
            self.approved_by,
            self.expires_on.isoformat(),
        )


def waiver_day(collected_at: datetime) -> date:
    """The snapshot's calendar day in Europe/Paris, the day people mean when they write ``expiresOn``."""
    return collected_at.astimezone(PARIS).date()


def load_waivers(path: str | Path, *, policy_ids: Collection[str] | None = None) -> tuple[Waiver, ...]:
    """Read and check a waivers file; with ``policy_ids``, refuse waivers naming unknown policies."""
    return parse_waivers(read_json(path, what="waivers file"), file=str(path), policy_ids=policy_ids)


def parse_waivers(
    doc: Any, *, file: str | None = None, policy_ids: Collection[str] | None = None
) -> tuple[Waiver, ...]:
    """Check a waivers document and build its waivers (in file order).

    ``policy_ids`` should be every policy of the loaded set, disabled ones included: a waiver for a
    disabled policy is merely unused, but a waiver for a policy that does not exist is a typo that
    would otherwise never cover anything.
    """
    if isinstance(doc, dict) and "schema" in doc and doc["schema"] != SCHEMA_ID:
        raise InputError(f"this is not an {SCHEMA_ID} file (schema is {doc['schema']!r})", file=file, pointer="/schema")
    validate("waivers", doc, file=file)
    seen: dict[str, int] = {}
    waivers = []
    for i, raw in enumerate(doc["waivers"]):
        if raw["id"] in seen:
            raise InputError(
                f"duplicate waiver id {raw['id']!r} (also at {json_pointer(('waivers', seen[raw['id']]))})",
                file=file,
                pointer=json_pointer(("waivers", i, "id")),
            )
        seen[raw["id"]] = i
        if policy_ids is not None and raw["policy"] not in policy_ids:
            raise InputError(
                f"waiver {raw['id']} names unknown policy {raw['policy']!r}",
                file=file,
                pointer=json_pointer(("waivers", i, "policy")),
            )
        try:
            expires = date.fromisoformat(raw["expiresOn"])
        except ValueError:
            raise InputError(
                f"expected a calendar date (YYYY-MM-DD), got {raw['expiresOn']!r}",
                file=file,
                pointer=json_pointer(("waivers", i, "expiresOn")),
            ) from None
        resources = raw.get("resources")
        waivers.append(
            Waiver(
                id=raw["id"],
                policy=raw["policy"],
                resources=None if resources is None else tuple(resources),
                category=raw["category"],
                reason=raw["reason"],
                approved_by=raw["approvedBy"],
                expires_on=expires,
            )
        )
    return tuple(waivers)


def apply_waivers(
    findings: Sequence[Finding], waivers: Sequence[Waiver], day: date
) -> tuple[list[Finding], WaiverReport]:
    """Turn covered failures into ``waived`` and report expired, stale and unused waivers.

    Waivers apply in id order, so when two cover the same failure the report names the same one on
    every run. Only ``fail`` becomes ``waived``: a ``not_evaluated`` finding stays one, since a
    waiver accepts a known deviation, not missing evidence.
    """
    out = list(findings)
    waived_policies = {w.policy for w in waivers}
    by_key: dict[tuple[str, str], int] = {}
    by_policy: dict[str, list[int]] = {}
    for i, f in enumerate(out):
        if f.policy in waived_policies:
            by_key.setdefault((f.policy, f.resource.id), i)
            by_policy.setdefault(f.policy, []).append(i)
    expired, stale, unused = [], [], []
    for w in sorted(waivers, key=lambda w: w.id):
        if not w.active_on(day):
            expired.append(w.note(w.resources))
            continue
        if w.resources is None:
            targets = by_policy.get(w.policy, [])
            missing: list[str] = []
        else:
            found = [(r, by_key.get((w.policy, r))) for r in w.resources]
            targets = [i for _, i in found if i is not None]
            missing = [r for r, i in found if i is None]
        used, passing = False, []
        for i in targets:
            f = out[i]
            if f.status == FAIL:
                out[i] = dataclasses.replace(f, status=WAIVED, waiver=w.ref())
                used = True
            elif f.status == WAIVED:
                used = True
            elif f.status == PASS:
                passing.append(f.resource.id)
        if w.resources is None:
            if not targets:
                unused.append(w.note(None))
            elif passing and not used:
                stale.append(w.note(None))
            continue
        if passing:
            stale.append(w.note(tuple(passing)))
        if missing:
            unused.append(w.note(tuple(missing)))
    return out, WaiverReport(tuple(expired), tuple(stale), tuple(unused))
