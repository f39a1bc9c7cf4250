"""The trend chart: geometry of an inline SVG line chart from ``metrics.history``.

The HTML report must stay one self-contained file, so charts are inline SVG drawn by the template
from the numbers computed here (no script, no chart library). ``metrics.history`` is written by the
areas that keep a history (Teams adoption, readiness); two shapes are accepted, so that an area can
write whichever is natural to it:

* a list of points, each with a time (``collectedAt``, ``asOf``, ``at``, ``date`` or ``timestamp``)
  and numbers anywhere else in it, nested objects giving dotted series names::

      [{"collectedAt": "2026-11-01T08:00:00Z", "adoption": {"activeRatio": 0.61}}, …]

* an object of series, each a list of ``{"at"|"date"|…: time, "value": number}``::

      {"adoption.activeRatio": [{"date": "2026-11-01", "value": 0.61}, …]}

Series whose values all lie in [0, 1] are ratios and share a percentage chart; other series (counts)
share a second chart. Anything unusable is ignored; no usable point means no chart at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from m365gov.timeutil import PARIS, parse_datetime

TIME_KEYS = ("collectedAt", "asOf", "at", "date", "timestamp")
PALETTE = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#4b5563")
MAX_SERIES = len(PALETTE)
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 180, 16, 36


@dataclass(frozen=True)
class Point:
    """One plotted value: SVG coordinates, and what its tooltip says."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Series:
    """One line: its name, colour, points (in time order) and the SVG ``points`` attribute."""

    name: str
    color: str
    points: tuple[Point, ...]
    last: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    """An axis tick: position along its axis and its text."""

    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A line chart ready to draw: size, plotting box, axes and series.

    Attributes:
        percent: values are ratios shown as percentages.
        left / top / right / bottom: the plotting box in SVG coordinates.
    """

    title: str
    percent: bool
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]


def trend_charts(metrics: Mapping[str, Any] | None) -> list[Chart]:
    """The charts for ``metrics.history``: up to two (ratios, counts), or none."""
    raw = _series((metrics or {}).get("history"))
    if not raw:
        return []
    ratios = {k: v for k, v in raw.items() if all(0 <= y <= 1 for _, y in v)}
    counts = {k: v for k, v in raw.items() if k not in ratios}
    charts = []
    for group, percent in ((ratios, True), (counts, False)):
        if group:
            charts.append(_chart(dict(list(sorted(group.items()))[:MAX_SERIES]), percent))
    return charts


def history_series(metrics: Mapping[str, Any] | None) -> dict[str, list[tuple[datetime, float]]]:
    """Every usable series of ``metrics.history``, by name, points in time order (see module docstring)."""
    return _series((metrics or {}).get("history"))


def _series(history: Any) -> dict[str, list[tuple[datetime, float]]]:
    out: dict[str, list[tuple[datetime, float]]] = {}
    if isinstance(history, list):
        for entry in history:
            if not isinstance(entry, Mapping):
                continue
            when = _time_of(entry)
            if when is None:
                continue
            for name, number in _numbers(entry, ""):
                out.setdefault(name, []).append((when, number))
    elif isinstance(history, Mapping):
        for name, points in history.items():
            for p in points if isinstance(points, list) else ():
                when = _time_of(p) if isinstance(p, Mapping) else None
                value = p.get("value") if isinstance(p, Mapping) else None
                if when is not None and isinstance(value, int | float) and _is_number(value):
                    out.setdefault(str(name), []).append((when, float(value)))
    return {k: sorted(v) for k, v in out.items() if v}


def _time_of(entry: Mapping[str, Any]) -> datetime | None:
    for key in TIME_KEYS:
        if key in entry:
            return parse_datetime(entry[key])
    return None


def _numbers(obj: Mapping[str, Any], prefix: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for key, value in obj.items():
        if not prefix and key in TIME_KEYS:
            continue
        if isinstance(value, Mapping):
            out.extend(_numbers(value, f"{prefix}{key}."))
        elif _is_number(value):
            out.append((f"{prefix}{key}", float(value)))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # NaN excluded


def _chart(group: dict[str, list[tuple[datetime, float]]], percent: bool) -> Chart:
    x0, x1 = LEFT, WIDTH - RIGHT
    y0, y1 = HEIGHT - BOTTOM, TOP
    times = sorted({t for pts in group.values() for t, _ in pts})
    t_min, t_max = times[0].timestamp(), times[-1].timestamp()
    top = 1.0 if percent else _nice_max(max(v for pts in group.values() for _, v in pts))

    def x_of(t: datetime) -> float:
        if t_max == t_min:
            return (x0 + x1) / 2
        return x0 + (t.timestamp() - t_min) / (t_max - t_min) * (x1 - x0)

    def y_of(v: float) -> float:
        return y0 - (v / top if top else 0) * (y0 - y1)

    def fmt(v: float) -> str:
        return f"{v * 100:.0f} %" if percent else (f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}")

    series = []
    for i, (name, pts) in enumerate(group.items()):
        points = tuple(Point(x_of(t), y_of(v), f"{name}: {fmt(v)} ({_day(t)})") for t, v in pts)
        series.append(Series(name, PALETTE[i % len(PALETTE)], points, fmt(pts[-1][1])))
    shown = times if len(times) <= 6 else [times[round(i * (len(times) - 1) / 5)] for i in range(6)]
    x_ticks = tuple(Tick(x_of(t), _day(t)) for t in dict.fromkeys(shown))
    y_ticks = tuple(Tick(y_of(top * i / 4), fmt(top * i / 4)) for i in range(5))
    return Chart("%" if percent else "n", percent, WIDTH, HEIGHT, x0, y1, x1, y0, x_ticks, y_ticks, tuple(series))


def _nice_max(value: float) -> float:
    """A round upper bound for a count axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _day(t: datetime) -> str:
    return t.astimezone(PARIS).strftime("%d/%m/%Y")
