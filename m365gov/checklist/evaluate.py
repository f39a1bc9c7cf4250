"""Run the regime's items over the facts: one check per item, then the item's state.

The mapping from outcome to state is the same for every item (:func:`~m365gov.checklist.model.state_of`):
a failure takes the item's severity from the regime file, a missing declaration is "to do", missing
evidence "unknown". A declarable item (``"declarable": true``) is ticked by a declaration when m365gov
found nothing to contradict it (a "to do"), never when it observed a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from m365gov.checklist import checks_council as council
from m365gov.checklist import checks_meeting as meeting
from m365gov.checklist.facts import Facts
from m365gov.checklist.model import (
    BLOCKING,
    DECLARED,
    PASS_,
    TODO_,
    UNKNOWN,
    ItemResult,
    Outcome,
    msg,
    state_of,
)
from m365gov.checklist.regime import ItemRule

Check = Callable[[ItemRule, Facts], Outcome]

CHECKS: Final[Mapping[str, Check]] = {
    "regimeInForce": council.check_regime_in_force,
    "meetingFound": meeting.check_meeting_found,
    "organizer": meeting.check_organizer,
    "invitations": meeting.check_invitations,
    "lobbyScope": meeting.check_lobby_scope,
    "lobbyDialIn": meeting.check_lobby_dial_in,
    "presenters": meeting.check_presenters,
    "attendeeMicCamera": meeting.check_attendee_mic_camera,
    "recording": meeting.check_recording,
    "entryExitAnnounced": meeting.check_entry_exit,
    "meetingSecurity": meeting.check_security,
    "dialInNumber": meeting.check_dial_in_number,
    "publicBroadcast": meeting.check_public_broadcast,
    "chamberRoom": council.check_chamber,
    "meetingRooms": council.check_meeting_rooms,
    "chamberBooked": council.check_chamber_booked,
    "councilGroup": council.check_council_group,
    "memberReadiness": council.check_member_readiness,
    "memberContacts": council.check_member_contacts,
    "quorum": council.check_quorum,
    "proxies": council.check_proxies,
    "convocation": council.check_convocation,
    "secretary": council.check_secretary,
    "declared": council.check_declared,
}
"""Check kind → its function. :data:`m365gov.checklist.kinds.CHECK_PARAMS` lists the same names."""


@dataclass(frozen=True)
class Evaluation:
    """The facts and every item's result, in the regime file's order."""

    facts: Facts
    items: tuple[ItemResult, ...]

    def count(self, state: str) -> int:
        return sum(1 for i in self.items if i.state == state)

    @property
    def exit_code(self) -> int:
        """1 when an item is blocking; 3 when a blocking-severity item is unknown (and none is blocking); else 0."""
        if any(i.state == BLOCKING for i in self.items):
            return 1
        if any(i.state == UNKNOWN and i.severity == BLOCKING for i in self.items):
            return 3
        return 0


def evaluate(facts: Facts) -> Evaluation:
    """Decide every item of the regime."""
    results = []
    for rule in facts.regime.items:
        outcome = CHECKS[rule.check](rule, facts)
        if rule.declarable and outcome.result == TODO_:
            outcome = _ticked(rule, facts, outcome)
        results.append(ItemResult(rule.id, rule.check, rule.severity, rule.title, rule.description, rule.source,
                                  state_of(outcome, rule.severity), outcome))
    return Evaluation(facts, tuple(results))


def _ticked(rule: ItemRule, facts: Facts, outcome: Outcome) -> Outcome:
    """A declaration ticks a "to do" of a declarable item (``done: false`` leaves it to do)."""
    d = facts.declarations.item(rule.id)
    if d is None or not d.done:
        return outcome
    declared = msg("declared_by", done=True, on=d.on.isoformat() if d.on else None, by=d.by or "", note=d.note or "")
    return replace(outcome, result=PASS_, how=DECLARED, evidence=(*outcome.evidence, declared), remediation=())
