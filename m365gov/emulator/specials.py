"""The call records placed on purpose, so that the demo's evidence is certain rather than likely.

* ``council-session`` — the council's last session (four weeks before the next one): every active
  member with two sessions (long sessions drop and rejoin), the three staff presenters and the
  chamber's Teams Room, whose camera still worked then: more than 60 sessions, so
  ``sessions@odata.nextLink`` is exercised.
* ``rehearsal`` — yesterday evening's technical rehearsal *on the upcoming session's join URL*
  (``callRecord.joinWebUrl == onlineMeeting.joinWebUrl``): about two thirds of the members, and the
  chamber room sending no video (its camera is disconnected).
* ``all-staff`` — an information meeting for the staff ten days ago, with up to 150 participants, so
  ``participants_v2@odata.nextLink`` (pages of 130) is exercised.
* ``mic-check`` — three calls of each person whose microphone keeps failing, so that their ratios
  are in the window whatever the random draws.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from m365gov.emulator.calls import Leg, SpecialCall
from m365gov.emulator.usage import UsageData

ALL_STAFF_SIZE = 150


def _weekday_before(now: datetime, days: int, hour: int) -> datetime:
    day = (now - timedelta(days=days)).date()
    for _ in range(7):  # bounded: the previous weekday is at most two days back
        if day.weekday() < 5:
            break
        day -= timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(hours=hour)


def special_calls(seed: int, now: datetime, usage: UsageData, council: list[int], council_plan: dict[int, str],
                  presenters: list[int], previous_session: tuple[datetime, str], next_url: str,
                  room_camera: bool, join_url: Callable[[int, str], str]) -> list[SpecialCall]:
    """The special records of the window ending at ``now``."""
    rng = random.Random(f"m365gov-emulator:{seed}:special-calls")
    profiles = usage.profiles
    mayor = council[0]

    def leg(u: int, sessions: int = 1, share: bool = False, video: bool | None = None) -> Leg:
        p = profiles[u]
        return Leg(u, sessions, p.camera if video is None else video and p.camera, share, p.call_platform)

    present = [u for u in council if council_plan[u] != "inactive" and profiles[u].last_activity is not None]
    out: list[SpecialCall] = []
    start, url = previous_session
    legs = [leg(u, 2) for u in present]
    legs += [leg(u, 1, share=k == 0) for k, u in enumerate(presenters)]
    legs.append(Leg(-1, 1, True, False, "roomSystem"))
    out.append(SpecialCall("council-session", "groupCall", start, start + timedelta(hours=3, minutes=10), mayor,
                           tuple(legs), url))

    rehearsal = _weekday_before(now, 1, 17)
    if rehearsal < now:
        attending = [u for k, u in enumerate(present) if k % 3 != 2 or u == mayor]
        legs = [leg(u) for u in attending] + [leg(presenters[-1], share=True)]
        legs.append(Leg(-1, 1, room_camera, False, "roomSystem"))
        out.append(SpecialCall("rehearsal", "groupCall", rehearsal, rehearsal + timedelta(minutes=45), mayor,
                               tuple(legs), next_url))

    info = _weekday_before(now, 10, 12)
    organizer = presenters[0]
    elected = set(council)
    pool = [u for u in usage.callers[:usage.active_count(info.date())] if u not in elected and u != organizer]
    staff = [pool[k] for k in sorted(rng.sample(range(len(pool)), min(ALL_STAFF_SIZE, len(pool))))]
    legs = [leg(organizer, share=True)] + [leg(u, video=rng.random() < 0.3) for u in staff]
    out.append(SpecialCall("all-staff", "groupCall", info, info + timedelta(minutes=55), organizer, tuple(legs),
                           join_url(organizer, "all-staff")))

    failing = sorted(u for u, p in profiles.items() if p.mic == "failing" and p.last_activity is not None)
    for u in failing:
        for days in (2, 5, 9):
            when = _weekday_before(now, days, 9) + timedelta(minutes=rng.randrange(0, 300))
            other = next(c for c in usage.callers if c != u)
            out.append(SpecialCall("mic-check", "peerToPeer", when, when + timedelta(minutes=6 + days), u,
                                   (leg(u), leg(other)), None))
    return out
