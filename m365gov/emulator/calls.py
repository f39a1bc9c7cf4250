"""Call records generated lazily and deterministically by index: never held all at once.

At 100,000 users thirty days of calls are a few hundred thousand records, too many to keep as
dicts. :class:`CallStore` keeps only a per-day count of records; record ``g`` (its global index in
start-time order) is drawn from ``random.Random(seed, g)`` when asked for, so listing a page costs
60 small draws and getting a record by id costs one. The same seed always gives the same records.

*Timeline.* Days run from ``now - HISTORY_DAYS`` to ``now``; a working day holds about
``RATE`` records per user active that day (fewer at weekends), spread over office hours so that
start times grow with the index — which is what lets a ``startDateTime`` range map to an index
range by bisection. A handful of *special* records (the last council session, yesterday's
rehearsal, an all-staff information meeting, the failing microphone's calls) are merged into the
timeline at their start times; they are what makes nested paging (more than 60 sessions, more than
130 participants) and the demo's evidence certain rather than likely.

*Ids* are GUID-shaped and reversible: the last 12 hex digits are the index masked with a
seed-derived key, the rest a hash that is checked on the way back, so an id maps to its record
without any table.

Records older than ``RETENTION_DAYS`` exist in the timeline (their ids can be computed) but the
routes answer 404 for them, as Graph does.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from m365gov.emulator.usage import UsageData

RETENTION_DAYS = 30
HISTORY_DAYS = 35
RATE = 0.15  # records started per user active that working day
WEEKEND_RATE = 0.01
_WORKDAY = (7 * 3600, 18 * 3600 + 1800)  # records start between 07:00 and 18:30 UTC
_WEEKEND = (8 * 3600, 12 * 3600)
_BITS48 = (1 << 48) - 1
_SPREAD = 0x5DEECE66D  # odd, so multiplying by it permutes 48-bit numbers: neighbours get unlike ids
_UNSPREAD = pow(_SPREAD, -1, 1 << 48)


@dataclass(frozen=True, slots=True)
class Leg:
    """One participant's part in a call.

    Attributes:
        user: index in ``Tenant.users``; ``-1`` for the council chamber's Teams Room.
        sessions: how many sessions (a reconnection opens a new one).
        video: sends video from a camera.
        share: shares the screen (``applicationsharing-video``: not a camera).
        platform: ``userAgent.platform`` of the endpoint.
    """

    user: int
    sessions: int
    video: bool
    share: bool
    platform: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything that decides a record, before any Graph dict is built.

    Attributes:
        index: global index (start-time order).
        type: ``peerToPeer`` or ``groupCall``.
        start: start time (UTC).
        end: end time.
        organizer: index of the organizer in ``Tenant.users``.
        legs: the participants, the organizer first.
        join_web_url: the meeting's join URL (group calls only).
        label: what a special record is (``council-session``, ``rehearsal``…), ``None`` for ordinary ones.
    """

    index: int
    type: str
    start: datetime
    end: datetime
    organizer: int
    legs: tuple[Leg, ...]
    join_web_url: str | None
    label: str | None = None


@dataclass(frozen=True)
class SpecialCall:
    """A record placed on purpose (see the module docstring); built by the tenant generator."""

    label: str
    type: str
    start: datetime
    end: datetime
    organizer: int
    legs: tuple[Leg, ...]
    join_web_url: str | None


