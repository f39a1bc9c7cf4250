"""Secrets kept: a canary client secret and canary tokens never appear in any output or file.

Every command runs as a user runs it (a subprocess) with ``M365GOV_CLIENT_SECRET`` set to a canary.
The commands that read the tenant authenticate with the *real* ``ClientSecretCredential`` against a
login stand-in on 127.0.0.1 (:mod:`tests.support.login`), which checks the canary secret and hands
out a canary access token — used for Graph, the Key Vault data plane and Azure Resource Manager; the
demo's static test credential hands out another canary (``M365GOV_EMULATOR_TOKEN``). Commands run
plain, with ``-v`` and with ``-vv`` (every SDK logs at DEBUG), and on errors: a 401 from Graph, a
login service that refuses the secret and quotes it back, a config file with the secret pasted in.

Then stdout and stderr of every command, and every byte of every file under the run's directory —
reports, snapshot, checkpoint, key backups, journal, trend history, and ``HOME`` (where a library
might cache tokens) — are searched for the canaries.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from m365gov.cli import main
from m365gov.demo_keys import demo_keys_config
from m365gov.emulator import Emulator, Faults, KeyVaultEmulator, Tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from tests.support.login import LoginStandIn

CANARY_SECRET = f"canary-secret-{secrets.token_hex(8)}"
CANARY_TOKEN = f"canary-token-{secrets.token_hex(8)}"  # from the login stand-in
CANARY_STATIC_TOKEN = f"canary-static-{secrets.token_hex(8)}"  # from the static test credential
CANARIES = (CANARY_SECRET, CANARY_TOKEN, CANARY_STATIC_TOKEN)
MW_KEY = "SAL-CK-MW-FR-VaultA1/SAL-CK-MW-FR-VaultA1-Key001"

NOT_RUN = {"emulator serve": "serves the test town until Ctrl-C; holds no credential (any bearer token is accepted)"}
"""Commands the canary run leaves out, and why. Every other command of the CLI must be in the run."""


@dataclass(frozen=True)
class Ran:
    """One command of the run: its name in the CLI, its arguments and what it printed."""

    command: str
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float = 0.0


def _config(path: Path, town: Tenant, graph_url: str, authority: str, keys: dict[str, object]) -> Path:
    lines = [
        f'tenant_id = "{town.tenant_id}"',
        "[graph]", f'endpoint = "{graph_url}"',
        "[auth]", 'mode = "client_secret"', 'client_id = "11111111-2222-3333-4444-555555555555"',
        f'authority = "{authority}"',
        "[inventory]", 'csv = "inventaire.csv"',
        "[council]", f'group_id = "{town.council_group_id}"', f'chamber_device = "{CHAMBER_NAME}"',
        "[history]", 'dir = "history"',
        "[keys]",
        *(f'{k} = "{v}"' for k, v in keys.items() if isinstance(v, str)),
        "verify_challenge_resource = false", "retry_total = 0",
        "[keys.management]", f'endpoint = "{keys["management"]["endpoint"]}"',  # type: ignore[index]
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "inventaire.csv").write_text(town.inventory_csv(), encoding="utf-8")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(town: Tenant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Ran], Path, LoginStandIn]]:
    """Every command, in the order a DSI would meet them; the run's directory; the login stand-in."""
    root = tmp_path_factory.mktemp("canary")
    out, home = root / "out", root / "home"
    home.mkdir()
    ran: list[Ran] = []
    with (LoginStandIn(CANARY_TOKEN) as login,
          LoginStandIn(CANARY_TOKEN, echo_secret=True, certificate=login.certificate) as refusing,
          Emulator(town) as graph, KeyVaultEmulator(tenant=town) as kv):
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120", "HOME": str(home),
               "XDG_CACHE_HOME": str(home / ".cache"), "M365GOV_CLIENT_SECRET": CANARY_SECRET,
               "M365GOV_EMULATOR_TOKEN": CANARY_STATIC_TOKEN, "REQUESTS_CA_BUNDLE": str(login.cert_path)}
        keys = demo_keys_config(kv, root / "tenant")
        config = _config(root / "tenant" / "m365gov.toml", town, graph.graph_url, login.authority, keys)
        refused = _config(root / "refused" / "m365gov.toml", town, graph.graph_url, refusing.authority, keys)
        pasted = root / "pasted" / "m365gov.toml"
        pasted.parent.mkdir()
        pasted.write_text(config.read_text(encoding="utf-8").replace(
            'mode = "client_secret"', f'mode = "client_secret"\nclient_secret = "{CANARY_SECRET}"'), encoding="utf-8")
        snapshot, reports = out / "snapshot.json", out / "reports"

        def cli(command: str, *args: object, cwd: Path = root, extra_env: dict[str, str] | None = None) -> Ran:
            argv = tuple(str(a) for a in args)
            started = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "m365gov", *argv], cwd=cwd, env={**env, **(extra_env or {})},
                                  capture_output=True, text=True, timeout=120, check=False)
            ran.append(Ran(command, argv, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started))
            return ran[-1]

        cli("demo", "-vv", "demo", "--users", "80", "-o", out / "demo", "--history", out / "history")
        cli("collect", "-vv", "collect", "-c", config, "-o", snapshot)
        cli("audit", "-v", "audit", "--snapshot", snapshot, "--format", "html,md,csv,sarif,junit,json,terminal",
            "-o", reports)
        cli("audit", "audit", "--snapshot", snapshot)
        cli("audit", "-vv", "audit", "-c", config, "--format", "json")
        cli("drift", "drift", out / "demo" / "results.json", reports / "results.json")
        cli("report render", "report", "render", reports / "results.json", "--format", "html", "-o", out / "r.html")
        cli("trend", "-v", "trend", "--history", out / "history")
        cli("keys status", "-vv", "keys", "status", "-c", config)
        cli("keys plan", "keys", "plan", "-c", config, "--json")
        cli("keys apply", "-vv", "keys", "apply", "-c", config, "--yes")
        cli("keys backup", "-v", "keys", "backup", "-c", config, "--force")
        cli("keys rotate", "-vv", "keys", "rotate", MW_KEY, "-c", config, "--yes")
        cli("policies list", "policies", "list")
        cli("policies show", "policies", "show", "RES-003")
        cli("policies validate", "policies", "validate", Path(__file__).resolve().parents[2] / "policies")
        cli("permissions", "-v", "permissions", "-c", config)
        cli("init", "init", out / "new.toml")
        meeting = town.council_meeting.join_web_url
        cli("checklist council", "-vv", "checklist", "council", "--meeting", meeting, "-c", config,
            "--format", "md,html,json", "-o", out / "checklist")
        graph.faults = Faults(meetings_access_policy=False)  # the access-policy error path, verbose
        cli("checklist council", "-vv", "checklist", "council", "--meeting", meeting, "-c", config, "--format", "json")
        graph.faults = Faults()
        # errors: Graph refuses the token; the login service refuses the secret and quotes it back;
        # the secret pasted into the config file.
        graph.script("/v1.0/", status=401, times=None)
        cli("collect", "-vv", "collect", "-c", config, "-o", out / "unauthorized.json")
        graph.clear_scripts()
        cli("collect", "-vv", "collect", "-c", refused, "-o", out / "refused.json")
        cli("keys status", "-vv", "keys", "status", "-c", refused)
        cli("collect", "-vv", "collect", "-c", pasted, "-o", out / "pasted.json")
        cli("collect", "-vv", "collect", "-c", root / "missing.toml", "-o", out / "missing.json")
        yield ran, root, login


