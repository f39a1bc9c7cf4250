"""Who uses Teams, how much, from which clients and with what equipment: the town's usage profiles.

Every user who holds an enabled Teams plan gets a :class:`TeamsUsage`; the usage reports
(:mod:`m365gov.emulator.reports`) and the call records (:mod:`m365gov.emulator.calls`) are both
derived from it, so that the two kinds of evidence agree the way they do in a real tenant: someone
whose report says "never active" is in no call record, someone "never seen with a camera" sends no
video in any call, and the person whose microphone keeps failing shows it in every session.

Counts for a report period are computed from the profile when a report is served (a closed form,
no per-day storage), so 100,000 profiles cost a few megabytes and a second to draw.

The variety the demo must show is chosen like the residency defects (:mod:`m365gov.emulator.defects`):
each kind from its own pool, in its own seeded order, ``fix`` leaves a kind compliant and
``extra_defects`` adds one more target. Kinds seeded here (counts at 350 users in brackets):

* ``teams_inactive`` — licensed for Teams, no activity in the last 30 days; ``value`` is the
  ``lastActivityDate`` (``None`` = never used Teams) [≈ 30 staff + 3 council members].
* ``teams_web_only`` — active, but only ever from the web client [≈ 18].
* ``camera_never_seen`` — active in calls and meetings, never sends video (no camera) [≈ 60].
* ``mic_failing`` — a department head whose microphone keeps failing in every call [1].

Pools are drawn from the population *before* residency defects are applied, so that fixing a
residency kind does not reshuffle these; a user who ends up with a disabled account is then made
inactive (and dropped from the active kinds) because a disabled account cannot sign in.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from m365gov.emulator.ids import fraction
from m365gov.emulator.licensing import TEAMS1
from m365gov.emulator.people import Population

#: Platform names as the device-usage report spells them ("Used <name>").
CLIENTS = ("Web", "Windows Phone", "iOS", "Mac", "Android Phone", "Windows", "Chrome OS", "Linux")
#: ``userAgent.platform`` a call record shows for each client (Linux and Chrome OS run the web app).
CALL_PLATFORM = {"Web": "web", "Windows": "windows", "Mac": "macOS", "iOS": "iOS", "Android Phone": "android",
                 "Linux": "web", "Chrome OS": "web", "Windows Phone": "windows"}
INACTIVE_DAYS = 30  # what "inactive" means for the seeded defects (the D30 report period)


@dataclass(frozen=True, slots=True)
class TeamsUsage:
    """One person's Teams habits, from which every report row and call record is derived.

    Attributes:
        last_activity: last day with any Teams activity; ``None`` if never used.
        level: share of working days on which the person uses Teams (0..1).
        clients: report platform names used (``CLIENTS``), the one used for calls first.
        camera: whether the person has a working camera (sends video in some meetings).
        mic: ``ok``, ``failing`` (captures nothing or glitches) or ``none`` (listens only).
        chat_rate: private chat messages per active day.
        call_rate: 1:1 calls per active day.
        meeting_rate: meetings attended per active day.
        video_share: share of meeting time with the camera on, when ``camera``.
        capture_device: the microphone's device name as call records report it.
        render_device: the speaker's device name.
    """

    last_activity: date | None
    level: float
    clients: tuple[str, ...]
    camera: bool
    mic: str
    chat_rate: float
    call_rate: float
    meeting_rate: float
    video_share: float
    capture_device: str
    render_device: str

    @property
    def call_platform(self) -> str:
        return CALL_PLATFORM[self.clients[0]] if self.clients else "web"


@dataclass(frozen=True)
class UsageData:
    """Profiles of everyone in the Teams reports, and who can appear in call records.

    Attributes:
        profiles: user index (in ``Tenant.users``) → profile, for every holder of an enabled Teams plan.
        refresh: the reports' "Report Refresh Date" (the day of ``tenant.now``).
        callers: indices of users with some activity, most recently active first.
        callers_last: their last activity as negative ordinals (ascending, for ``bisect``).
        defects: seeded usage defects (records as in :mod:`m365gov.emulator.defects`).
    """

    profiles: dict[int, TeamsUsage]
    refresh: date
    callers: tuple[int, ...]
    callers_last: tuple[int, ...]
    defects: list[dict[str, Any]]

    def active_count(self, day: date) -> int:
        """How many users were last active on or after ``day``: ``callers[:n]`` may call that day."""
        return bisect_right(self.callers_last, -day.toordinal())


@dataclass(frozen=True)
class _Kind:
    name: str
    share: float
    minimum: int


USAGE_KINDS = (_Kind("teams_inactive", 0.12, 5), _Kind("teams_web_only", 0.08, 4),
               _Kind("camera_never_seen", 0.30, 10), _Kind("mic_failing", 0.003, 1))
USAGE_KIND_NAMES = tuple(k.name for k in USAGE_KINDS)
# Lanes of plain staff (upper bounds of a per-user uniform draw): each usage kind picks in its own.
_LANES = (("teams_inactive", 0.25), ("teams_web_only", 0.45), ("camera_never_seen", 1.0))
_DRAWS = 8


class _Draws:
    """A user's fixed vector of uniform draws, consumed in order (extra calls wrap around)."""

    def __init__(self, values: list[float]) -> None:
        self._values = values
        self._next = 0

    def random(self) -> float:
        value = self._values[self._next % len(self._values)]
        self._next += 1
        return value

