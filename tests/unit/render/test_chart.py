"""The trend chart's geometry from ``metrics.history``, in either accepted shape."""

from __future__ import annotations

from m365gov.render.chart import HEIGHT, trend_charts


def test_a_list_of_points_gives_one_line_per_numeric_series() -> None:
    history = [
        {"collectedAt": "2026-11-01T08:00:00Z", "adoption": {"activeRatio": 0.5}},
        {"collectedAt": "2026-11-08T08:00:00Z", "adoption": {"activeRatio": 0.75}},
    ]
    (chart,) = trend_charts({"history": history})
    (series,) = chart.series
    assert chart.percent and series.name == "adoption.activeRatio" and series.last == "75 %"
    (a, b) = series.points
    assert a.x == chart.left and b.x == chart.right and a.y > b.y  # later and higher


def test_an_object_of_series_is_accepted_too() -> None:
    history = {"devices.ready": [{"date": "2026-11-01", "value": 120}, {"date": "2026-11-02", "value": 140}]}
    (chart,) = trend_charts({"history": history})
    assert not chart.percent and chart.series[0].last == "140" and chart.y_ticks[-1].label == "200"


def test_ratios_and_counts_get_separate_charts() -> None:
    history = [{"at": "2026-11-01", "ratio": 0.4, "count": 12}, {"at": "2026-11-02", "ratio": 0.5, "count": 14}]
    assert [c.percent for c in trend_charts({"history": history})] == [True, False]


def test_unusable_history_gives_no_chart() -> None:
    for history in (None, [], [{"value": 1}], [{"at": "not a date", "x": 1}], {"s": "nope"}, [{"at": "2026-11-01"}]):
        assert trend_charts({"history": history}) == []
    assert trend_charts({}) == [] and trend_charts(None) == []


def test_points_stay_inside_the_plot() -> None:
    history = [{"at": f"2026-11-{d:02}", "n": d * 7} for d in range(1, 29)]
    (chart,) = trend_charts({"history": history})
    for p in chart.series[0].points:
        assert chart.left <= p.x <= chart.right and chart.top <= p.y <= chart.bottom < HEIGHT
    assert len(chart.x_ticks) == 6
