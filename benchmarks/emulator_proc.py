"""The emulator in its own process (``m365gov emulator serve``), and a config file pointing at it.

The emulator runs in a separate interpreter on purpose: in-process it would share the GIL with the
client under test and distort every figure (measured: 10.8 s instead of 5.6 s for 100,000 users).
Its URLs are read from what ``serve`` prints; the Key Vault town (vaults, DEPs) from its
``/_emulator/keyvault`` control endpoint; request counts from ``/_emulator/stats`` (control
endpoints are never counted, delayed or faulted).
"""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from m365gov.demo_keys import demo_config_toml, demo_key_plan
from m365gov.emulator.keyvault_server import VaultEndpoint
from m365gov.jsonio import atomic_write_text, dumps

READY = "Press Ctrl-C to stop."
START_TIMEOUT = 300.0


@dataclass
class _Town:
    """What :func:`m365gov.demo_keys.demo_key_plan` reads from a ``KeyVaultEmulator``, from its JSON description."""

    described: dict[str, Any]
    vaults: list[VaultEndpoint] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vaults = [VaultEndpoint(**v) for v in self.described["vaults"]]

    def deps(self) -> list[dict[str, Any]]:
        return list(self.described["deps"])


class EmulatorProcess:
    """``m365gov emulator serve --users N --latency S --port 0`` in a child process.

    Use as a context manager. ``graph_url``, ``management_url``, ``cert_path``, ``tenant_id`` and
    ``council_group_id`` are read from its output once it is ready.
    """

    def __init__(self, users: int, latency: float, *, seed: int = 2026, keyvault: bool = True) -> None:
        self.users, self.latency, self.seed, self.keyvault = users, latency, seed, keyvault
        self.proc: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self.graph_url = self.management_url = self.cert_path = self.tenant_id = self.council_group_id = ""

    def __enter__(self) -> EmulatorProcess:
        args = [sys.executable, "-m", "m365gov", "emulator", "serve", "--port", "0", "--users", str(self.users),
                "--seed", str(self.seed), "--latency", str(self.latency)]
        if not self.keyvault:
            args.append("--no-keyvault")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=_interruptible)
        deadline = time.monotonic() + START_TIMEOUT
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the emulator exited before it was ready:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.strip() == READY:
                break
        else:
            raise RuntimeError("the emulator did not start in time")
        text = "".join(self.lines)
        self.graph_url = _find(r"Graph v1\.0:\s+(\S+)", text)
        self.tenant_id = _find(r"Tenant id:\s+(\S+)", text)
        self.council_group_id = _find(r"Council group id:\s+(\S+)", text)
        if self.keyvault:
            self.management_url = _find(r"Management \(ARM\):\s+(\S+)", text)
            self.cert_path = _find(r"Certificate:\s+(\S+)", text)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time of the emulator process so far (Linux ``/proc``; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def base_url(self) -> str:
        return self.graph_url.rsplit("/v1.0", 1)[0]

    # -- control endpoints ---------------------------------------------------------------------------
    def graph_stats(self) -> dict[str, Any]:
        return _get_json(f"{self.base_url}/_emulator/stats")

    def keyvault_stats(self) -> dict[str, Any]:
        return _get_json(f"{self.management_url}/_emulator/stats", self.cert_path) if self.keyvault else {}

    def keyvault_town(self) -> dict[str, Any]:
        return _get_json(f"{self.management_url}/_emulator/keyvault", self.cert_path)

    def reset_stats(self) -> None:
        _post(f"{self.base_url}/_emulator/reset")
        if self.keyvault:
            _post(f"{self.management_url}/_emulator/reset", self.cert_path)

    # -- configuration ---------------------------------------------------------------------------------
    def write_config(self, directory: Path, inventory_csv: str, chamber_device: str) -> Path:
        """``m365gov.toml`` for this emulator (as ``m365gov demo`` configures it), with its key plan."""
        directory.mkdir(parents=True, exist_ok=True)
        inventory = directory / "inventaire-equipements.csv"
        atomic_write_text(inventory, inventory_csv)
        keys: dict[str, Any] = {}
        if self.keyvault:
            plan = directory / "key-plan.json"
            atomic_write_text(plan, dumps(demo_key_plan(_Town(self.keyvault_town()))))  # type: ignore[arg-type]
            keys = {
                "plan": str(plan),
                "backup_dir": str(directory / "keys" / "backups"),
                "journal": str(directory / "keys" / "journal.jsonl"),
                "ca_file": self.cert_path,
                "verify_challenge_resource": False,
                "retry_total": 1,
                "management": {"endpoint": self.management_url},
            }
            text = demo_config_toml(self.tenant_id, self.graph_url, keys)
        else:
            text = (f'tenant_id = "{self.tenant_id}"\n[graph]\nendpoint = "{self.graph_url}"\n'
                    '[auth]\nmode = "emulator"\n')
        text += (
            f'[reports]\nperiod = "D30"\n[inventory]\ncsv = "{inventory}"\n'
            f'[council]\ngroup_id = "{self.council_group_id}"\nchamber_device = "{chamber_device}"\n'
        )
        config = directory / "m365gov.toml"
        atomic_write_text(config, text)
        return config


def _interruptible() -> None:
    """In the child: Ctrl-C (SIGINT) stops the emulator cleanly even when the harness runs in the
    background, where the shell starts commands with SIGINT ignored (and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _find(pattern: str, text: str) -> str:
    m = re.search(pattern, text)
    if m is None:
        raise RuntimeError(f"the emulator's output has no {pattern!r}:\n{text}")
    return m.group(1)


def _context(cert: str | None) -> ssl.SSLContext | None:
    return ssl.create_default_context(cafile=cert) if cert else None


def _get_json(url: str, cert: str | None = None) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30, context=_context(cert)) as resp:
        doc: dict[str, Any] = json.loads(resp.read())
        return doc


def _post(url: str, cert: str | None = None) -> None:
    req = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=30, context=_context(cert)):
        pass