_HEADSETS = ("Jabra Evolve2 40", "Logitech H390 USB Headset", "Poly Blackwire 3220", "EPOS ADAPT 160",
             "Micro-casque HP USB")
_LAPTOP = ("Microphone Array (Realtek(R) Audio)", "Haut-parleurs (Realtek(R) Audio)")
_IPAD = ("iPad Microphone", "iPad Speaker")


def working_days(start: date, end: date) -> int:
    """Monday–Friday days in ``[start, end]`` (0 when ``end < start``), in constant time."""
    if end < start:
        return 0
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    count = weeks * 5
    wd = start.weekday()
    for k in range(rest):  # at most 6 iterations
        if (wd + k) % 7 < 5:
            count += 1
    return count


def _last_working_day(day: date, back: int) -> date:
    """The working day ``back`` working days before ``day`` (0: ``day`` itself, or the Friday before)."""
    d = day
    steps = 0
    for _ in range(back * 2 + 7):  # bounded: a week of weekend per five working days at most
        if d.weekday() < 5:
            if steps == back:
                return d
            steps += 1
        d -= timedelta(days=1)
    return d


def generate_usage(seed: int, pop: Population, now: datetime, fix: tuple[str, ...] = (),
                   extra: tuple[str, ...] = ()) -> UsageData:
    """Draw every Teams user's profile and pick the seeded usage defects."""
    rng = random.Random(f"m365gov-emulator:{seed}:usage")
    today = now.date()
    yesterday = _last_working_day(today - timedelta(days=1), 0)
    teams = {i for i in pop.licensed if _has_teams(pop.users[i])}
    council = set(pop.council)
    staff = [i for i in pop.staff if i in teams]
    heads = set(pop.heads)

    # Each kind draws from its own lane of staff (decided per user by a hash), in its own seeded
    # order, with a count that does not depend on the other kinds: fixing or growing one kind
    # never moves another's targets.
    plain_staff = [i for i in staff if i not in heads]
    lanes: dict[str, list[int]] = {name: [] for name, _ in _LANES}
    for i in plain_staff:
        draw = fraction(seed, "usage-lane", pop.users[i]["id"])
        lanes[next(name for name, upper in _LANES if draw < upper)].append(i)
    lanes["mic_failing"] = sorted((heads & teams) - set(staff_presenters(pop)))
    chosen: dict[str, list[int]] = {}
    for kind in USAGE_KINDS:
        pool = lanes[kind.name]
        random.Random(f"m365gov-emulator:{seed}:usage:{kind.name}").shuffle(pool)
        basis = len(pool) if kind.name == "mic_failing" else len(plain_staff)
        count = max(kind.minimum, round(basis * kind.share)) + extra.count(kind.name)
        chosen[kind.name] = [] if kind.name in fix else pool[:min(count, len(pool))]
    council_plan = council_equipment(seed, pop.council, fix)

    profiles: dict[int, TeamsUsage] = {}
    roles = {i: kind for kind, members in chosen.items() for i in members}
    for i in sorted(teams):
        role = roles.get(i)
        draws = _Draws([rng.random() for _ in range(_DRAWS)])  # a fixed number per user, whatever the role
        if i in council:
            profiles[i] = _council_profile(draws, council_plan[i], yesterday, today)
        else:
            profiles[i] = _staff_profile(draws, role, i in heads, yesterday, today)

    # A disabled account cannot sign in: whatever it was drawn as, it has been inactive since.
    for i, profile in list(profiles.items()):
        if not pop.users[i].get("accountEnabled", True) and _is_recent(profile, today):
            profiles[i] = _replace_last(profile, today - timedelta(days=45 + i % 60))
            roles.pop(i, None)
    for i in pop.council:
        if council_plan[i] == "inactive":
            roles[i] = "teams_inactive"

    defects = _usage_defects(pop, profiles, roles, fix)
    active = sorted((i for i, p in profiles.items() if p.last_activity is not None),
                    key=lambda i: (-profiles[i].last_activity.toordinal(), i))  # type: ignore[union-attr]
    last = tuple(-profiles[i].last_activity.toordinal() for i in active)  # type: ignore[union-attr]
    return UsageData(profiles, today, tuple(active), last, defects)


