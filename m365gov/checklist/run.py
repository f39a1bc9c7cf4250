"""``m365gov checklist council`` as a library call: read the inputs, collect, look up, evaluate.

Order matters for the user: every input file (the regime, the proxies, the declarations) and the
``--meeting`` argument are checked *before* any network call, so that a typo costs nothing and exits
2. Then the people are collected (the readiness and rooms views' sources and the council group), or
taken from a snapshot already collected (the demo passes its own), and the meeting is looked up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.checklist.declarations import NONE, Declarations, check_session, load_declarations
from m365gov.checklist.document import checklist_document
from m365gov.checklist.evaluate import Evaluation, evaluate
from m365gov.checklist.facts import build_facts, session_day
from m365gov.checklist.lookup import MeetingLookup, lookup_meeting
from m365gov.checklist.meeting_ref import MeetingRef, parse_meeting_ref
from m365gov.checklist.people import non_user_members, rooms, roster, select_for_views
from m365gov.checklist.proxies import ProxiesFile, load_proxies
from m365gov.checklist.regime import Regime, find_regime, load_regime
from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.snapshot.model import Snapshot

if TYPE_CHECKING:
    from m365gov.collect.base import ProgressHook


@dataclass(frozen=True)
class CouncilRequest:
    """What the user asked for (command-line values; ``None`` falls back on ``[council]``).

    Attributes:
        meeting: ``--meeting``: a join URL, short link, numeric meeting id or Graph id.
        organizer: ``--organizer``: who organises the meeting (UPN or object id).
        regime: ``--regime``: a regime id or a ``*.regime.json`` path.
        proxies: ``--proxies``: the proxies CSV.
        declarations: ``--declared``: the declarations JSON.
    """

    meeting: str
    organizer: str | None = None
    regime: str | None = None
    proxies: Path | None = None
    declarations: Path | None = None


@dataclass(frozen=True)
class Inputs:
    """The inputs, read and checked (no network yet)."""

    regime: Regime
    ref: MeetingRef
    lookup_under: str
    organizer: str | None
    proxies: ProxiesFile | None
    declarations: Declarations


@dataclass(frozen=True)
class CouncilChecklist:
    """The outcome: the evaluation, and the document every format renders."""

    evaluation: Evaluation
    document: dict[str, Any]

    @property
    def exit_code(self) -> int:
        return self.evaluation.exit_code


def shipped_regime_dir() -> Path:
    from m365gov.pipeline import shipped_policy_dir

    return shipped_policy_dir() / "council"


def read_inputs(config: Config, request: CouncilRequest) -> Inputs:
    """Parse ``--meeting`` and read the regime, proxies and declarations files (exit 2 on any problem)."""
    c = config.council
    search = [d for d in (c.regimes_dir, shipped_regime_dir()) if d is not None]
    regime = load_regime(find_regime(request.regime or c.regime, search), c.parameters,
                         config_file=config.display_path)
    ref = parse_meeting_ref(request.meeting)
    organizer = request.organizer or c.organizer
    under = ref.organizer_id or organizer
    if under is None:
        raise InputError(
            f"--meeting is a {'short link' if ref.kind == 'shortLink' else 'numeric meeting id'}, which does not "
            "name its organizer: give --organizer UPN (or set [council] organizer), or use the meeting's full join "
            "URL (https://teams.microsoft.com/l/meetup-join/…)"
        )
    proxies_path = request.proxies or c.proxies
    declarations_path = request.declarations or c.declarations
    return Inputs(
        regime=regime,
        ref=ref,
        lookup_under=under,
        organizer=organizer,
        proxies=load_proxies(proxies_path) if proxies_path is not None else None,
        declarations=load_declarations(declarations_path, regime) if declarations_path is not None else NONE,
    )


def collect_people(config: Config, credential: Any, *, as_of: datetime | None = None,
                   progress: ProgressHook | None = None) -> Snapshot:
    """Collect the council group and what the readiness and rooms views read (read-only Graph).

    ``as_of`` ends the call-record and report windows elsewhere than now (tests pin it).
    """
    from m365gov.collect.runner import collect

    sources, select = select_for_views()
    return collect(config, credential, sources=sources, select=select, as_of=as_of, progress=progress).snapshot


def find_meeting(config: Config, credential: Any, inputs: Inputs) -> MeetingLookup:
    """Look the meeting up through msgraph-sdk (its own short-lived client)."""
    return asyncio.run(_find(config, credential, inputs))


async def _find(config: Config, credential: Any, inputs: Inputs) -> MeetingLookup:
    from m365gov.collect.base import CollectContext
    from m365gov.timeutil import utcnow

    now = utcnow()
    ctx = CollectContext(config=config, credential=credential, collected_at=now, as_of=now)
    try:
        return await lookup_meeting(ctx.graph, inputs.ref, inputs.lookup_under, app_id=config.auth.client_id)
    finally:
        await ctx.aclose()


def build_checklist(config: Config, inputs: Inputs, snapshot: Snapshot, lookup: MeetingLookup | None, *,
                    lang: str = "fr") -> CouncilChecklist:
    """Evaluate the regime's items (pure: "now" is the snapshot's as-of time, its collection time unless
    collected with --as-of, as in the demo)."""
    day = session_day(lookup, NONE)
    if day is not None:
        check_session(inputs.declarations, day)
    facts = build_facts(
        inputs.regime, snapshot.as_of, lookup, roster(snapshot), rooms(snapshot), inputs.declarations,
        inputs.proxies, members_in_office=config.council.members_in_office, organizer=inputs.organizer,
        chamber_device=config.teams.chamber_device, non_user_members=tuple(non_user_members(snapshot)),
    )
    evaluation = evaluate(facts)
    document = checklist_document(evaluation, lang=lang, tenant_id=snapshot.tenant_id,
                                  sources=_sources(snapshot, lookup))
    return CouncilChecklist(evaluation, document)


def run_council_checklist(config: Config, credential: Any, request: CouncilRequest, *, lang: str = "fr",
                          snapshot: Snapshot | None = None, progress: ProgressHook | None = None) -> CouncilChecklist:
    """The whole command: inputs, people (collected unless ``snapshot`` is given), meeting, evaluation."""
    inputs = read_inputs(config, request)
    people = snapshot if snapshot is not None else collect_people(config, credential, progress=progress)
    lookup = find_meeting(config, credential, inputs)
    return build_checklist(config, inputs, people, lookup, lang=lang)


def _sources(snapshot: Snapshot, lookup: MeetingLookup | None) -> Mapping[str, Any]:
    wanted = select_for_views()[0]
    out: dict[str, Any] = {}
    for name in wanted:
        sec = snapshot.section(name)
        if sec is not None:
            out[name] = {"status": sec.status, "detail": sec.detail}
    if lookup is not None:
        out["onlineMeeting"] = {"status": lookup.status, "detail": lookup.detail}
        out["calendar"] = {"status": lookup.calendar_status, "detail": lookup.calendar_detail}
    return out
