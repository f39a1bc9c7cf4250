"""Fault decisions: deterministic per request, every Retry-After form, scripted answers."""

from __future__ import annotations

import email.utils

import pytest

from m365gov.emulator.faults import FaultInjector, Faults, parse_retry_after, retry_after_header
from m365gov.emulator.protocol import make_request

NOW = 1_800_000_000.0


def _injector(**kw: object) -> FaultInjector:
    return FaultInjector(Faults(**kw), clock=lambda: NOW)  # type: ignore[arg-type]


def _fates(injector: FaultInjector, n: int = 40) -> list[int | None]:
    out = []
    for k in range(n):
        resp = injector.before(make_request("GET", f"/v1.0/users?$top={k % 7 + 1}"), "rid")
        out.append(resp.status if resp else None)
    return out


def test_int_form_rounds_up() -> None:
    assert retry_after_header("int", 0.2, NOW) == {"Retry-After": "1"}


def test_fraction_form_keeps_milliseconds() -> None:
    assert retry_after_header("fraction", 2.128, NOW) == {"Retry-After": "2.128"}


def test_http_date_form_is_an_rfc_date_not_before_the_delay() -> None:
    value = retry_after_header("http-date", 1.5, NOW)["Retry-After"]
    assert value.endswith("GMT")
    assert email.utils.parsedate_to_datetime(value).timestamp() >= NOW + 1.5


def test_absent_form_sends_no_header() -> None:
    assert retry_after_header("absent", 1, NOW) == {}


def test_parse_retry_after_reads_all_forms() -> None:
    assert parse_retry_after("2.128", NOW) == pytest.approx(2.128)
    assert parse_retry_after(email.utils.formatdate(NOW + 3, usegmt=True), NOW) == pytest.approx(3)
    assert parse_retry_after("soon", NOW) is None


def test_same_seed_same_fates() -> None:
    assert _fates(_injector(seed=3, throttle_rate=0.3)) == _fates(_injector(seed=3, throttle_rate=0.3))


def test_throttle_rate_is_roughly_honoured() -> None:
    fates = _fates(_injector(seed=1, throttle_rate=0.5), 400)
    assert 120 < fates.count(429) < 280


def test_a_retried_request_draws_a_new_fate() -> None:
    inj = _injector(seed=5, throttle_rate=0.5)
    req = make_request("GET", "/v1.0/users")
    fates = {bool(inj.before(req, "rid")) for _ in range(30)}
    assert fates == {True, False}


def test_forms_cycle_in_order() -> None:
    inj = _injector(throttle_rate=1.0, retry_after_seconds=2)
    got = [inj.before(make_request("GET", "/v1.0/users"), "rid") for _ in range(4)]
    headers = [r.headers.get("Retry-After") if r else "?" for r in got]
    assert headers[0] == "2" and headers[1] == "2.000" and str(headers[2]).endswith("GMT") and headers[3] is None


def test_forbidden_prefix_gets_403() -> None:
    resp = _injector(forbidden=frozenset({"/v1.0/sites"})).before(make_request("GET", "/v1.0/sites/root"), "r")
    assert resp is not None and resp.status == 403
    assert resp.json()["error"]["code"] == "Authorization_RequestDenied"


def test_scripted_fault_answers_only_the_given_number_of_times() -> None:
    inj = _injector()
    inj.script("/v1.0/users", status=503, times=2)
    got = [inj.before(make_request("GET", "/v1.0/users"), "r") for _ in range(3)]
    assert [r.status if r else None for r in got] == [503, 503, None]


def test_scripted_fault_can_target_inner_requests_only() -> None:
    inj = _injector()
    inj.script("/v1.0/users", inner=True, times=None)
    assert inj.before(make_request("GET", "/v1.0/users"), "r") is None
    assert inj.before(make_request("GET", "/v1.0/users", inner=True), "r") is not None


def test_strict_mode_refuses_an_early_retry_as_hammering() -> None:
    clock = [NOW]
    inj = FaultInjector(Faults(strict_retry_after=True), clock=lambda: clock[0])
    inj.script("/v1.0/users", status=429, headers={"Retry-After": "2"})
    req = make_request("GET", "/v1.0/users")
    assert inj.before(req, "r").status == 429  # type: ignore[union-attr]
    clock[0] += 1
    early = inj.before(req, "r")
    assert early is not None and early.fault == "hammering"
    clock[0] += 1.5
    assert inj.before(req, "r") is None


def test_strict_mode_tells_two_batches_apart_by_their_body() -> None:
    """Two ``$batch`` POSTs share method and path: another batch sent while one waits is not a repeat."""
    clock = [NOW]
    inj = FaultInjector(Faults(strict_retry_after=True), clock=lambda: clock[0])
    inj.script("/v1.0/$batch", status=429, headers={"Retry-After": "2"})
    first = make_request("POST", "/v1.0/$batch", {}, b'{"requests": [{"id": "1"}]}')
    other = make_request("POST", "/v1.0/$batch", {}, b'{"requests": [{"id": "2"}]}')
    assert inj.before(first, "r").status == 429  # type: ignore[union-attr]
    clock[0] += 1
    assert inj.before(other, "r") is None
    early = inj.before(first, "r")
    assert early is not None and early.fault == "hammering"


@pytest.mark.parametrize("field,value", [("throttle_rate", 1.5), ("drop_rate", -0.1), ("latency", -1)])
def test_invalid_fault_settings_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError):
        Faults(**{field: value})  # type: ignore[arg-type]


def test_unknown_retry_after_form_is_refused() -> None:
    with pytest.raises(ValueError):
        Faults(retry_after_forms=("soon",))  # type: ignore[arg-type]


def test_forbidden_prefix_without_version_means_v1() -> None:
    assert Faults(forbidden=frozenset({"sites", "/beta/teamwork"})).forbidden == {"/v1.0/sites", "/beta/teamwork"}
