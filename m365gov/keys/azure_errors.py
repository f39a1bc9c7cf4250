"""Turning Azure SDK exceptions into honest, actionable sentences and source statuses.

One mapping for the data plane (Key Vault) and the management plane (ARM), used by collection and by
``keys apply`` alike (customer-key.md §4.4): a 403 from RBAC or an access policy is a missing
permission naming what to grant; a firewall refusal is an error with its reason; 429 is throttling;
401, 5xx and network failures are errors. Messages quote the service's error code and first line,
never a header, a token or key material.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from m365gov.redact import redact
from m365gov.statuses import SRC_ERROR, SRC_MISSING_PERMISSION, SRC_THROTTLED

READ_PERMISSION = "Key Vault Reader role on the vault (or an access policy with keys: get, list, getrotationpolicy)"
"""What collection needs on each vault's data plane: metadata and public keys only, no crypto."""
WRITE_PERMISSION = (
    "an access policy with keys: get, list, create, backup, rotate, getrotationpolicy, setrotationpolicy "
    "(or the Key Vault Crypto Officer role, which also grants delete — prefer the access policy)"
)
"""What ``keys apply``/``backup``/``rotate`` need; never delete or purge (customer-key.md §1.4)."""
ARM_PERMISSION = "Reader on the vault's subscription or resource group"


@dataclass(frozen=True)
class AzureProblem:
    """Why an Azure call failed, in the vocabulary of source statuses.

    Attributes:
        status: ``error``, ``missing_permission`` or ``throttled`` (m365gov.statuses).
        detail: one sentence for people: where, the HTTP status and service code, what to do.
        permission: what to grant, for ``missing_permission``.
        http_status: the HTTP status, when there was a response.
        code: the service's error code (``ForbiddenByRbac``, ``KeyNotFound``…), when given.
    """

    status: str
    detail: str
    permission: str | None = None
    http_status: int | None = None
    code: str | None = None


def error_code(exc: Any) -> tuple[str | None, str | None, str]:
    """(code, inner code, first line of the message) of an ``HttpResponseError``."""
    err = getattr(exc, "error", None)
    code = getattr(err, "code", None)
    inner = getattr(err, "innererror", None) or {}
    inner_code = inner.get("code") if isinstance(inner, dict) else None
    message = getattr(err, "message", None) or getattr(exc, "reason", None) or ""
    first = str(message).strip().splitlines()[0].strip() if str(message).strip() else ""
    return code, inner_code, first


def is_not_found(exc: BaseException) -> bool:
    from azure.core.exceptions import ResourceNotFoundError

    return isinstance(exc, ResourceNotFoundError)


def classify(exc: BaseException, *, where: str, permission: str = READ_PERMISSION) -> AzureProblem:
    """Map an exception raised by an Azure SDK call on ``where`` (a vault URL, a resource id).

    The detail quotes the service's message, redacted (:mod:`m365gov.redact`): a service or proxy that
    echoes a token must not put it into a snapshot, a journal or a CI log.
    """
    problem = _classify(exc, where=where, permission=permission)
    return replace(problem, detail=redact(problem.detail))


def _classify(exc: BaseException, *, where: str, permission: str) -> AzureProblem:
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ServiceRequestError,
        ServiceResponseError,
    )

    if isinstance(exc, HttpResponseError):
        status = exc.status_code
        code, inner, first = error_code(exc)
        shown = " ".join(x for x in (str(status) if status else None, inner or code) if x)
        said = f": {first}" if first else ""
        if isinstance(exc, ClientAuthenticationError) and status is None:  # no token: the login failed
            return AzureProblem(SRC_ERROR, f"{where}: could not get a token: {_first_line(exc)} — check the "
                                "credential (client id, secret or certificate, tenant)")
        if isinstance(exc, ClientAuthenticationError) or status == 401:
            return AzureProblem(
                SRC_ERROR,
                f"{where}: authentication failed (HTTP {shown}){said} — check the credential and that the "
                "vault belongs to the configured tenant",
                http_status=status, code=inner or code,
            )
        if status == 403:
            if inner == "ForbiddenByFirewall" or code == "ForbiddenByFirewall":
                return AzureProblem(
                    SRC_ERROR,
                    f"{where}: the vault's firewall refused the request (403 ForbiddenByFirewall){said} — allow "
                    "m365gov's address in the vault's network rules or run it from an allowed network",
                    http_status=status, code="ForbiddenByFirewall",
                )
            lowered = first.lower()
            if inner == "ForbiddenByRbac" or code == "AuthorizationFailed":
                model = "RBAC"
            elif "access polic" in lowered or "permission on key vault" in lowered:
                model = "access policy"
            else:
                model = "authorization"
            return AzureProblem(
                SRC_MISSING_PERMISSION,
                f"{where}: forbidden by {model} (HTTP {shown}){said} — grant {permission}",
                permission=permission, http_status=status, code=inner or code,
            )
        if status == 429:
            headers = getattr(exc.response, "headers", None) or {}
            retry_after = headers.get("Retry-After")
            wait = f"; the service asked to wait {retry_after} s" if retry_after else ""
            return AzureProblem(
                SRC_THROTTLED,
                f"{where}: throttled (HTTP 429){wait}, still refused after m365gov's retries — run again later",
                http_status=status, code=code,
            )
        if status is not None and status >= 500:
            return AzureProblem(
                SRC_ERROR, f"{where}: service error (HTTP {shown}){said} — retry later; see Azure status",
                http_status=status, code=code,
            )
        return AzureProblem(SRC_ERROR, f"{where}: HTTP {shown}{said}", http_status=status, code=inner or code)
    if isinstance(exc, ClientAuthenticationError):
        return AzureProblem(SRC_ERROR, f"{where}: could not get a token: {_first_line(exc)}")
    if isinstance(exc, ServiceRequestError):
        return AzureProblem(SRC_ERROR, f"{where}: cannot reach the service: {_first_line(exc)}")
    if isinstance(exc, ServiceResponseError):
        return AzureProblem(SRC_ERROR, f"{where}: the connection broke before a full response: {_first_line(exc)}")
    if isinstance(exc, ValueError):  # challenge resource mismatch, bad challenge (customer-key.md §5.1)
        return AzureProblem(SRC_ERROR, f"{where}: {_first_line(exc)}")
    return AzureProblem(SRC_ERROR, f"{where}: {type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
