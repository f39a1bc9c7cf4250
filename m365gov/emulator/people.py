"""The town's people as Graph ``user`` objects: staff, elected council, service accounts and guests.

Proportions hold at every scale (departments grow, the council stays at 33). Licensing follows the
town's history: staff hired before the EEA unbundling of 1 October 2023 hold Office 365 E3 (Teams
included); later hires hold "Microsoft 365 E3 EEA (no Teams)", most with the separate Teams EEA
licence and some without. Council members hold Office 365 E1. About 6 % of licensed users also
hold the Multi-Geo add-on. All values here are the *compliant* ones; residency defects are applied
afterwards by :mod:`m365gov.emulator.defects`, so that fixing or adding one never reshuffles the rest.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from m365gov.emulator import names
from m365gov.emulator.ids import GuidStream
from m365gov.emulator.licensing import (
    ENTERPRISEPACK,
    M365_E3_NO_TEAMS,
    MULTIGEO,
    STANDARDPACK,
    TEAMS1,
    TEAMS_EEA,
    Assignment,
    PlanBook,
)
from m365gov.timeutil import to_iso

TENANT_CREATED = datetime(2015, 3, 2, 9, 0, tzinfo=UTC)
EEA_UNBUNDLING = datetime(2023, 10, 1, tzinfo=UTC)
MULTIGEO_PURCHASED = datetime(2024, 2, 5, 9, 0, tzinfo=UTC)
COUNCIL_INSTALLED = datetime(2026, 3, 23, 18, 0, tzinfo=UTC)  # after the March 2026 municipal elections
MULTIGEO_SHARE = 0.06
MIN_USERS = 80


@dataclass
class Population:
    """Users plus the indexes the rest of the generator needs (positions in ``users``)."""

    users: list[dict[str, Any]] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    council: list[int] = field(default_factory=list)  # in rank order: the mayor first
    service: list[int] = field(default_factory=list)
    guests: list[int] = field(default_factory=list)
    licensed: list[int] = field(default_factory=list)
    multigeo: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    by_department: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Staff:
    female: bool
    given: str
    surname: str
    department: names.Department
    head: bool
    created: datetime
    licences: list[Assignment]
    enabled: bool = True


class _Namer:
    """Draws French names and hands out unique ``prenom.nom`` address stems."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: dict[str, int] = {}

    def person(self, female: bool | None = None) -> tuple[bool, str, str]:
        rng = self._rng
        if female is None:
            female = rng.random() < 0.56
        given = rng.choice(names.FEMALE_GIVEN_NAMES if female else names.MALE_GIVEN_NAMES)
        return female, given, rng.choice(names.SURNAMES)

    def stem(self, given: str, surname: str) -> str:
        base = f"{names.ascii_fold(given)}.{names.ascii_fold(surname)}"
        n = self._taken.get(base, 0) + 1
        self._taken[base] = n
        return base if n == 1 else f"{base}{n}"


def _monday_after(when: datetime) -> str:
    """Licences are assigned by a weekly job, on the Monday at 09:00 UTC following account creation."""
    return _monday(when.date(), (when.hour, when.minute, when.second, when.microsecond) > (9, 0, 0, 0))


@functools.lru_cache(maxsize=8192)
def _monday(day: date, after_nine: bool) -> str:
    ahead = (7 - day.weekday()) % 7
    if ahead == 0 and after_nine:
        ahead = 7
    return to_iso(datetime.combine(day + timedelta(days=ahead), time(9, 0), tzinfo=UTC))


def _split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder apportionment, at least two people per department."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [max(2, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > total:
        j = max(range(len(counts)), key=lambda k: counts[k])
        counts[j] -= 1
    return counts


