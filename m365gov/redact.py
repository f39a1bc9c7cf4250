"""Keeping secrets out of everything m365gov prints or writes.

m365gov holds a client secret or a certificate password (from the environment) and bearer tokens (in
memory). None of them may reach stdout, stderr, a log or a file — CI logs and report artifacts are
read by many more people than the app registration's owners. Three layers:

* nothing in m365gov formats a credential or a header (``repr`` of the test credential hides its
  token; sources quote error codes and messages, never requests);
* secrets m365gov knows of — the client secret and certificate password it read, the static test
  token it hands out — are *registered* here and replaced by ``***`` wherever they would appear;
* shapes of secrets it cannot know in advance are replaced too: ``Bearer …`` values, JSON Web
  Tokens, ``client_secret=…``/``"access_token": "…"`` pairs, and the pre-authenticated download
  links of usage reports (graph.md §3.2).

:func:`install_log_redaction` puts a filter on the root logger's handlers, so that every library's
records (msgraph/kiota/httpx/hpack/azure-core/msal at DEBUG with ``-vv``) pass through
:func:`redact` before they are written. The CLI also redacts its own error lines, and collection the
details it stores in snapshot sections.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback

MASK = "***"
MIN_SECRET_LENGTH = 6
"""Shorter values are not registered: masking every "abc" in a log would hide more than it protects."""

_lock = threading.Lock()
_secrets: set[str] = set()
_known: re.Pattern[str] | None = None

_SHAPES = (
    # Authorization: Bearer <token>, also as hpack logs it: (b'authorization', b'Bearer <token>')
    # (not an auth-param such as WWW-Authenticate's ``Bearer authorization="…"``, nor a short word)
    (re.compile(r"(?i)\b(bearer\s+)(?![a-z_]+=\")[^\s'\"<>,;)\]}=]{8,}=*"), rf"\g<1>{MASK}"),
    # a JSON Web Token anywhere (Entra access tokens, client assertions, federated tokens)
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), MASK),
    # form or JSON pairs naming a secret
    (re.compile(
        r"(?i)(\"?\b(?:client_secret|client_assertion|access_token|refresh_token|id_token|password|assertion)\b\"?"
        r"\s*[=:]\s*\"?)[^&\s\"',}]+"),
     rf"\g<1>{MASK}"),
    # a usage report's pre-authenticated download link: the path is the credential
    (re.compile(r"(?i)(/data/download/)[^\s?\"'<>]+"), rf"\g<1>{MASK}"),
    # SAS-style signatures in query strings
    (re.compile(r"(?i)([?&](?:sig|code|tempauth|token)=)[^&\s\"'<>]+"), rf"\g<1>{MASK}"),
)


def register_secret(value: str | bytes | None) -> None:
    """Mask ``value`` wherever it would be printed from now on (in this process)."""
    if value is None:
        return
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    if len(text) < MIN_SECRET_LENGTH:
        return
    global _known
    with _lock:
        if text in _secrets:
            return
        _secrets.add(text)
        ordered = sorted(_secrets, key=len, reverse=True)
        _known = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    """``text`` with every registered secret and every secret-shaped value replaced by ``***``."""
    known = _known
    if known is not None:
        text = known.sub(MASK, text)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter that redacts a record's message, exception and stack before formatting.

    The message is formatted here (``getMessage``) and frozen, so that arguments — a header tuple, a
    request object whose ``repr`` shows a URL — are redacted as the reader would see them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string must not silence the log
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Add the redacting filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