PRESENTER_DEPARTMENTS = ("Direction générale des services", "Communication", "DSI")


def staff_presenters(pop: Population) -> list[int]:
    """The heads who present at council sessions: general services, communication, IT (in that order)."""
    return [pop.by_department[d][0] for d in PRESENTER_DEPARTMENTS if pop.by_department.get(d)]


def council_equipment(seed: int, council: list[int], fix: tuple[str, ...] = ()) -> dict[int, str]:
    """Each council member's situation: ``equipped``, ``no_camera`` (declared without), ``undeclared``
    (absent from the inventory, audio only) or ``inactive`` (never joined by Teams).

    The mayor (rank 0) and the first adjoint are always equipped: they run the sessions.
    """
    order = list(council[2:])
    random.Random(f"m365gov-emulator:{seed}:council-equipment").shuffle(order)
    plan = {i: "equipped" for i in council}
    for k, i in enumerate(order[:12]):
        situation = ("inactive", "no_camera", "no_camera", "undeclared")[k % 4]
        if situation == "inactive" and "teams_inactive" in fix:
            situation = "no_camera"  # active now, still without the equipment they declined
        if situation != "inactive" and "council_no_equipment" in fix:
            continue
        plan[i] = situation
    return plan


def _has_teams(user: dict[str, Any]) -> bool:
    return any(p["servicePlanId"] == TEAMS1.id and p["capabilityStatus"] == "Enabled" for p in user["assignedPlans"])


def _is_recent(p: TeamsUsage, today: date) -> bool:
    return p.last_activity is not None and (today - p.last_activity).days < INACTIVE_DAYS


def _replace_last(p: TeamsUsage, last: date) -> TeamsUsage:
    return TeamsUsage(last, p.level, p.clients, p.camera, p.mic, p.chat_rate, p.call_rate, p.meeting_rate,
                      p.video_share, p.capture_device, p.render_device)


def _staff_profile(rng: _Draws, role: str | None, head: bool, yesterday: date,
                   today: date) -> TeamsUsage:
    r = rng.random()
    level = 0.35 + 0.6 * rng.random() if head else 0.15 + 0.8 * rng.random()
    chat, calls, meetings = 2 + 18 * rng.random(), 0.1 + 0.9 * rng.random(), 0.2 + 1.3 * rng.random()
    headset = _HEADSETS[int(r * len(_HEADSETS))]
    if role == "teams_inactive":
        if r < 0.35:
            return TeamsUsage(None, 0.0, (), False, "none", 0, 0, 0, 0, "", "")
        last = today - timedelta(days=INACTIVE_DAYS + 5 + int(r * 140))
        return TeamsUsage(last, 0.1, ("Windows",), False, "ok", 1, 0.05, 0.1, 0, headset, headset)
    # Heads (presenters, the failing microphone's owner) worked in Teams yesterday: the special
    # records of the last days (rehearsal, microphone checks) must not postdate their last activity.
    last = yesterday if head else _last_working_day(yesterday, int(r * r * 6))
    if role == "teams_web_only":
        return TeamsUsage(last, level * 0.6, ("Web",), False, "ok", chat, calls * 0.5, meetings, 0.0,
                          "Default input device", "Default output device")
    if role == "camera_never_seen":
        return TeamsUsage(last, level, ("Windows",), False, "ok", chat, calls, meetings, 0.0,
                          f"Microphone ({headset})", f"Casque ({headset})")
    if role == "mic_failing":
        return TeamsUsage(last, max(level, 0.8), ("Windows", "iOS"), True, "failing", chat, calls, meetings, 0.5,
                          "Microphone (Realtek High Definition Audio)", "Speakers (Realtek High Definition Audio)")
    clients: tuple[str, ...] = ("Windows",)
    extra = rng.random()
    if head or extra < 0.25:
        clients += ("iOS",) if extra < 0.6 else ("Android Phone",)
    if extra > 0.97:
        clients = ("Mac", *clients[1:])
    elif 0.94 < extra <= 0.97:
        clients = ("Linux", "Web")
    elif 0.90 < extra <= 0.94:
        clients += ("Web",)
    return TeamsUsage(last, level, clients, True, "ok", chat, calls, meetings, 0.3 + 0.6 * rng.random(),
                      f"Microphone ({headset})", f"Casque ({headset})")