def generate_population(seed: int, total: int, now: datetime, book: PlanBook) -> Population:
    """Build every user of the tenant, deterministically from ``seed``."""
    if total < MIN_USERS:
        raise ValueError(f"the fictional town needs at least {MIN_USERS} users, got {total}")
    rng = random.Random(f"m365gov-emulator:{seed}:people")
    guids = GuidStream(seed, "users")
    namer = _Namer(rng)
    n_guests = max(3, round(total * 0.02))
    n_staff = total - names.COUNCIL_SIZE - len(names.SERVICE_ACCOUNTS) - n_guests
    pop = Population()

    staff = _draw_staff(rng, namer, n_staff, now)
    _grant_multigeo(rng, staff)
    for person in staff:
        _add_staff(pop, guids, namer, book, person)
    _add_council(pop, rng, guids, namer, book)
    _add_service_accounts(pop, rng, guids, now)
    _add_guests(pop, rng, guids, n_guests, now)
    return pop


def _draw_staff(rng: random.Random, namer: _Namer, n_staff: int, now: datetime) -> list[_Staff]:
    span = int((now - timedelta(days=7) - TENANT_CREATED).total_seconds())
    counts = _split(n_staff, [d.weight for d in names.DEPARTMENTS])
    out: list[_Staff] = []
    for dept, count in zip(names.DEPARTMENTS, counts, strict=True):
        for k in range(count):
            female, given, surname = namer.person()
            created = TENANT_CREATED + timedelta(seconds=rng.randrange(span))
            head = k == 0
            r = rng.random()
            licences: list[Assignment] = []
            enabled = True
            if not head and r < 0.01:
                enabled = False  # left the town: account disabled, licences already removed
            elif not head and r < 0.04:
                pass  # field staff without a workstation: no licence
            elif created < EEA_UNBUNDLING:
                disabled = (TEAMS1.id,) if not head and rng.random() < 0.05 else ()
                licences.append(Assignment(ENTERPRISEPACK, disabled))
            else:
                licences.append(Assignment(M365_E3_NO_TEAMS))
                if head or rng.random() < 0.8:
                    licences.append(Assignment(TEAMS_EEA))
            out.append(_Staff(female, given, surname, dept, head, created, licences, enabled))
    return out


def _has_teams(licences: list[Assignment]) -> bool:
    return any(a.sku.has_teams and TEAMS1.id not in a.disabled for a in licences)


def _grant_multigeo(rng: random.Random, staff: list[_Staff]) -> None:
    """Give the Multi-Geo add-on to ~6 % of licensed users, all of them Teams users."""
    licensed = sum(1 for s in staff if s.licences) + names.COUNCIL_SIZE
    eligible = [s for s in staff if s.enabled and _has_teams(s.licences)]
    count = min(len(eligible), max(2, round(licensed * MULTIGEO_SHARE)))
    for person in rng.sample(eligible, count):
        person.licences.append(Assignment(MULTIGEO))


def _assign(user: dict[str, Any], book: PlanBook, licences: list[Assignment], created: datetime) -> None:
    first = _monday_after(created)
    dates = [max(first, _monday_after(MULTIGEO_PURCHASED)) if a.sku is MULTIGEO else first for a in licences]
    user["assignedLicenses"], user["assignedPlans"], user["licenseAssignmentStates"] = book.assign(licences, dates)


def _base_user(uid: str, display: str, upn: str, created: datetime) -> dict[str, Any]:
    return {
        "id": uid,
        "accountEnabled": True,
        "assignedLicenses": [],
        "assignedPlans": [],
        "businessPhones": [],
        "createdDateTime": to_iso(created),
        "displayName": display,
        "userPrincipalName": upn,
        "userType": "Member",
    }


def _add_staff(pop: Population, guids: GuidStream, namer: _Namer, book: PlanBook, s: _Staff) -> None:
    stem = namer.stem(s.given, s.surname)
    upn = f"{stem}@{names.DOMAIN}"
    user = _base_user(guids.next(), f"{s.given} {s.surname}", upn, s.created)
    title = s.department.head if s.head else s.department.titles[len(pop.users) % len(s.department.titles)]
    user.update({
        "accountEnabled": s.enabled,
        "city": names.TOWN,
        "companyName": names.ORGANIZATION_NAME,
        "country": "France",
        "department": s.department.name,
        "employeeType": "Contractuel" if len(pop.users) % 4 == 3 else "Titulaire",
        "givenName": s.given,
        "jobTitle": title[1] if s.female else title[0],
        "mailNickname": stem,
        "officeLocation": s.department.offices[len(pop.users) % len(s.department.offices)],
        "preferredLanguage": "fr-FR",
        "surname": s.surname,
        "usageLocation": "FR",
    })
    if s.head:
        n = len(pop.heads)
        user["businessPhones"] = [f"+33 3 85 00 {10 + n // 100:02d} {n % 100:02d}"]
    idx = len(pop.users)
    if s.licences:
        user["mail"] = upn
        user["preferredDataLocation"] = "FRA"
        _assign(user, book, s.licences, s.created)
        pop.licensed.append(idx)
        if any(a.sku is MULTIGEO for a in s.licences):
            pop.multigeo.append(idx)
    pop.users.append(user)
    pop.staff.append(idx)
    pop.by_department.setdefault(s.department.name, []).append(idx)
    if s.head:
        pop.heads.append(idx)