class CallStore:
    """The call records of a tenant, computed on demand (thread-safe: no mutable state after init).

    ``join_url(organizer_index, key)`` gives the join URL of the meeting behind a group call.
    """

    def __init__(self, seed: int, now: datetime, usage: UsageData, specials: list[SpecialCall],
                 join_url: Callable[[int, str], str]) -> None:
        self.seed = seed
        self.now = now
        self.usage = usage
        self._join_url = join_url
        self._mask = int.from_bytes(hashlib.blake2b(f"{seed}:call-ids".encode(), digest_size=6).digest(), "big")
        self._rng_base = int.from_bytes(hashlib.blake2b(f"{seed}:call-plans".encode(), digest_size=8).digest(),
                                        "big") << 24
        first = (now - timedelta(days=HISTORY_DAYS)).date()
        self._days: list[tuple[datetime, int, int]] = []  # (day start, first second, span seconds)
        self._offsets = [0]
        day = first
        for _ in range(HISTORY_DAYS + 1):
            start = datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)
            lo, hi = _WORKDAY if day.weekday() < 5 else _WEEKEND
            hi = min(hi, int((now - timedelta(hours=1) - start).total_seconds()))
            active = usage.active_count(day)
            rate = RATE if day.weekday() < 5 else WEEKEND_RATE
            count = round(active * rate) if hi > lo else 0
            self._days.append((start, lo, max(hi - lo, 1)))
            self._offsets.append(self._offsets[-1] + count)
            day += timedelta(days=1)
        self.regular = self._offsets[-1]
        self._specials = sorted(specials, key=lambda s: s.start)
        positions = []
        for rank, s in enumerate(self._specials):
            before = bisect_left(range(self.regular), s.start, key=self._regular_start)
            positions.append(before + rank)
        self._special_positions = positions
        self._special_at = {p: k for k, p in enumerate(positions)}
        self.total = self.regular + len(self._specials)

    # -- time <-> index ----------------------------------------------------------------------------
    def _regular_start(self, r: int) -> datetime:
        d = bisect_right(self._offsets, r) - 1
        start, lo, span = self._days[d]
        first, count = self._offsets[d], self._offsets[d + 1] - self._offsets[d]
        k = r - first
        jitter = _fraction(self.seed, "t", r)
        return start + timedelta(seconds=lo + span * (k + jitter) / count)

    def start_of(self, g: int) -> datetime:
        special = self._special_at.get(g)
        if special is not None:
            return self._specials[special].start
        return self._regular_start(g - bisect_left(self._special_positions, g))

    def index_at(self, when: datetime) -> int:
        """The first index whose record starts at or after ``when``."""
        return bisect_left(range(self.total), when, key=self.start_of)

    @property
    def retention_start(self) -> datetime:
        return self.now - timedelta(days=RETENTION_DAYS)

    def in_retention(self, g: int) -> bool:
        return 0 <= g < self.total and self.start_of(g) >= self.retention_start

    # -- ids -----------------------------------------------------------------------------------------
    def record_id(self, g: int) -> str:
        h = hashlib.blake2b(f"{self.seed}|call|{g}".encode(), digest_size=10).hexdigest()
        tail = f"{((g * _SPREAD) ^ self._mask) & _BITS48:012x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{tail}"

    def index_of(self, record_id: str) -> int | None:
        """The index of a record id, or ``None`` if it is not one of this tenant's."""
        text = record_id.strip().lower()
        if len(text) != 36 or text.count("-") != 4:
            return None
        try:
            g = ((int(text[-12:], 16) ^ self._mask) * _UNSPREAD) & _BITS48
        except ValueError:
            return None
        if 0 <= g < self.total and self.record_id(g) == text:
            return g
        return None

    # -- plans ---------------------------------------------------------------------------------------
    def plan(self, g: int) -> Plan:
        special = self._special_at.get(g)
        if special is not None:
            s = self._specials[special]
            return Plan(g, s.type, s.start, s.end, s.organizer, s.legs, s.join_web_url, s.label)
        start = self.start_of(g)
        rng = random.Random(self._rng_base + g)  # an int seed: several times cheaper than a string
        usage = self.usage
        n = usage.active_count(start.date())
        if n < 2:  # a day nobody could call on: a short test call of the most recent user
            u = usage.callers[0]
            return Plan(g, "peerToPeer", start, start + timedelta(seconds=30), u,
                        (self._leg(rng, u, False), self._leg(rng, u, False)), None)
        if rng.random() < 0.55:
            a, b = rng.sample(range(n), 2)
            pair = (usage.callers[a], usage.callers[b])
            end = start + timedelta(seconds=60 + int(rng.random() ** 2 * 1500))
            legs = tuple(self._leg(rng, u, True) for u in pair)
            return Plan(g, "peerToPeer", start, end, pair[0], legs, None)
        size = min(n, 3 + int(rng.random() ** 2 * 9))
        users = tuple(usage.callers[k] for k in rng.sample(range(n), size))
        end = start + timedelta(minutes=15 + int(rng.random() * 75))
        legs = tuple(self._leg(rng, u, True) for u in users)
        return Plan(g, "groupCall", start, end, users[0], legs, self._join_url(users[0], f"call:{g}"))

    def _leg(self, rng: random.Random, u: int, may_video: bool) -> Leg:
        p = self.usage.profiles[u]
        video = may_video and p.camera and rng.random() < p.video_share
        share = rng.random() < 0.12 and p.call_platform != "web"
        return Leg(u, 2 if rng.random() < 0.04 else 1, video, share, p.call_platform)

    def participants(self, g: int) -> frozenset[int]:
        return frozenset(leg.user for leg in self.plan(g).legs)


def _fraction(seed: int, what: str, g: int) -> float:
    digest = hashlib.blake2b(f"{seed}|{what}|{g}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big") / 2.0**48
