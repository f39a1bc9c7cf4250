"""The snapshot: everything collection saw, as plain JSON, evaluated many times offline."""

from m365gov.snapshot.model import SCHEMA_ID, Snapshot, SourceSection
from m365gov.snapshot.store import load_snapshot, parse_snapshot, write_snapshot

__all__ = ["SCHEMA_ID", "Snapshot", "SourceSection", "load_snapshot", "parse_snapshot", "write_snapshot"]
