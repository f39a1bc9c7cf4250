"""Keeping Python's cyclic garbage collector out of the way of large, acyclic data.

A snapshot of 100,000 users is millions of small dicts and lists built at once (parsing Graph
pages, parsing a snapshot file). Each allocation counts towards the collector's thresholds, so it
runs over and over while the data grows, traversing more of it every time: about 45 % of parsing
an 80 MB snapshot, a third of compacting call records. JSON data has no reference cycles, so
nothing is gained by it. The settings are restored on exit; only this process is affected.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from typing import Any

RELAXED_THRESHOLDS = (50_000, 20, 100)
"""Collector thresholds during a collection: young cycles (HTTP client objects) are still freed
every few requests, while the growing snapshot is rarely traversed."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while building a structure that cannot hold cycles (``json.loads``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def gc_relaxed() -> Iterator[None]:
    """Fewer cyclic collections while a long-running task accumulates acyclic data (a collection)."""
    old = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(old, RELAXED_THRESHOLDS, strict=False)))
    try:
        yield
    finally:
        gc.set_threshold(*old)


class Sharer:
    """One copy of equal values across the records of a large, read-only structure (a snapshot).

    Parsing JSON makes a new object for every string and container, so 100,000 users each carry
    their own copy of the same twelve service plans (5 KB a user) and every call its own copies of
    its participants' ids. :meth:`share` walks one record: strings are interned (:func:`sys.intern`),
    and small containers below the record whose content is only strings, whole numbers, booleans,
    ``null`` or already-shared containers are replaced by the first equal one seen. Floats are never
    part of a shared container (``-0.0 == 0.0``), and types are part of equality (``True`` is not
    ``1``), so the data reads exactly as parsed — it must only never be mutated in place, which
    snapshot data never is (views build new resources).
    """

    MAX_SHARED = 32
    """Containers larger than this are not worth a key: only their contents are shared."""

    def __init__(self) -> None:
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._flat: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def share(self, record: Any) -> Any:
        """``record`` with its contents shared (the record itself is kept, and returned)."""
        t = type(record)
        if t is str:
            return sys.intern(record)
        if t is dict:
            self._dict(record, False)
        elif t is list:
            self._list(record, False)
        return record

    # A container's key is a flat tuple read left to right without ambiguity: a string value is
    # itself; an int, bool or None is preceded by its type (True == 1, but bool is not int); a
    # shared container is _SHARED then its id (kept alive by the memo). Object keys precede values.

    def _dict(self, d: dict[Any, Any], keyed: bool = True) -> tuple[Any, ...] | None:
        key: list[Any] | None = [dict] if keyed and len(d) <= self.MAX_SHARED else None
        intern = sys.intern
        for k, v in d.items():
            t = type(v)
            if t is str:
                v = d[k] = intern(v)
                if key is not None:
                    key += (k, v)
                continue
            if t is dict or t is list:
                child = self._dict(v) if t is dict else self._list(v)
                if child is None:
                    key = None
                    continue
                canonical = self._memo.setdefault(child, v)
                if canonical is not v:
                    d[k] = canonical
                if key is not None:
                    key += (k, _SHARED, id(canonical))
            elif key is not None:
                if t is int or t is bool or v is None:
                    key += (k, t, v)
                else:
                    key = None
        return tuple(key) if key is not None else None

    def _list(self, items: list[Any], keyed: bool = True) -> tuple[Any, ...] | None:
        if keyed and items and type(items[0]) is dict and len(items) <= self.MAX_SHARED:
            return self._flat_dicts(items)
        return self._list_slow(items, keyed)

    def _flat_dicts(self, items: list[Any]) -> tuple[Any, ...] | None:
        """A list of flat objects of strings (service plans): recognised at C speed once seen.

        The raw items are their own lookup key; a hit can only be a list of the same strings (a
        string equals nothing but a string), so its shared key applies unchanged.
        """
        try:
            raw = tuple(map(tuple, map(dict.items, items)))
            known = self._flat.get(raw)
        except TypeError:  # not all dicts, or a nested list: no shortcut
            return self._list_slow(items, True)
        if known is not None:
            return known
        key = self._list_slow(items, True)
        if key is not None and all(type(v) is str for d in items for v in d.values()):
            self._flat[raw] = key
        return key

    def _list_slow(self, items: list[Any], keyed: bool) -> tuple[Any, ...] | None:
        key: list[Any] | None = [list] if keyed and len(items) <= self.MAX_SHARED else None
        intern = sys.intern
        for i, v in enumerate(items):
            t = type(v)
            if t is str:
                v = items[i] = intern(v)
                if key is not None:
                    key.append(v)
                continue
            if t is dict or t is list:
                child = self._dict(v) if t is dict else self._list(v)
                if child is None:
                    key = None
                    continue
                canonical = self._memo.setdefault(child, v)
                if canonical is not v:
                    items[i] = canonical
                if key is not None:
                    key += (_SHARED, id(canonical))
            elif key is not None:
                if t is int or t is bool or v is None:
                    key += (t, v)
                else:
                    key = None
        return tuple(key) if key is not None else None


_SHARED = object()
"""Marks a shared container's id in a key (never equal to a value or a type)."""
