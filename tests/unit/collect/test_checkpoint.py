"""The collection checkpoint: what is kept, what a resume restores, and what it refuses."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from m365gov.collect.checkpoint import Checkpoint, checkpoint_dir, fingerprint
from m365gov.config import config_from_mapping
from m365gov.errors import InputError
from m365gov.snapshot.model import SourceSection

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _started(tmp_path: Path, fp: str = "fp-1") -> Checkpoint:
    cp = Checkpoint.open(checkpoint_dir(tmp_path / "snapshot.json"), fp, resume=False)
    cp.begin(T0, T0)
    return cp


def test_the_checkpoint_sits_beside_the_output() -> None:
    assert checkpoint_dir(Path("out/snapshot.json")) == Path("out/snapshot.json.partial")


def test_a_fresh_run_writes_an_owner_only_manifest_and_one_file_per_finished_source(tmp_path: Path) -> None:
    cp = _started(tmp_path)
    cp.save(SourceSection("users", "ok", data=[{"id": "u1"}], counts={"items": 1}))
    assert stat.S_IMODE(cp.directory.stat().st_mode) == 0o700
    assert sorted(p.name for p in cp.directory.iterdir()) == ["manifest.json", "users.json"]
    assert stat.S_IMODE((cp.directory / "users.json").stat().st_mode) == 0o600
    manifest = json.loads((cp.directory / "manifest.json").read_text())
    assert manifest["collectedAt"] == "2026-11-28T08:00:00Z" and manifest["fingerprint"] == "fp-1"


def test_a_resume_restores_finished_sections_and_the_interrupted_runs_times(tmp_path: Path) -> None:
    cp = _started(tmp_path)
    cp.save(SourceSection("users", "ok", data=[{"id": "u1"}], counts={"items": 1}))
    cp.save(SourceSection("keyPlan", "not_configured", detail="no key plan"))
    cp.save(SourceSection("sites", "error", detail="HTTP 500"))
    again = Checkpoint.open(cp.directory, "fp-1", resume=True, now=T0 + timedelta(hours=1))
    assert (again.collected_at, again.as_of) == (T0, T0)
    assert sorted(again.done) == ["keyPlan", "users"]  # a failed source is tried again
    assert again.done["users"].data == [{"id": "u1"}] and again.done["users"].counts == {"items": 1}


def test_a_checkpoint_of_another_collection_is_refused(tmp_path: Path) -> None:
    cp = _started(tmp_path)
    with pytest.raises(InputError) as err:
        Checkpoint.open(cp.directory, "fp-2", resume=True, now=T0)
    assert err.value.pointer == "/fingerprint" and "run without --resume" in err.value.message


def test_a_checkpoint_older_than_a_day_is_refused(tmp_path: Path) -> None:
    cp = _started(tmp_path)
    with pytest.raises(InputError, match="more than 24 hours ago"):
        Checkpoint.open(cp.directory, "fp-1", resume=True, now=T0 + timedelta(hours=25))


def test_resuming_without_a_checkpoint_starts_from_the_beginning(tmp_path: Path) -> None:
    cp = Checkpoint.open(tmp_path / "none.partial", "fp-1", resume=True)
    assert cp.collected_at is None and cp.done == {}


def test_without_resume_an_old_checkpoint_is_replaced(tmp_path: Path) -> None:
    old = _started(tmp_path, "fp-old")
    old.save(SourceSection("users", "ok", data=[]))
    fresh = Checkpoint.open(old.directory, "fp-new", resume=False)
    fresh.begin(T0 + timedelta(minutes=5), T0)
    assert [p.name for p in fresh.directory.iterdir()] == ["manifest.json"]


def test_a_damaged_section_file_is_collected_again(tmp_path: Path) -> None:
    cp = _started(tmp_path)
    cp.save(SourceSection("users", "ok", data=[]))
    (cp.directory / "groups.json").write_text("{not json", encoding="utf-8")
    (cp.directory / "sites.json").write_text(json.dumps({"name": "users", "section": {"status": "ok"}}))
    assert sorted(Checkpoint.open(cp.directory, "fp-1", resume=True, now=T0).done) == ["users"]


def test_a_directory_that_is_not_a_checkpoint_is_never_deleted(tmp_path: Path) -> None:
    precious = tmp_path / "snapshot.json.partial"
    precious.mkdir()
    (precious / "thesis.tex").write_text("…")
    with pytest.raises(InputError, match="not an m365gov checkpoint"):
        Checkpoint.open(precious, "fp", resume=False).begin(T0, T0)
    assert (precious / "thesis.tex").exists()


def test_the_fingerprint_follows_the_config_the_plan_and_the_input_files(tmp_path: Path) -> None:
    inventory = tmp_path / "inventaire.csv"
    inventory.write_text("userPrincipalName;camera\na@ville.fr;oui\n", encoding="utf-8")
    doc = {"tenant_id": "t", "auth": {"mode": "certificate", "client_id": "c", "certificate_path": "c.pem"},
           "inventory": {"csv": str(inventory)}}
    config = config_from_mapping(doc, path=tmp_path / "m365gov.toml")
    base = fingerprint(config, ["users"], {"users": frozenset({"id"})}, None)
    assert base == fingerprint(config, ["users"], {"users": frozenset({"id"})}, None)
    assert base != fingerprint(config, ["users", "sites"], {"users": frozenset({"id"})}, None)
    assert base != fingerprint(config, ["users"], {"users": frozenset({"id", "usageLocation"})}, None)
    assert base != fingerprint(config, ["users"], {"users": frozenset({"id"})}, T0)
    other = config_from_mapping({**doc, "tenant_id": "t2"}, path=tmp_path / "m365gov.toml")
    assert base != fingerprint(other, ["users"], {"users": frozenset({"id"})}, None)
    inventory.write_text("userPrincipalName;camera\na@ville.fr;non\n", encoding="utf-8")
    assert base != fingerprint(config, ["users"], {"users": frozenset({"id"})}, None)
