"""Deterministic identifiers.

Every object id in the fictional tenant comes from a named stream seeded by the tenant seed, so that
the same seed gives the same ids whatever else changes: adding a seeded defect, fixing one, or
generating a new family of objects (meetings, call records…) in a stream of its own never shifts the
ids of users or groups, which is what drift tests compare.
"""

from __future__ import annotations

import hashlib
import random
import uuid

# Fixed namespace for name-based ids that must not depend on the seed (documented, stable ids).
NAMESPACE = uuid.UUID("6f3c8d4e-2b1a-4c5d-9e8f-7a6b5c4d3e2f")


def stable_guid(name: str) -> str:
    """A GUID that depends only on ``name``: for ids that configuration files refer to."""
    return str(uuid.uuid5(NAMESPACE, name))


class GuidStream:
    """Version-4-shaped GUIDs drawn from a private, seeded random stream.

    Cheaper than ``uuid.uuid5`` per id (which matters at 100,000 users) and independent of any other
    stream, so that generating more of one kind of object does not change the ids of another.
    """

    def __init__(self, seed: int, name: str) -> None:
        self._rng = random.Random(f"m365gov-emulator:{seed}:{name}")

    def next(self) -> str:
        bits = self._rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fraction(*parts: object) -> float:
    """A uniform number in [0, 1) determined by ``parts``: a random draw that needs no shared state.

    Used where the order of calls must not matter (faults decided per request while threads race).
    """
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64
