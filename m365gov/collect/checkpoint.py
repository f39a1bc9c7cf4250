"""Checkpoints of a collection in progress, so that ``m365gov collect --resume`` picks up after a kill.

A collection of a large tenant takes minutes and spends throttled quota (usage reports: 14 requests
per 10 minutes); a killed CI job or a dropped VPN must not throw away the sources already read. So
``collect`` keeps, beside its output, a ``<output>.partial/`` directory (0700):

* ``manifest.json`` — written when the run starts: the run's ``collectedAt`` and ``asOf`` (a resumed
  run keeps them, so that its windows and its "now" are the interrupted run's) and a *fingerprint*
  binding the checkpoint to what decides the snapshot's content: m365gov's version, the parsed
  configuration, the sources and ``$select`` the policies ask for, ``--as-of``, and the digests of
  the local files sources read (inventory, key plan, backup manifest);
* ``<source>.json`` — one per source, written atomically (temporary file, fsync, rename) as soon as
  the source finishes: a file that exists is a whole section.

``--resume`` restores the sections that ended ``ok`` or ``not_configured`` and collects the others
(a source that failed is tried again: resuming is also retrying). A checkpoint whose fingerprint
differs — another config, other policies, a changed inventory — or older than :data:`MAX_AGE` is
refused with an input error rather than silently mixed into a new snapshot. The directory is
removed once the snapshot is written. It holds tenant data like the snapshot itself, never a secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from m365gov import __version__
from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_json, atomic_write_json_lines, read_json
from m365gov.snapshot.model import SourceSection
from m365gov.statuses import SOURCE_STATUSES, SRC_NOT_CONFIGURED, SRC_OK
from m365gov.timeutil import parse_datetime, to_iso, utcnow

log = logging.getLogger(__name__)

SCHEMA_ID = "m365gov/collect-checkpoint@1"
MANIFEST = "manifest.json"
MAX_AGE = timedelta(hours=24)
"""A checkpoint older than this is refused: its sections would describe another day's tenant."""
RESTORED_STATUSES = frozenset({SRC_OK, SRC_NOT_CONFIGURED})


def checkpoint_dir(output: Path) -> Path:
    """Where the checkpoint of a collection writing ``output`` lives: ``<output>.partial/``."""
    return output.with_name(output.name + ".partial")