def _add_council(pop: Population, rng: random.Random, guids: GuidStream, namer: _Namer, book: PlanBook) -> None:
    female = rng.random() < 0.5
    for rank in range(names.COUNCIL_SIZE):
        _, given, surname = namer.person(female)
        stem = namer.stem(given, surname)
        upn = f"{stem}@{names.DOMAIN}"
        created = COUNCIL_INSTALLED + timedelta(hours=rng.randrange(0, 24 * 10))
        user = _base_user(guids.next(), f"{given} {surname}", upn, created)
        user.update({
            "city": names.TOWN,
            "companyName": names.ORGANIZATION_NAME,
            "country": "France",
            "department": names.COUNCIL_DEPARTMENT,
            "employeeType": "Élu",
            "givenName": given,
            "jobTitle": names.council_title(rank, female),
            "mail": upn,
            "mailNickname": stem,
            "officeLocation": "Hôtel de ville",
            "preferredDataLocation": "FRA",
            "preferredLanguage": "fr-FR",
            "surname": surname,
            "usageLocation": "FR",
        })
        _assign(user, book, [Assignment(STANDARDPACK)], created)
        idx = len(pop.users)
        pop.users.append(user)
        pop.council.append(idx)
        pop.licensed.append(idx)
        female = not female  # lists and adjoints alternate women and men (parity law)


def _add_service_accounts(pop: Population, rng: random.Random, guids: GuidStream, now: datetime) -> None:
    for nickname, display, usage in names.SERVICE_ACCOUNTS:
        created = TENANT_CREATED + timedelta(days=rng.randrange(30, 900))
        user = _base_user(guids.next(), display, f"{nickname}@{names.DOMAIN}", created)
        user.update({"department": "DSI", "mailNickname": nickname, "preferredLanguage": "fr-FR"})
        if usage:
            user["usageLocation"] = usage
        pop.service.append(len(pop.users))
        pop.users.append(user)


def _add_guests(pop: Population, rng: random.Random, guids: GuidStream, count: int, now: datetime) -> None:
    span = int((now - datetime(2019, 1, 1, tzinfo=UTC)).total_seconds())
    for k in range(count):
        _, given, surname = _pick(rng)
        domain, org = names.GUEST_DOMAINS[k % len(names.GUEST_DOMAINS)]
        local = f"{names.ascii_fold(given)}.{names.ascii_fold(surname)}"
        if k >= len(names.GUEST_DOMAINS):
            local += str(k)
        created = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(span))
        upn = f"{local}_{domain}#EXT#@{names.INITIAL_DOMAIN}"
        user = _base_user(guids.next(), f"{given} {surname} ({org})", upn, created)
        user.update({
            "companyName": org,
            "creationType": "Invitation",
            "externalUserState": "PendingAcceptance" if k % 9 == 8 else "Accepted",
            "givenName": given,
            "mail": f"{local}@{domain}",
            "mailNickname": f"{local}_{domain}#EXT#",
            "surname": surname,
            "userType": "Guest",
        })
        pop.guests.append(len(pop.users))
        pop.users.append(user)


def _pick(rng: random.Random) -> tuple[bool, str, str]:
    female = rng.random() < 0.5
    given = rng.choice(names.FEMALE_GIVEN_NAMES if female else names.MALE_GIVEN_NAMES)
    return female, given, rng.choice(names.SURNAMES)
