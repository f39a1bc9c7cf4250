"""A stand-in for the Microsoft identity platform's token endpoint, over https on 127.0.0.1.

With it a test runs the *real* ``azure.identity.ClientSecretCredential`` (and MSAL under it) with a
client secret, end to end, without the network (sdk.md §7): the credential fetches the OpenID
configuration and posts the secret to the token endpoint, which answers with an access token of the
test's choosing. The stand-in records the secrets it was sent, so that a test can prove the secret was
really used; with ``echo_secret`` it refuses them and quotes the secret back in its error, as a
hostile or broken service might, to prove m365gov does not pass the echo on.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from m365gov.emulator.tls import SelfSignedCertificate, generate_self_signed


class LoginStandIn:
    """``with LoginStandIn(token="…") as login:`` then ``authority = login.authority``, trust ``login.cert_path``."""

    def __init__(
        self, token: str, *, echo_secret: bool = False, certificate: SelfSignedCertificate | None = None
    ) -> None:
        """``certificate``: another stand-in's, so that one CA bundle trusts both (kept at exit)."""
        self.token = token
        self.echo_secret = echo_secret
        self.secrets_seen: list[str] = []
        self._own_cert = certificate is None
        self._cert: SelfSignedCertificate | None = certificate
        self._server: ThreadingHTTPServer | None = None

    @property
    def authority(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def cert_path(self) -> Path:
        assert self._cert is not None
        return self._cert.cert_path

    @property
    def certificate(self) -> SelfSignedCertificate:
        assert self._cert is not None
        return self._cert

    def __enter__(self) -> LoginStandIn:
        if self._cert is None:
            self._cert = generate_self_signed(common_name="m365gov login stand-in")
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet: it would print the secret
                pass

            def do_GET(self) -> None:
                tenant = self.path.strip("/").split("/")[0]
                base = f"{stand_in.authority}/{tenant}"
                self._json(200, {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                    "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                    "jwks_uri": f"{base}/discovery/v2.0/keys",
                    "response_types_supported": ["code", "token"],
                    "tenant_region_scope": "EU",
                })

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                secret = form.get("client_secret", "")
                stand_in.secrets_seen.append(secret)
                if stand_in.echo_secret:
                    self._json(401, {"error": "invalid_client", "error_description":
                                     f"AADSTS7000215: Invalid client secret provided: '{secret}'."})
                    return
                self._json(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                 "access_token": stand_in.token})

            def _json(self, status: int, doc: dict[str, Any]) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.socket = self._cert.server_context().wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._cert is not None and self._own_cert:
            self._cert.remove()