def test_the_canaries_were_really_in_play(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    """The secret reached the login service, the runs read the tenant with the token it gave, and the
    demo read its town with the static canary token."""
    ran, root, login = run
    assert CANARY_SECRET in login.secrets_seen
    collect = next(r for r in ran if r.command == "collect")
    assert collect.returncode == 0, collect.stderr
    snapshot = json.loads((root / "out" / "snapshot.json").read_text(encoding="utf-8"))
    assert snapshot["sources"]["users"]["status"] == "ok" and snapshot["sources"]["keyVaultKeys"]["status"] == "ok"
    assert next(r for r in ran if r.command == "keys apply").returncode == 0
    assert "Demo town: 80 users" in next(r for r in ran if r.command == "demo").stdout


def test_the_verbose_runs_really_logged_the_sdks_at_debug(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    """Otherwise the search below proves little: -vv must have let azure-core, MSAL and httpx speak."""
    ran, _, _ = run
    debug = "\n".join(r.stderr for r in ran if r.args[:1] == ("-vv",))
    for logger in ("INFO azure.core.pipeline.policies.http_logging_policy", "DEBUG msal", "DEBUG httpcore",
                   "DEBUG urllib3.connectionpool", " azure.identity."):
        assert logger in debug, logger
    assert "Bearer ***" in debug or "authorization" in debug.lower()


def test_the_error_runs_failed_as_they_should(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    ran, _, _ = run

    def writing(name: str) -> Ran:
        return next(r for r in ran if r.args[-1].endswith(name))

    unauthorized = writing("unauthorized.json")
    assert unauthorized.returncode == 0 and "401" in unauthorized.stderr  # sources say why; collect goes on
    refused = writing("refused.json")
    assert refused.returncode == 0 and "AADSTS7000215" in refused.stderr and "'***'" in refused.stderr
    pasted = writing("pasted.json")
    assert pasted.returncode == 2 and "client_secret" in pasted.stderr
    assert writing("missing.json").returncode == 2


def test_no_command_prints_a_canary(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    ran, _, _ = run
    for r in ran:
        for canary in CANARIES:
            assert canary not in r.stdout, (r.args, "stdout")
            assert canary not in r.stderr, (r.args, "stderr")


def test_no_file_written_holds_a_canary(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    _, root, _ = run
    pasted = root / "pasted" / "m365gov.toml"  # the user's own mistake, not something m365gov wrote
    files = [p for p in root.rglob("*") if p.is_file() and p != pasted]
    assert len(files) > 20 and any(p.suffix == ".backup" for p in files) and any(p.name == "journal.jsonl"
                                                                                    for p in files)
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode() not in data, path


def _commands(group: click.Group, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            out |= _commands(command, f"{full} ")
        else:
            out.add(full)
    return out


def test_every_command_of_the_cli_is_in_the_canary_run(run: tuple[list[Ran], Path, LoginStandIn]) -> None:
    """A new command (the council checklist…) fails this test until it joins the run above."""
    ran, _, _ = run
    covered = {r.command for r in ran}
    assert _commands(main) - set(NOT_RUN) <= covered, sorted(_commands(main) - set(NOT_RUN) - covered)


def test_the_checklist_runs_reached_the_meeting_and_its_access_policy_error(
    run: tuple[list[Ran], Path, LoginStandIn],
) -> None:
    plain, refused = [r for r in run[0] if r.command == "checklist council"]
    assert plain.returncode == 1, plain.stderr[-2000:]  # the demo meeting has blocking items
    # Without the access policy the meeting is not_configured with both commands; other blocking
    # items (the chamber room) still make it exit 1.
    assert refused.returncode == 1 and "Grant-CsApplicationAccessPolicy" in refused.stdout
    assert "not_configured" in refused.stdout
