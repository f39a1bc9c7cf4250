"""Least privilege: the Graph application permissions the enabled policies need.

Generated from the sources each policy reads (graph.md §1), never maintained by hand, so that the
list cannot drift from what collection actually calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from m365gov.config import Config
from m365gov.pipeline import collection_plan, compile_policies


def required_permissions(config: Config | None, policy_paths: Sequence[Path] = ()) -> dict[str, list[str]]:
    """Permission → the sources (and their policies) that need it, sorted by permission."""
    from m365gov.collect.registry import SOURCES, with_dependencies

    policies = compile_policies(config, policy_paths)
    by_source: dict[str, list[str]] = defaultdict(list)
    for p in policies.enabled:
        for source in collection_plan([p])[0]:
            by_source[source].append(p.id)
    out: dict[str, list[str]] = defaultdict(list)
    for source in with_dependencies(by_source):
        for perm in SOURCES[source].permissions:
            ids = by_source.get(source) or ["dependency"]
            out[perm].append(f"{source} ({', '.join(ids)})")
    return dict(sorted(out.items()))


def council_checklist_permissions() -> dict[str, list[str]]:
    """Permission → what ``m365gov checklist council`` reads with it (the views' sources and the meeting)."""
    from m365gov.checklist.lookup import CALENDAR_PERMISSION, MEETINGS_PERMISSION
    from m365gov.checklist.people import select_for_views
    from m365gov.collect.registry import SOURCES, with_dependencies

    out: dict[str, list[str]] = defaultdict(list)
    for source in with_dependencies(select_for_views()[0]):
        for perm in SOURCES[source].permissions:
            out[perm].append(source)
    out[MEETINGS_PERMISSION].append("onlineMeeting (and an application access policy: New-CsApplicationAccessPolicy, "
                                    "Grant-CsApplicationAccessPolicy)")
    out[CALENDAR_PERMISSION].append("calendarView (the session's event: rooms invited, invitations declined)")
    return dict(sorted(out.items()))
