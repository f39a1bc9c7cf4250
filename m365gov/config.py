"""The tenant configuration file (``m365gov.toml``).

Read with tomllib and checked against the shipped JSON Schema, so that a typo in a key is an error
with its location rather than a silently ignored setting. Paths are resolved against the file's own
directory, so a config works the same from any working directory (CI runners included).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from m365gov.errors import InputError
from m365gov.schemas import validate

# Known clouds: Graph host and login host (graph.md §2.8, §8.1). "Bleu" and any future sovereign
# endpoint are just another base URL, given in full.
CLOUDS: Mapping[str, tuple[str, str]] = {
    "global": ("https://graph.microsoft.com", "login.microsoftonline.com"),
    "usgov": ("https://graph.microsoft.us", "login.microsoftonline.us"),
    "usgov-dod": ("https://dod-graph.microsoft.us", "login.microsoftonline.us"),
    "china": ("https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"),
}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class GraphSettings:
    """Where Graph is and which token scope it wants.

    Attributes:
        base_url: v1.0 root without trailing slash (``https://graph.microsoft.com/v1.0``).
        beta_url: beta root, derived from the same host.
        scope: the ``.default`` scope for app-only tokens.
        authority: the login host for this cloud.
    """

    base_url: str = "https://graph.microsoft.com/v1.0"
    beta_url: str = "https://graph.microsoft.com/beta"
    scope: str = "https://graph.microsoft.com/.default"
    authority: str = "login.microsoftonline.com"

    @property
    def host(self) -> str:
        return urlparse(self.base_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS


@dataclass(frozen=True)
class AuthSettings:
    """How to obtain tokens. Holds *names* of secrets (environment variables, files), never values."""

    mode: str = "certificate"
    client_id: str | None = None
    certificate_path: Path | None = None
    certificate_password_env: str | None = None
    client_secret_env: str = "M365GOV_CLIENT_SECRET"
    managed_identity_client_id: str | None = None
    token_file: Path | None = None
    authority: str | None = None


@dataclass(frozen=True)
class CollectSettings:
    """Politeness and robustness of collection (graph.md §7).

    Attributes:
        sources: restrict collection to these sources (empty: what the enabled policies need).
        concurrency: requests in flight per Graph service (identity, reports, call records…).
        max_attempts: tries per request, first one included, on 429/503/504 or a dropped connection.
        max_retry_wait: a Retry-After longer than this gives up on the request (source ``throttled``).
        retry_budget: total seconds the run may spend waiting on throttling before giving up.
        timeout: seconds per HTTP request.
    """

    sources: tuple[str, ...] = ()
    concurrency: int = 8
    max_attempts: int = 8
    max_retry_wait: float = 180.0
    retry_budget: float = 900.0
    timeout: float = 100.0


REPORT_PERIODS = ("D7", "D30", "D90", "D180")
"""Usage-report periods Graph accepts (graph.md §3.2)."""
DEFAULT_HISTORY_DIR = Path("reports") / "history"


@dataclass(frozen=True)
class TeamsSettings:
    """What the Teams rollout and readiness sources need beyond Graph itself.

    Attributes:
        report_period: usage-report period, one of :data:`REPORT_PERIODS` (``[reports] period``).
        inventory_csv: the declared equipment inventory (``[inventory] csv``), or ``None``.
        council_group_id: the council's group (``[council] group_id``), or ``None``.
        chamber_device: the council chamber's Teams Rooms device, by id, room account name or asset
            tag (``[council] chamber_device``), or ``None``.
    """

    report_period: str = "D30"
    inventory_csv: Path | None = None
    council_group_id: str | None = None
    chamber_device: str | None = None


@dataclass(frozen=True)
class CouncilSettings:
    """The council session checklist (``m365gov checklist council``), from ``[council]``.

    Attributes:
        regime: the regime in force, by id (a ``<id>.regime.json`` in ``policies/council/`` or in
            ``regimes_dir``) or by path; default ``in-person-broadcast``.
        regimes_dir: a folder of the town's own regime files, searched before the shipped ones.
        members_in_office: councillors in office ("conseillers en exercice"), the quorum's base;
            ``None`` takes the council group's size, and the checklist says so.
        organizer: who organises the sessions' meetings (user principal name or object id): needed
            to find a meeting from a short link or a numeric id, and checked as the organizer.
        proxies: the proxies file (CSV), when it is kept at a fixed place.
        declarations: the declarations file (JSON), when it is kept at a fixed place.
        parameters: overrides of the regime's parameters (``[council.parameters]``).
    """

    regime: str = "in-person-broadcast"
    regimes_dir: Path | None = None
    members_in_office: int | None = None
    organizer: str | None = None
    proxies: Path | None = None
    declarations: Path | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_MANAGEMENT_ENDPOINT = "https://management.azure.com"
DEFAULT_MANAGEMENT_SCOPE = "https://management.azure.com/.default"


@dataclass(frozen=True)
class KeySettings:
    """Customer Key: where the desired state is, where evidence of changes goes, how to reach Azure.

    Attributes:
        plan: the key plan file (desired state, ``keyplan`` schema); ``None`` leaves every key
            source ``not_configured``.
        backup_dir: where ``keys backup`` / ``keys apply`` write ``backup_key`` blobs and their manifest.
        journal: the append-only JSON-lines journal of every change and refusal.
        ca_file: a PEM bundle trusted for the vaults and the management endpoint (a private CA, the
            emulator's self-signed certificate). TLS verification is never turned off: there is no
            setting for it.
        verify_challenge_resource: check that the vault host belongs to the challenge's resource
            (``*.vault.azure.net``). Only a loopback vault (the emulator) may turn it off.
        api_version: Key Vault data-plane API version (default: the SDK's).
        management_endpoint: Azure Resource Manager root (public cloud by default).
        management_scope: token scope for the management endpoint.
        retry_total: retries of the Azure SDK clients on 408/429/5xx and dropped connections.
    """

    plan: Path | None = None
    backup_dir: Path = Path("reports/keys/backups")
    journal: Path = Path("reports/keys/journal.jsonl")
    ca_file: Path | None = None
    verify_challenge_resource: bool = True
    api_version: str | None = None
    management_endpoint: str = DEFAULT_MANAGEMENT_ENDPOINT
    management_scope: str = DEFAULT_MANAGEMENT_SCOPE
    retry_total: int = 3

    @property
    def management_is_loopback(self) -> bool:
        return (urlparse(self.management_endpoint).hostname or "") in LOOPBACK_HOSTS


@dataclass(frozen=True)
class Config:
    """A whole ``m365gov.toml``.

    Attributes:
        path: the file it came from (``None`` for built-in configs such as the demo's).
        tenant_id: the Entra tenant.
        graph / auth / collect: see their classes.
        policy_paths: policy files or directories; empty means the shipped set.
        disabled_policies: policy ids switched off for this tenant.
        parameters: per-policy parameter overrides, checked against the policies when compiled.
        waivers_file: the waivers file, if any.
        teams: usage-report period, inventory, council group and chamber device.
        history_dir: where each audit's trend point is kept (``[history] dir``); ``None`` when the
            config has no ``[history]`` table, so that nothing is written unless asked for.
        keys: Customer Key settings (``[keys]``).
        council: the council checklist's settings (``[council]`` beyond the group and chamber).
        raw: the parsed TOML, for sections that later features read.
    """

    tenant_id: str
    path: Path | None = None
    graph: GraphSettings = field(default_factory=GraphSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    collect: CollectSettings = field(default_factory=CollectSettings)
    policy_paths: tuple[Path, ...] = ()
    disabled_policies: frozenset[str] = frozenset()
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    waivers_file: Path | None = None
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    history_dir: Path | None = None
    keys: KeySettings = field(default_factory=KeySettings)
    council: CouncilSettings = field(default_factory=CouncilSettings)
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def display_path(self) -> str:
        return str(self.path) if self.path else "(built-in configuration)"


def load_config(path: str | Path) -> Config:
    """Read, validate and resolve a config file; problems are :class:`InputError` (exit 2)."""
    p = Path(path)
    try:
        raw_bytes = p.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "configuration file not found (create one with `m365gov init`)", file=str(path)
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read configuration: {exc.strerror}", file=str(path)) from None
    try:
        doc = tomllib.loads(raw_bytes.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("configuration is not UTF-8 text", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        reason = msg[: m.start()].strip() if m else msg
        raise InputError(f"invalid TOML: {reason}", file=str(path), line=line) from None
    return config_from_mapping(doc, path=p)


def config_from_mapping(doc: Mapping[str, Any], *, path: Path | None = None) -> Config:
    """Build a :class:`Config` from an already-parsed mapping (the demo builds one in memory)."""
    file = str(path) if path else None
    validate("config", doc, file=file)
    base = path.parent if path else Path.cwd()
    graph = _graph_settings(doc.get("graph", {}), file)
    a = doc.get("auth", {"mode": "certificate"})
    auth = AuthSettings(
        mode=a["mode"],
        client_id=a.get("client_id"),
        certificate_path=_resolve(base, a.get("certificate_path")),
        certificate_password_env=a.get("certificate_password_env"),
        client_secret_env=a.get("client_secret_env", "M365GOV_CLIENT_SECRET"),
        managed_identity_client_id=a.get("managed_identity_client_id"),
        token_file=_resolve(base, a.get("token_file")),
        authority=a.get("authority"),
    )
    if auth.mode == "emulator" and not graph.is_loopback:
        raise InputError(
            "auth mode 'emulator' (a static test token) is only allowed with a loopback Graph endpoint, "
            f"not {graph.base_url}",
            file=file,
            pointer="/auth/mode",
        )
    if auth.mode in ("certificate", "client_secret", "workload_identity", "device_code") and not auth.client_id:
        raise InputError(f"auth mode {auth.mode!r} needs client_id", file=file, pointer="/auth")
    if auth.mode == "certificate" and auth.certificate_path is None:
        raise InputError("auth mode 'certificate' needs certificate_path", file=file, pointer="/auth")
    c = doc.get("collect", {})
    defaults = CollectSettings()
    collect = CollectSettings(
        sources=tuple(c.get("sources", ())),
        concurrency=c.get("concurrency", defaults.concurrency),
        max_attempts=c.get("max_attempts", defaults.max_attempts),
        max_retry_wait=float(c.get("max_retry_wait", defaults.max_retry_wait)),
        retry_budget=float(c.get("retry_budget", defaults.retry_budget)),
        timeout=float(c.get("timeout", defaults.timeout)),
    )
    pol = doc.get("policies", {})
    council = doc.get("council", {})
    teams = TeamsSettings(
        report_period=doc.get("reports", {}).get("period", "D30"),
        inventory_csv=_resolve(base, doc.get("inventory", {}).get("csv")),
        council_group_id=council.get("group_id"),
        chamber_device=council.get("chamber_device"),
    )
    history = doc.get("history")
    return Config(
        tenant_id=doc["tenant_id"],
        path=path,
        graph=graph,
        auth=auth,
        collect=collect,
        policy_paths=tuple(p for p in (_resolve(base, x) for x in pol.get("paths", ())) if p),
        disabled_policies=frozenset(pol.get("disabled", ())),
        parameters=doc.get("parameters", {}),
        waivers_file=_resolve(base, doc.get("waivers", {}).get("file")),
        teams=teams,
        history_dir=None if history is None else _resolve(base, history.get("dir", str(DEFAULT_HISTORY_DIR))),
        keys=_key_settings(doc.get("keys", {}), base, file, auth.mode),
        council=CouncilSettings(
            regime=council.get("regime", CouncilSettings.regime),
            regimes_dir=_resolve(base, council.get("regimes_dir")),
            members_in_office=council.get("members_in_office"),
            organizer=council.get("organizer"),
            proxies=_resolve(base, council.get("proxies")),
            declarations=_resolve(base, council.get("declarations")),
            parameters=council.get("parameters", {}),
        ),
        raw=doc,
    )


def _key_settings(k: Mapping[str, Any], base: Path, file: str | None, auth_mode: str) -> KeySettings:
    """``[keys]``: paths resolved against the config file, endpoints checked (https; loopback rules)."""
    defaults = KeySettings()
    mgmt = k.get("management", {})
    endpoint = str(mgmt.get("endpoint", DEFAULT_MANAGEMENT_ENDPOINT)).rstrip("/")
    u = urlparse(endpoint)
    if u.scheme != "https" or not u.hostname:
        raise InputError(
            f"management endpoint {endpoint!r}: expected an https URL such as {DEFAULT_MANAGEMENT_ENDPOINT}",
            file=file,
            pointer="/keys/management/endpoint",
        )
    if auth_mode == "emulator" and k.get("plan") and u.hostname not in LOOPBACK_HOSTS:
        raise InputError(
            "auth mode 'emulator' (a static test token) is only allowed with a loopback management endpoint, "
            f"not {endpoint}",
            file=file,
            pointer="/keys/management/endpoint",
        )
    scope = mgmt.get("scope") or (
        DEFAULT_MANAGEMENT_SCOPE if u.hostname in LOOPBACK_HOSTS else f"https://{u.netloc}/.default"
    )
    return KeySettings(
        plan=_resolve(base, k.get("plan")),
        backup_dir=_resolve(base, k.get("backup_dir")) or base / defaults.backup_dir,
        journal=_resolve(base, k.get("journal")) or base / defaults.journal,
        ca_file=_resolve(base, k.get("ca_file")),
        verify_challenge_resource=k.get("verify_challenge_resource", True),
        api_version=k.get("api_version"),
        management_endpoint=endpoint,
        management_scope=scope,
        retry_total=k.get("retry_total", defaults.retry_total),
    )


def graph_settings_for(endpoint: str, scope: str | None = None) -> GraphSettings:
    """Settings for a cloud name or a base URL (``http`` only on loopback, as msgraph-sdk requires)."""
    return _graph_settings({"endpoint": endpoint, **({"scope": scope} if scope else {})}, None)


def _graph_settings(g: Mapping[str, Any], file: str | None) -> GraphSettings:
    endpoint = g.get("endpoint", "global")
    if endpoint in CLOUDS:
        root, authority = CLOUDS[endpoint]
    else:
        u = urlparse(endpoint)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise InputError(
                f"graph endpoint {endpoint!r}: expected one of {', '.join(CLOUDS)} or a URL such as "
                "https://graph.example/v1.0",
                file=file,
                pointer="/graph/endpoint",
            )
        if u.scheme == "http" and u.hostname not in LOOPBACK_HOSTS:
            raise InputError(
                "graph endpoint: plain http is only allowed on 127.0.0.1/localhost (use https)",
                file=file,
                pointer="/graph/endpoint",
            )
        path = u.path.rstrip("/")
        if path.endswith(("/v1.0", "/beta")):
            path = path.rsplit("/", 1)[0]
        root = f"{u.scheme}://{u.netloc}{path}"
        authority = "login.microsoftonline.com"
    host_root = urlparse(root)
    scope = g.get("scope") or f"{host_root.scheme}://{host_root.hostname}/.default"
    if endpoint not in CLOUDS and urlparse(root).hostname in LOOPBACK_HOSTS and "scope" not in g:
        scope = "https://graph.microsoft.com/.default"
    return GraphSettings(base_url=f"{root}/v1.0", beta_url=f"{root}/beta", scope=scope, authority=authority)


def _resolve(base: Path, value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p