def fingerprint(
    config: Config, sources: Sequence[str], select: Mapping[str, frozenset[str]], as_of: datetime | None
) -> str:
    """A digest of everything that decides what this collection's snapshot holds (see the module doc)."""
    files = {
        name: _digest(path)
        for name, path in (
            ("inventory", config.teams.inventory_csv),
            ("keyPlan", config.keys.plan),
            ("keyBackups", config.keys.backup_dir / "manifest.json"),
        )
        if path is not None
    }
    doc = {
        "version": __version__,
        "config": config.raw,
        "configFile": str(config.path) if config.path else None,
        "sources": sorted(sources),
        "select": {k: sorted(v) for k, v in sorted(select.items())},
        "asOf": to_iso(as_of) if as_of is not None else None,
        "files": files,
    }
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class Checkpoint:
    """One collection's checkpoint directory.

    Attributes:
        directory: ``<output>.partial/``.
        fingerprint: see :func:`fingerprint`.
        collected_at / as_of: the interrupted run's, when resuming (``None`` for a fresh run until
            :meth:`begin` records them).
        done: sections restored from the directory, by source name.
    """

    directory: Path
    fingerprint: str
    collected_at: datetime | None = None
    as_of: datetime | None = None
    done: dict[str, SourceSection] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: Path, fingerprint: str, *, resume: bool, now: datetime | None = None) -> Checkpoint:
        """A fresh checkpoint (an old one is discarded), or with ``resume`` the one found, checked.

        Raises :class:`InputError` when the checkpoint found was made for another collection or is
        older than :data:`MAX_AGE`. Resuming where there is no checkpoint starts from the beginning.
        """
        checkpoint = cls(directory, fingerprint)
        manifest = directory / MANIFEST
        if not resume or not manifest.exists():
            return checkpoint
        doc = _read(manifest)
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_ID:
            raise InputError(f"not an {SCHEMA_ID} checkpoint; delete the directory or run without --resume",
                             file=str(manifest), pointer="/schema")
        if doc.get("fingerprint") != fingerprint:
            raise InputError(
                "this checkpoint was made for another collection (the configuration, the policies, --as-of, "
                "the inventory or key files, or m365gov's version changed since): run without --resume "
                "to start again",
                file=str(manifest), pointer="/fingerprint",
            )
        collected = parse_datetime(doc.get("collectedAt"))
        as_of = parse_datetime(doc.get("asOf"))
        if collected is None or as_of is None:
            raise InputError("damaged checkpoint: no collectedAt/asOf", file=str(manifest), pointer="/collectedAt")
        if (now or utcnow()) - collected > MAX_AGE:
            raise InputError(
                f"this checkpoint is from {to_iso(collected)}, more than {MAX_AGE.total_seconds() / 3600:.0f} hours "
                "ago: its sections would describe another day's tenant; run without --resume",
                file=str(manifest), pointer="/collectedAt",
            )
        checkpoint.collected_at, checkpoint.as_of = collected, as_of
        checkpoint.done = _restorable_sections(directory, fingerprint)
        return checkpoint

    def begin(self, collected_at: datetime, as_of: datetime) -> None:
        """Record a fresh run's times (a resumed run keeps the manifest it has)."""
        if self.collected_at is not None:
            return
        self.discard()
        self.directory.mkdir(parents=True, mode=0o700)
        self.collected_at, self.as_of = collected_at, as_of
        atomic_write_json(self.directory / MANIFEST, {
            "schema": SCHEMA_ID,
            "fingerprint": self.fingerprint,
            "collectedAt": to_iso(collected_at),
            "asOf": to_iso(as_of),
            "m365govVersion": __version__,
        })

    def save(self, section: SourceSection) -> None:
        """Keep one finished section (atomically). A failure to write is logged, never fatal: the
        checkpoint only saves time, the collection itself must not fail for it."""
        doc = {"schema": SCHEMA_ID, "fingerprint": self.fingerprint, "name": section.name,
               "section": section.to_json()}
        try:
            atomic_write_json_lines(self.directory / f"{section.name}.json", doc)  # streamed, as snapshots are
        except OSError as exc:
            log.warning("could not checkpoint source %s: %s", section.name, exc)

    def discard(self) -> None:
        """Remove the directory (after the snapshot is written, or before a fresh run).

        Only a checkpoint is removed: a directory of that name holding anything else (no manifest of
        ours) is an input error, never deleted.
        """
        d = self.directory
        if not d.exists() and not d.is_symlink():
            return
        leftovers = [p for p in d.iterdir() if not _is_temporary(p)] if d.is_dir() and not d.is_symlink() else []
        if d.is_symlink() or not d.is_dir() or (leftovers and not _is_ours(d / MANIFEST)):
            raise InputError("exists and is not an m365gov checkpoint: move it away (collect keeps its "
                             "checkpoint there)", file=str(d))
        shutil.rmtree(d)


def _is_temporary(path: Path) -> bool:
    """A temporary file an atomic write left behind when the process was killed mid-write."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _is_ours(manifest: Path) -> bool:
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("schema") == SCHEMA_ID


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"damaged checkpoint: {exc}; delete it or run without --resume", file=str(path)) from None


def _restorable_sections(directory: Path, fingerprint: str) -> dict[str, SourceSection]:
    """The finished sections worth keeping; a file that does not read as one is collected again."""
    out: dict[str, SourceSection] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == MANIFEST:
            continue
        try:
            doc = read_json(path, what="checkpoint section", share=True)
            sec = doc["section"]
            name, status = doc["name"], sec["status"]
            if doc.get("fingerprint") != fingerprint or path.stem != name or status not in SOURCE_STATUSES:
                raise ValueError("not a section of this checkpoint")
            section = SourceSection(name, status, data=sec.get("data"), detail=sec.get("detail"),
                                    permission=sec.get("permission"), counts=dict(sec.get("counts") or {}))
        except (InputError, ValueError, KeyError, TypeError) as exc:
            log.warning("checkpoint file %s ignored (%s): that source is collected again", path, exc)
            continue
        if section.status in RESTORED_STATUSES:
            out[name] = section
    return out
