"""Secrets are masked wherever m365gov could print or store them: logs, error lines, source details."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import pytest

from m365gov.auth import TEST_TOKEN_ENV, StaticTestCredential, credential_for
from m365gov.collect.base import CollectContext, Source
from m365gov.config import config_from_mapping
from m365gov.redact import MASK, install_log_redaction, redact, register_secret
from m365gov.timeutil import utcnow


def test_a_registered_secret_is_masked_wherever_it_appears() -> None:
    register_secret("canary-unit-secret-1")
    assert redact("login with canary-unit-secret-1, again canary-unit-secret-1.") == "login with ***, again ***."


def test_a_short_value_is_not_registered_so_ordinary_words_survive() -> None:
    register_secret("abc")
    assert redact("abc abc") == "abc abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer opaque-token-123", "Authorization: Bearer ***"),
        ("(b'authorization', b'Bearer eyJhbGci.eyJzdWIi.c2ln')", "(b'authorization', b'Bearer ***')"),
        ("token eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl seen", "token *** seen"),
        ("grant_type=client_credentials&client_secret=s3cr3t-value&scope=x",
         "grant_type=client_credentials&client_secret=***&scope=x"),
        ('{"token_type": "Bearer", "access_token": "opaque.value"}', '{"token_type": "Bearer", "access_token": "***"}'),
        ("GET https://reports.office.com/data/download/JDFKdf2_eJXKS034dbc7e0t__XDe?x=1",
         "GET https://reports.office.com/data/download/***?x=1"),
        ("https://kv.blob.core.windows.net/b?sv=1&sig=abcdef%2B", "https://kv.blob.core.windows.net/b?sv=1&sig=***"),
    ],
)
def test_secret_shaped_values_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"',
        "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.",
        "client_secret_env = M365GOV_CLIENT_SECRET; certificate_password_env = PFX_PASSWORD",
        "HTTP 403 Authorization_RequestDenied on /v1.0/sites: Insufficient privileges.",
    ],
)
def test_what_is_not_a_secret_is_left_alone(text: str) -> None:
    assert redact(text) == text


def _captured_logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger("redaction-test-root")
    root.handlers = [logging.StreamHandler(stream)]
    root.setLevel(logging.DEBUG)
    root.propagate = False
    install_log_redaction(root)
    return root, stream


def test_the_log_filter_masks_library_records_formatted_from_their_arguments() -> None:
    root, stream = _captured_logger()
    child = logging.getLogger("redaction-test-root.hpack.hpack")  # records propagate to the root's handlers
    child.debug("Encoding %s", [(b"authorization", b"Bearer canary-log-token-42"), (b"accept", b"*/*")])
    child.info("HTTP Request: GET %s", "https://reports.office.com/data/download/AbCdEf0123456789")
    out = stream.getvalue()
    assert "canary-log-token-42" not in out and "AbCdEf0123456789" not in out
    assert out.count(MASK) == 2 and "(b'accept', b'*/*')" in out
    assert root.handlers


def test_the_log_filter_masks_exceptions_and_their_tracebacks() -> None:
    _, stream = _captured_logger()
    register_secret("canary-in-exception-77")
    try:
        raise RuntimeError("the server said: invalid client secret canary-in-exception-77")
    except RuntimeError:
        logging.getLogger("redaction-test-root.azure.identity").debug("token request failed", exc_info=True)
    out = stream.getvalue()
    assert "canary-in-exception-77" not in out and "Traceback" in out and "RuntimeError" in out


def test_the_static_test_token_is_registered_and_the_canary_variable_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_TOKEN_ENV, "canary-token-from-env-1")
    cred = StaticTestCredential()
    assert cred.get_token("https://graph.microsoft.com/.default").token == "canary-token-from-env-1"
    assert redact("Bearer-less canary-token-from-env-1") == f"Bearer-less {MASK}"


def test_the_client_secret_read_from_the_environment_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M365GOV_TEST_SECRET", "canary-client-secret-9")
    config = config_from_mapping({"tenant_id": "t", "auth": {
        "mode": "client_secret", "client_id": "c", "client_secret_env": "M365GOV_TEST_SECRET"}})
    credential_for(config)
    assert redact("secret=canary-client-secret-9") == f"secret={MASK}"


def test_a_loopback_login_authority_skips_instance_discovery_and_a_real_one_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("M365GOV_TEST_SECRET", "canary-client-secret-9")

    def credential(authority: str) -> Any:
        return credential_for(config_from_mapping({"tenant_id": "t", "auth": {
            "mode": "client_secret", "client_id": "c", "client_secret_env": "M365GOV_TEST_SECRET",
            "authority": authority}}))

    assert credential("https://127.0.0.1:8443")._instance_discovery is False
    assert credential("login.microsoftonline.com")._instance_discovery is not False


class _EchoingSource(Source):
    """A source whose service echoes the bearer token in its error (some proxies do)."""

    name = "echo"
    description = "test"
    permissions = ()

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        raise RuntimeError("401: invalid token 'Bearer canary-echoed-token-5' for this resource")


def test_a_source_detail_never_keeps_an_echoed_token() -> None:
    config = config_from_mapping({"tenant_id": "t", "graph": {"endpoint": "http://127.0.0.1:1/v1.0"},
                                  "auth": {"mode": "emulator"}})
    now = utcnow()
    ctx = CollectContext(config=config, credential=None, collected_at=now, as_of=now)
    section = asyncio.run(_EchoingSource().collect(ctx))
    assert section.status == "error" and "canary-echoed-token-5" not in (section.detail or "")
    assert "Bearer ***" in (section.detail or "")


def test_hpack_logs_the_bearer_token_at_debug_and_the_filter_masks_it() -> None:
    """The threat is real: over HTTP/2 (Graph over https), ``-vv`` lets hpack log every header it encodes,
    the bearer token included, in clear."""
    import hpack

    logger = logging.getLogger("hpack")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    raw, masked = io.StringIO(), io.StringIO()
    plain, filtered = logging.StreamHandler(raw), logging.StreamHandler(masked)
    try:
        logger.handlers, logger.propagate = [plain], False
        logger.setLevel(logging.DEBUG)
        hpack.Encoder().encode([(b"authorization", b"Bearer canary-hpack-token-1")])
        logger.handlers = [filtered]
        install_log_redaction(logger)
        hpack.Encoder().encode([(b"authorization", b"Bearer canary-hpack-token-1")])
    finally:
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers = saved[2]
    assert "canary-hpack-token-1" in raw.getvalue()
    assert "canary-hpack-token-1" not in masked.getvalue() and "Bearer ***" in masked.getvalue()
