"""Run the CLI as a user does: a subprocess, checked by exit code and output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m m365gov ARGS`` with a 120 s ceiling."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "m365gov", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``m365gov demo`` run shared by the end-to-end tests that read its files (its trend point in ``history``)."""
    out = tmp_path_factory.mktemp("demo")
    proc = run_cli("demo", "-o", out / "reports", "--history", out / "history")
    assert proc.returncode == 0, proc.stderr
    (out / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return out
