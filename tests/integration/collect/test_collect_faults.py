"""Collection survives the faults real services produce, all at once, and stays polite.

One collection of a small town (every Graph source the shipped policies read) runs fault-free, then
again with, at the same time: 20 % of requests answered 429 (``Retry-After`` cycling through an
integer, a fraction, an HTTP-date and no header at all), 2 % answered 503 and 1 % of connections cut
mid-response — inner ``$batch`` requests included, where msgraph-sdk retries nothing (sdk.md §5).
The emulator runs in strict mode: a request repeated before its ``Retry-After`` elapsed is refused
again and counted as *hammering*.

Small delays keep it to seconds: the fractions ask for 0.05 s, so the integer and HTTP-date forms
(whole seconds) dominate the wait.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from m365gov.auth import StaticTestCredential
from m365gov.collect.runner import Collection
from m365gov.config import Config, config_from_mapping
from m365gov.emulator import Emulator, Faults, RequestRecord, Tenant, generate_tenant
from m365gov.emulator.faults import RETRY_AFTER_FORMS
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.pipeline import collect_snapshot, compile_policies
from tests.support.normalise import normalised

THROTTLE_RATE, ERROR_503_RATE, DROP_RATE = 0.20, 0.02, 0.01
# A run sends only ~30 top-level requests (drops never apply inside $batch), so 1 % of them is a coin
# toss; with this seed the emulator's per-request draws (a fresh emulator: every request is a first one)
# cut at least two connections on every run (/sites and /subscribedSkus), and 503s land on several.
FAULTS = Faults(
    seed=854,
    throttle_rate=THROTTLE_RATE,
    error_503_rate=ERROR_503_RATE,
    drop_rate=DROP_RATE,
    retry_after_forms=RETRY_AFTER_FORMS,
    retry_after_order="cycle",
    retry_after_seconds=0.05,
    strict_retry_after=True,
)
MAX_ATTEMPTS = 8
POLICIES = compile_policies(None)


@dataclass(frozen=True)
class Run:
    """One collection and what the emulator saw of it."""

    collection: Collection
    stats: dict[str, Any]
    log: list[RequestRecord]


def _config(emu: Emulator, town: Tenant, tmp: Path, **collect: Any) -> Config:
    inventory = tmp / "inventaire.csv"
    inventory.write_text(town.inventory_csv(), encoding="utf-8")
    return config_from_mapping(
        {
            "tenant_id": town.tenant_id,
            "graph": {"endpoint": emu.graph_url},
            "auth": {"mode": "emulator"},
            "collect": {"max_retry_wait": 5, "max_attempts": MAX_ATTEMPTS, **collect},
            "inventory": {"csv": str(inventory)},
            "council": {"group_id": town.council_group_id, "chamber_device": CHAMBER_NAME},
        }
    )


def _run(emu: Emulator, config: Config, town: Tenant) -> Run:
    emu.reset_stats()
    collection = collect_snapshot(config, StaticTestCredential(), POLICIES, as_of=town.now)
    return Run(collection, emu.stats(), emu.requests)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    """The same collection fault-free, then under every fault at once — each against a fresh emulator,
    so that every request of the faulty run meets the fate its seed decides for a first request."""
    town = generate_tenant(users=80)
    tmp = tmp_path_factory.mktemp("faults")
    with Emulator(town) as emu:
        clean = _run(emu, _config(emu, town, tmp), town)
    with Emulator(town, faults=FAULTS) as emu:
        faulty = _run(emu, _config(emu, town, tmp), town)
    return clean, faulty


def _graph_sections(run: Run) -> dict[str, str]:
    return {n: s.status for n, s in run.collection.snapshot.sources.items() if s.status != "not_configured"}


def test_every_fault_kind_and_every_retry_after_form_was_injected(runs: tuple[Run, Run]) -> None:
    _, faulty = runs
    faults = faulty.stats["faults"]
    # "cycle" hands the forms out in turn, so every form was sent at least twice.
    assert faults["throttle"] >= 2 * len(RETRY_AFTER_FORMS)
    assert faults["error_503"] >= 1 and faults["drop"] >= 1
    assert any(r.inner and r.fault == "throttle" for r in faulty.log), "no 429 inside $batch"


def test_the_snapshot_under_faults_equals_the_fault_free_one(runs: tuple[Run, Run]) -> None:
    clean, faulty = runs
    assert set(_graph_sections(clean).values()) == {"ok"}, _graph_sections(clean)
    assert normalised(faulty.collection.snapshot.to_json()) == normalised(clean.collection.snapshot.to_json())


def test_no_request_was_repeated_before_its_retry_after(runs: tuple[Run, Run]) -> None:
    """Hammering is zero — but for an inner request whose 429 travelled in a ``$batch`` response that the
    network then cut: m365gov never saw that ``Retry-After``, and re-sends the whole batch."""
    _, faulty = runs
    log = faulty.log
    unseen = 0
    for i, r in enumerate(log):
        if r.fault != "hammering":
            continue
        refused = [x for x in log[:i] if (x.path, x.query, x.inner) == (r.path, r.query, r.inner) and x.status == 429]
        carried_by = [
            b for b in log
            if b.path.endswith("$batch") and b.started <= refused[-1].started <= b.started + b.duration
        ]
        assert r.inner and any(b.fault == "drop" for b in carried_by), f"hammered {r.path}"
        unseen += 1
    assert faulty.stats["hammering"] == unseen <= sum(1 for b in log if b.path.endswith("$batch") and b.fault == "drop")


def test_every_retry_answers_an_injected_fault_and_none_gave_up(runs: tuple[Run, Run]) -> None:
    _, faulty = runs
    s = faulty.collection.stats
    injected = sum(faulty.stats["faults"].get(k, 0) for k in ("throttle", "error_503", "drop"))
    assert 0 < s.retries <= injected
    assert s.gave_up == 0


def test_retries_stay_under_a_ceiling_derived_from_the_fault_rates(runs: tuple[Run, Run]) -> None:
    """Each attempt fails with probability p ≤ 20 % + 2 % + 1 %, independently (the emulator draws each
    attempt afresh), so the retries of N requests are a sum of N geometric variables: mean N·p/(1−p),
    standard deviation √(N·p)/(1−p). The ceiling is the mean plus five standard deviations."""
    clean, faulty = runs
    n = clean.stats["http_requests"] + clean.stats["batch_inner_requests"]
    p = THROTTLE_RATE + ERROR_503_RATE + DROP_RATE
    ceiling = n * p / (1 - p) + 5 * math.sqrt(n * p) / (1 - p)
    assert n > 200  # enough requests for the rates to mean something
    assert faulty.collection.stats.retries <= ceiling, (faulty.collection.stats.to_json(), ceiling)


def test_no_request_is_sent_more_often_than_its_faults_allow(runs: tuple[Run, Run]) -> None:
    """A GET goes out once, plus once per fault it met; an inner one also goes out again when the
    connection carrying its whole ``$batch`` was cut (the batch is re-sent)."""
    clean, faulty = runs

    def key(r: RequestRecord) -> tuple[str, str, bool]:
        # a report's download link is made afresh for every run: compare it by its route
        path = r.route if r.route and "/download/" in r.route else r.path
        return (path or r.path, r.query, r.inner)

    once = Counter(key(r) for r in clean.log if r.method == "GET")
    sent = Counter(key(r) for r in faulty.log if r.method == "GET")
    faulted = Counter(key(r) for r in faulty.log if r.method == "GET" and r.fault)
    cut_batches = sum(1 for r in faulty.log if r.path.endswith("$batch") and r.fault == "drop")
    for k, n in sent.items():
        assert n <= once[k] + faulted[k] + (cut_batches if k[2] else 0), k
        assert n <= MAX_ATTEMPTS * once[k], k


def _gap_after_429(log: list[RequestRecord], path: str, inner: bool = False) -> float:
    """Seconds between the end of the first 429 on ``path`` and the start of the next request for it."""
    mine = [r for r in log if r.path == path and r.inner == inner]
    first = next(i for i, r in enumerate(mine) if r.status == 429)
    return mine[first + 1].started - (mine[first].started + mine[first].duration)


def test_a_long_retry_after_is_waited_for_in_full(live_emulator: Emulator, town: Tenant, tmp_path: Path) -> None:
    live_emulator.faults = Faults(strict_retry_after=True)
    live_emulator.script("/v1.0/organization", status=429, headers={"Retry-After": "2"})
    config = _config(live_emulator, town, tmp_path, sources=["organization", "users"])
    collection = collect_snapshot(config, StaticTestCredential(), POLICIES, as_of=town.now)
    assert collection.snapshot.sources["organization"].ok
    assert live_emulator.stats()["hammering"] == 0
    assert _gap_after_429(live_emulator.requests, "/v1.0/organization") >= 1.9


def test_a_fractional_retry_after_is_waited_as_given_not_rounded_nor_replaced_by_a_backoff(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    """msgraph-sdk's RetryHandler cannot read ``0.4`` and falls back to its own ≈3.5 s backoff; m365gov's
    layer waits 0.4 s — not the whole second an integer reading would give."""
    live_emulator.faults = Faults(strict_retry_after=True)
    live_emulator.script("/v1.0/organization", status=429, headers={"Retry-After": "0.4"})
    config = _config(live_emulator, town, tmp_path, sources=["organization"])
    assert collect_snapshot(config, StaticTestCredential(), POLICIES).snapshot.sources["organization"].ok
    assert live_emulator.stats()["hammering"] == 0
    assert 0.35 <= _gap_after_429(live_emulator.requests, "/v1.0/organization") < 0.9


def test_an_inner_batch_429_is_retried_alone_after_its_own_retry_after(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    """msgraph-sdk retries nothing inside ``$batch``; m365gov sends the refused inner request again,
    alone, after the delay that inner response asked for."""
    live_emulator.faults = Faults(strict_retry_after=True)
    live_emulator.script("/v1.0/users/", status=429, headers={"Retry-After": "0.6"}, inner=True, times=1)
    config = _config(live_emulator, town, tmp_path, sources=["userTeamwork"])
    collection = collect_snapshot(config, StaticTestCredential(), POLICIES)
    assert collection.snapshot.sources["userTeamwork"].ok
    assert live_emulator.stats()["hammering"] == 0
    log = live_emulator.requests
    refused = next(r for r in log if r.inner and r.status == 429)
    assert [r.status for r in log if r.inner and r.path == refused.path] == [429, 200]
    assert _gap_after_429(log, refused.path, inner=True) >= 0.55
    inner = [r for r in log if r.inner]
    assert len(inner) == len({r.path for r in inner}) + 1  # only the refused one was asked twice