def _council_profile(rng: _Draws, plan: str, yesterday: date, today: date) -> TeamsUsage:
    level = 0.1 + 0.3 * rng.random()
    rng.random()  # keeps the draw order of earlier versions
    last = yesterday  # convened for the rehearsal: every active member opened Teams yesterday
    device = ("iPad", "Android Phone", "Windows", "Web")[int(rng.random() * 4)]
    clients: tuple[str, ...] = {"iPad": ("iOS",), "Android Phone": ("Android Phone",),
                                "Windows": ("Windows", "iOS"), "Web": ("Web",)}[device]
    capture, render = _IPAD if device == "iPad" else _LAPTOP if device == "Windows" else \
        ("Default input device", "Default output device")
    if plan == "inactive":
        return TeamsUsage(None, 0.0, (), False, "none", 0, 0, 0, 0, "", "")
    camera = plan == "equipped"
    return TeamsUsage(last, level, clients, camera, "ok", 1 + 4 * rng.random(), 0.05, 0.6, 0.7 if camera else 0.0,
                      capture, render)


def _usage_defects(pop: Population, profiles: dict[int, TeamsUsage], roles: dict[int, str],
                   fix: tuple[str, ...]) -> list[dict[str, Any]]:
    users = pop.users
    values: dict[str, tuple[str, str, Callable[[TeamsUsage], Any], Any]] = {
        "teams_inactive": ("teamsUserActivityUserDetail", "lastActivityDate",
                           lambda p: p.last_activity.isoformat() if p.last_activity else None,
                           f"within {INACTIVE_DAYS} days"),
        "teams_web_only": ("teamsDeviceUsageUserDetail", "usedPlatforms", lambda p: list(p.clients),
                           "a desktop or mobile client"),
        "camera_never_seen": ("teamsUserActivityUserDetail", "videoDurationInSeconds", lambda p: 0, "> 0"),
        "mic_failing": ("callRecord", "media.callerDevice.captureNotFunctioningEventRatio",
                        lambda p: MIC_FAILING_RATIOS["captureNotFunctioningEventRatio"], 0.0),
    }
    out: list[dict[str, Any]] = []
    for kind in USAGE_KIND_NAMES:
        if kind in fix:
            continue
        resource, prop, value, expected = values[kind]
        for i in sorted((i for i, r in roles.items() if r == kind), key=lambda i: users[i]["userPrincipalName"]):
            out.append({"kind": kind, "resource": resource, "id": users[i]["id"],
                        "name": users[i]["userPrincipalName"], "property": prop, "value": value(profiles[i]),
                        "expected": expected})
    return out


#: The failing microphone's ratios, as its call records report them (drawn around these values).
MIC_FAILING_RATIOS = {"captureNotFunctioningEventRatio": 0.42, "micGlitchRate": 85.0,
                      "lowSpeechLevelEventRatio": 0.63}


def period_counts(p: TeamsUsage, today: date, days: int) -> dict[str, int]:
    """The activity counts of the report period ending ``today`` and ``days`` long (closed form)."""
    start = today - timedelta(days=days - 1)
    if p.last_activity is None or p.last_activity < start:
        active = 0
    else:
        active = max(1, round(p.level * working_days(start, p.last_activity)))
    meetings = round(active * p.meeting_rate)
    calls = round(active * p.call_rate)
    organized = round(meetings * 0.2)
    audio = calls * 420 + meetings * 2700
    return {
        "teamChatMessageCount": round(active * p.chat_rate * 0.3),
        "privateChatMessageCount": round(active * p.chat_rate),
        "callCount": calls,
        "meetingCount": meetings,
        "postMessages": round(active * p.chat_rate * 0.1),
        "replyMessages": round(active * p.chat_rate * 0.2),
        "urgentMessages": 0,
        "meetingsOrganizedCount": organized,
        "meetingsAttendedCount": meetings,
        "adHocMeetingsOrganizedCount": organized // 3,
        "adHocMeetingsAttendedCount": meetings // 4,
        "scheduledOneTimeMeetingsOrganizedCount": organized // 3,
        "scheduledOneTimeMeetingsAttendedCount": meetings // 3,
        "scheduledRecurringMeetingsOrganizedCount": organized - 2 * (organized // 3),
        "scheduledRecurringMeetingsAttendedCount": meetings - meetings // 4 - meetings // 3,
        "audioDurationInSeconds": audio,
        "videoDurationInSeconds": round(meetings * 2700 * p.video_share) if p.camera else 0,
        "screenShareDurationInSeconds": meetings * 240 if p.clients and p.clients[0] != "Web" else 0,
        "activeDays": active,
    }


def active_on(p: TeamsUsage, day: date, salt: float) -> bool:
    """Whether the person used Teams on ``day`` (for the one-day ``date=`` reports).

    ``salt`` is a per-(user, day) uniform draw; the last activity day is always active.
    """
    if p.last_activity is None or day > p.last_activity or day.weekday() >= 5:
        return False
    return day == p.last_activity or salt < p.level
