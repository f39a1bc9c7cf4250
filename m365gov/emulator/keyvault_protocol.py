"""Key Vault and Azure Resource Manager wire details: error bodies, JSON, api-version, paging tokens.

Key Vault errors are ``{"error": {"code", "message"[, "innererror": {"code"}]}}`` (customer-key.md
§4.4), ARM errors ``{"error": {"code", "message"}}``; both are JSON with ``charset=utf-8`` and carry
``x-ms-request-id``. Handlers raise :class:`AzureError`; the dispatcher renders it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from m365gov.emulator.protocol import Request, Response, dumps

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

#: Data-plane versions azure-keyvault-keys 4.11.3 knows (``ApiVersion``), plus the ones before.
KEYVAULT_API_VERSIONS = frozenset({"2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01"})
_ARM_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")

#: The 401 challenge of a vault (customer-key.md §5.1), with the tenant filled in.
KEYVAULT_CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net"'
ARM_CHALLENGE = ('Bearer authorization_uri="https://login.microsoftonline.com/{tenant}", error="invalid_token", '
                 'error_description="The authentication failed because of missing \'Authorization\' header."')


class AzureError(Exception):
    """An error answer: status, code, message, and optionally an inner code and extra headers."""

    def __init__(self, status: int, code: str, message: str, inner: str | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.inner = inner
        self.headers = dict(headers or {})


def error_json(code: str, message: str, inner: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if inner:
        error["innererror"] = {"code": inner}
    return {"error": error}


def json_response(obj: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(status, dumps(obj), dict(headers or {}), content_type=JSON_CONTENT_TYPE)


def error_response(err: AzureError) -> Response:
    return json_response(error_json(err.code, err.message, err.inner), err.status, err.headers)


def bad_parameter(message: str) -> AzureError:
    return AzureError(400, "BadParameter", message)


def bearer_present(req: Request) -> bool:
    """A non-empty bearer token. Its value is never looked at, logged or stored."""
    scheme, _, token = (req.header("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def check_keyvault_api_version(req: Request) -> str:
    version = req.query.get("api-version")
    if not version:
        raise bad_parameter("The 'api-version' query parameter is missing. Add ?api-version=<version> "
                            "(for example 2025-07-01) to the request URI.")
    if version not in KEYVAULT_API_VERSIONS:
        raise bad_parameter(f"The specified version ({version}) is not recognized. Consider using the latest "
                            "supported version (2025-07-01).")
    return version


def check_arm_api_version(req: Request) -> str:
    version = req.query.get("api-version")
    if not version:
        raise AzureError(400, "MissingApiVersionParameter",
                         "The api-version query parameter (?api-version=) is required for all requests.")
    if not _ARM_API_VERSION.match(version):
        raise AzureError(400, "InvalidApiVersionParameter",
                         f"The api-version '{version}' is invalid. The supported versions are dates such as "
                         "'2023-07-01'.")
    return version


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise bad_parameter("The value is not valid base64url.") from exc


def skiptoken(marker: str) -> str:
    """An opaque continuation token, shaped like Key Vault's (base64 JSON with a ``NextMarker``)."""
    return b64url_encode(json.dumps({"NextMarker": marker, "TargetLocation": 0}).encode())


def read_skiptoken(token: str) -> str:
    try:
        doc = json.loads(b64url_decode(token))
        marker = doc["NextMarker"]
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_parameter("The $skiptoken is invalid.") from exc
    if not isinstance(marker, str):
        raise bad_parameter("The $skiptoken is invalid.")
    return marker


def json_body(req: Request) -> dict[str, Any]:
    """The request body as a JSON object (an empty body is ``{}``)."""
    if not req.body:
        return {}
    try:
        doc = json.loads(req.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_parameter("The request body is not valid JSON.") from exc
    if not isinstance(doc, dict):
        raise bad_parameter("The request body must be a JSON object.")
    return doc
