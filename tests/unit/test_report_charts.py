"""The report's SVG charts and page, rendered from plain data (no DuckDB, no browser)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from orchestration.publish.charts import (
    CATEGORICAL,
    LEVEL_COLORS,
    LEVELS,
    MAX_BAR_WIDTH,
    PANEL_PLOT,
    Panel,
    RankedBar,
    Series,
    histogram,
    nice_ticks,
    ranked_bar_chart,
    small_multiples,
    stacked_bar_chart,
)
from orchestration.publish.report import CHART_IDS, render_report
from orchestration.publish.report_data import MAX_PERIODS, Entity, Outlet, ReportData, Timeline, timeline

HOSTILE = """<script>alert("x")</script> & 'Co' <b>"""
PLAIN = {"label": "x", "unit": "u", "empty_message": "none"}
EMPTY = {"label": "Chart", "unit": "events", "empty_message": "Nothing here."}
HOSTILE_TEXT = {"label": HOSTILE, "unit": HOSTILE, "empty_message": "none"}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "svg" and root.get("role") == "img" and root.get("aria-label")
    return root


def marks(root: ET.Element, tag: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter() if "mark" in (e.get("class") or "").split() and (tag is None or e.tag == tag)]


def texts(root: ET.Element) -> list[str]:
    """Every piece of text a reader sees or hears: text, tooltips and the accessible label."""
    return [root.get("aria-label", "")] + ["".join(e.itertext()) for e in root.iter() if e.tag in ("text", "title")]


def is_no_data(root: ET.Element) -> bool:
    return "no-data" in root.get("class", "").split() and not marks(root)


def level_series(values_per_level: dict[str, list[float]]) -> list[Series]:
    return [Series(level, tuple(values_per_level[level]), LEVEL_COLORS[level]) for level in LEVELS]


# --- charts --------------------------------------------------------------------------------


def test_stacked_bars_draw_one_mark_per_positive_value_in_the_level_colours() -> None:
    days = ["2026-05-24", "2026-05-25", "2026-05-26"]
    values = {
        "verified": [3, 0, 1],
        "corroborated": [2, 5, 0],
        "single_source": [0, 0, 0],
        "unverified": [1, 1, 1],
        "disputed": [0, 2, 0],
    }
    root = parse(stacked_bar_chart(days, level_series(values), label="Events", unit="events", empty_message="none"))

    rects = marks(root, "rect")
    assert len(rects) == sum(1 for v in values.values() for x in v if x > 0) == 8
    drawn = ("verified", "corroborated", "unverified", "disputed")  # single_source has no events
    assert {r.get("fill") for r in rects} == {LEVEL_COLORS[level] for level in drawn}
    # taller bars for larger totals: day 2 (8 events) is taller than day 3 (2 events)
    heights: dict[str, float] = {}
    for rect in rects:
        day = rect.find("title").text.split(" · ")[0]
        heights[day] = heights.get(day, 0.0) + float(rect.get("height"))
    assert heights["2026-05-25"] == pytest.approx(4 * heights["2026-05-26"], rel=0.01)
    assert "2026-05-25 · disputed: 2 events (of 8)" in texts(root)
    assert set(LEVELS) <= set(texts(root))  # the legend names every level


def test_a_single_day_is_one_narrow_bar_not_a_slab() -> None:
    root = parse(stacked_bar_chart(["2026-05-24"], [Series("a", (4.0,), CATEGORICAL[0])], **PLAIN))
    (rect,) = marks(root)
    assert 0 < float(rect.get("width")) <= MAX_BAR_WIDTH
    assert "2026-05-24" in texts(root)


def test_long_time_axes_thin_their_labels_instead_of_overlapping() -> None:
    days = [(date(2026, 1, 1) + timedelta(days=i)).isoformat() for i in range(MAX_PERIODS)]
    root = parse(stacked_bar_chart(days, [Series("a", (1.0,) * len(days), CATEGORICAL[0])], **PLAIN))
    assert len(marks(root)) == MAX_PERIODS
    shown = [e for e in root.iter("text") if e.text in days]
    assert 3 <= len(shown) < len(days) / 5
    xs = sorted(float(e.get("x")) for e in shown)
    assert min(b - a for a, b in pairwise(xs)) > 60  # an ISO date is about 62 units wide


def test_histogram_places_bins_by_value_and_counts_marks() -> None:
    edges = [0.0, 0.25, 0.5, 0.75, 1.0]
    series = [
        Series("verified", (0, 0, 1, 4), LEVEL_COLORS["verified"]),
        Series("disputed", (2, 0, 0, 1), LEVEL_COLORS["disputed"]),
    ]
    root = parse(histogram(edges, series, label="Confidence", unit="events", empty_message="none"))
    rects = marks(root, "rect")
    assert len(rects) == 4
    lefts = sorted({float(r.get("x")) for r in rects})
    # bins 0, 2 and 3 have events: bin 2 starts two bin widths after bin 0, bin 3 one after bin 2
    assert len(lefts) == 3 and lefts[1] - lefts[0] == pytest.approx(2 * (lefts[2] - lefts[1]))
    assert "0.75–1 · verified: 4 events (of 5)" in texts(root)
    with pytest.raises(ValueError):
        histogram([0.5, 0.5], [], label="x", unit="u", empty_message="none")


def test_ranked_bars_keep_order_and_show_value_and_note() -> None:
    bars = [
        RankedBar("Alpha", 0.9, note="n = 12"),
        RankedBar("Beta", 0.5, note="n = 7"),
        RankedBar("Gamma", 0.0, note="n = 5"),
    ]
    root = parse(
        ranked_bar_chart(bars, label="Outlets", value_format=lambda v: f"{v:.0%}", x_max=1.0, empty_message="none")
    )
    rects = marks(root, "rect")
    assert len(rects) == 3
    assert [float(r.get("y")) for r in rects] == sorted(float(r.get("y")) for r in rects)
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == pytest.approx(widths[1] * 0.9 / 0.5) and widths[2] == 0
    assert {"90% · n = 12", "50% · n = 7", "0% · n = 5"} <= set(texts(root))


def test_small_multiples_share_one_scale_and_draw_a_point_per_value() -> None:
    days = ["2026-05-24", "2026-05-25", "2026-05-26"]
    panels = [
        Panel("Kharkiv", "location · 30 events", (10, 20, 0)),
        Panel("Shahed-136", "weapon_system · 4 events", (1, 2, 1)),
    ]
    root = parse(small_multiples(days, panels, label="Entities", unit="events", empty_message="none"))
    assert len(marks(root, "circle")) == 6
    assert len(marks(root, "path")) == 2
    cy = {e.find("title").text: float(e.get("cy")) for e in marks(root, "circle")}
    baseline = cy["Kharkiv · 2026-05-26: 0 events"]  # both panels sit in one row: one baseline
    per_event = (baseline - cy["Kharkiv · 2026-05-25: 20 events"]) / 20
    assert 20 * per_event == pytest.approx(PANEL_PLOT)  # the largest value, a round one, fills the plot
    # one scale for all panels: 2 events are as high in Shahed-136's panel as they would be in Kharkiv's
    assert baseline - cy["Shahed-136 · 2026-05-25: 2 events"] == pytest.approx(2 * per_event)
    assert baseline - cy["Kharkiv · 2026-05-24: 10 events"] == pytest.approx(10 * per_event)
    assert "Shahed-136" in texts(root) and "weapon_system · 4 events" in texts(root)


def test_single_point_lines_still_show_their_point() -> None:
    root = parse(small_multiples(["2026-05-24"], [Panel("A", "", (3,))], label="x", unit="u", empty_message="none"))
    assert len(marks(root, "circle")) == 1 and not marks(root, "path")


@pytest.mark.parametrize(
    "svg",
    [
        stacked_bar_chart([], [], **EMPTY),
        stacked_bar_chart(["d"], [Series("a", (0.0,), CATEGORICAL[0])], **EMPTY),
        histogram([0, 1], [], **EMPTY),
        ranked_bar_chart([], label="Outlets", value_format=str, x_max=1, empty_message="Nothing here."),
        small_multiples(["d"], [], **EMPTY),
        small_multiples([], [], **EMPTY),
    ],
    ids=["bars-empty", "bars-all-zero", "histogram", "ranked", "multiples-no-panels", "multiples-no-days"],
)
def test_empty_data_renders_the_no_data_panel(svg: str) -> None:
    root = parse(svg)
    assert is_no_data(root)
    assert "Nothing here." in texts(root)


def test_hostile_names_are_escaped_everywhere() -> None:
    charts = [
        stacked_bar_chart([HOSTILE], [Series(HOSTILE, (1.0,), CATEGORICAL[0])], **HOSTILE_TEXT),
        histogram([0, 1], [Series(HOSTILE, (1.0,), CATEGORICAL[0])], **HOSTILE_TEXT),
        ranked_bar_chart(
            [RankedBar(HOSTILE, 0.5, note=HOSTILE, detail=HOSTILE)],
            label=HOSTILE,
            value_format=str,
            x_max=1,
            empty_message="none",
        ),
        small_multiples([HOSTILE, "b"], [Panel(HOSTILE, HOSTILE, (1, 2))], **HOSTILE_TEXT),
        stacked_bar_chart([], [], label=HOSTILE, unit="u", empty_message=HOSTILE),
    ]
    for svg in charts:
        assert "<script" not in svg and "<b>" not in svg
        root = parse(svg)  # well-formed: nothing the name contains opened or closed an element
        assert {e.tag for e in root.iter()} <= {"svg", "g", "rect", "text", "title", "line", "path", "circle"}
        assert root.get("aria-label").startswith(HOSTILE)
        assert any(HOSTILE in text for text in texts(root)[1:])  # shown intact, as text


def test_series_must_match_the_categories() -> None:
    with pytest.raises(ValueError, match="2 values for 3"):
        stacked_bar_chart(["a", "b", "c"], [Series("s", (1.0, 2.0), CATEGORICAL[0])], **PLAIN)


def test_level_colours_are_fixed_distinct_and_from_the_palette() -> None:
    assert list(LEVEL_COLORS) == list(LEVELS)
    assert len(set(LEVEL_COLORS.values())) == len(LEVELS)
    assert len(set(CATEGORICAL)) == len(CATEGORICAL)


@pytest.mark.parametrize(
    ("top", "integer"), [(1, True), (3, True), (27, True), (313, True), (1_000_000, True), (1.0, False), (0.8, False)]
)
def test_nice_ticks_start_at_zero_and_cover_the_top(top: float, integer: bool) -> None:
    ticks = nice_ticks(top, integer=integer)
    assert ticks[0] == 0 and ticks[-1] >= top and ticks[-2] < top
    steps = {round(b - a, 9) for a, b in pairwise(ticks)}
    assert len(steps) == 1 and (not integer or all(t == int(t) for t in ticks))


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "grain", "n"),
    [
        (date(2026, 5, 24), date(2026, 5, 24), "day", 1),
        (date(2026, 5, 24), date(2026, 5, 30), "day", 7),
        (date(2026, 1, 1), date(2026, 3, 31), "day", 90),
        (date(2026, 1, 1), date(2026, 4, 1), "week", 14),
        (date(2020, 1, 1), date(2026, 12, 31), "month", 84),
        (date(1990, 1, 1), date(2026, 5, 24), "year", 37),
    ],
)
def test_timeline_picks_the_finest_grain_that_fits(first: date, last: date, grain: str, n: int) -> None:
    span = timeline(first, last)
    assert (span.grain, len(span.periods), span.clipped) == (grain, n, False)
    assert span.periods[0] <= first and span.periods[-1] <= last
    if grain == "week":
        assert all(p.weekday() == 0 for p in span.periods)  # DuckDB's date_trunc('week'): Monday


def test_timeline_is_bounded_even_for_absurd_ranges() -> None:
    span = timeline(date(1, 1, 1), date(2026, 5, 24))
    assert span.grain == "year" and span.clipped
    assert len(span.periods) == MAX_PERIODS and span.periods[-1] == date(2026, 1, 1)
    assert timeline(None, None).periods == ()


# --- the page ------------------------------------------------------------------------------


def report_data(**overrides: object) -> ReportData:
    days = (date(2026, 5, 24), date(2026, 5, 25))
    values: dict = dict(
        version_id="20260525T000000Z-abcd",
        published_at="2026-05-25 06:00 UTC",
        n_events=10,
        n_verified=4,
        n_quarantined=3,
        events_timeline=Timeline("day", days, clipped=False),
        events={(days[0], "verified"): 4, (days[0], "disputed"): 1, (days[1], "corroborated"): 5},
        confidence_bins={(19, "verified"): 4, (10, "corroborated"): 5, (2, "disputed"): 1},
        outlets=(Outlet(HOSTILE, "group", "1", 9, 0.75), Outlet("Reuters", "thomson_reuters", "1", 6, 0.5)),
        n_outlets=5,
        n_qualifying_outlets=2,
        entities=(Entity(HOSTILE, "person", 7, {days[0]: 3, days[1]: 4}),),
        quarantine_timeline=Timeline("day", days[1:], clipped=False),
        quarantine={(days[1], "malformed_json"): 2, (days[1], HOSTILE): 1},
    )
    return ReportData(**(values | overrides))


class Page(HTMLParser):
    """The parts of a page that could load something or run something."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data", "background"):
                self.urls.append((tag, name, value or ""))
            if name == "id":
                self.ids.append(value or "")
            if name == "style" or name.startswith("on"):
                self.styles.append(f"{name}={value}")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
            self._in_style = False


LINKS = {"dbt docs (tables, columns, lineage)": "dbt-docs/index.html", "Data quality": "data-docs/index.html"}


def test_report_is_self_contained_and_escapes_data() -> None:
    links = LINKS | {HOSTILE: "a&b/<i>.html"}
    html = render_report(report_data(version_id=HOSTILE, published_at=HOSTILE), links)
    page = Page(html)

    # nothing is loaded from anywhere: the only URLs are the given relative links
    assert page.urls == [("a", "href", href) for href in links.values()]
    assert not {"script", "link", "img", "iframe", "object", "embed", "image", "use"} & set(page.tags)
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    assert not [s for s in page.styles if "url(" in s or "@import" in s or "@font-face" in s]
    # the data's markup never becomes markup
    assert "<b>" not in html and "<i>" not in html and html.count("&lt;script&gt;") >= 8
    assert sorted(page.ids) == sorted(CHART_IDS)
    assert ">40.0%<" in html  # share verified: 4 of 10


def test_report_shows_the_published_version() -> None:
    html = render_report(report_data())
    header = html.split("<header>", 1)[1].split("</header>", 1)[0]
    assert "20260525T000000Z-abcd" in header and "2026-05-25 06:00 UTC" in header
    assert "<title>Event warehouse report · 20260525T000000Z-abcd</title>" in html


def test_report_charts_are_drawn_from_the_data() -> None:
    html = render_report(report_data(), LINKS)
    for chart_id in CHART_IDS:
        figure = html.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0]
        root = parse(figure[figure.index("<svg") : figure.index("</svg>") + 6])
        assert marks(root), chart_id
    assert "at least 5 events (3 of 5 left out)" in html


@pytest.mark.parametrize("href", ["https://example.com/docs", "//cdn.example.com/x", "javascript:alert(1)", " "])
def test_report_links_must_be_relative(href: str) -> None:
    with pytest.raises(ValueError, match="relative"):
        render_report(report_data(), {"docs": href})


def test_empty_warehouse_renders_no_data_panels() -> None:
    empty = report_data(
        n_events=0,
        n_verified=0,
        n_quarantined=0,
        events_timeline=Timeline("day", (), False),
        events={},
        confidence_bins={},
        outlets=(),
        n_outlets=0,
        n_qualifying_outlets=0,
        entities=(),
        quarantine_timeline=Timeline("day", (), False),
        quarantine={},
    )
    html = render_report(empty)
    assert html.count('class="chart no-data"') == len(CHART_IDS)
    assert "Nothing was quarantined" in html and ">–<" in html
    assert Page(html).urls == []


def test_many_quarantine_reasons_fold_into_other() -> None:
    day = date(2026, 5, 25)
    reasons = {f"reason_{i:02}": 100 - i for i in range(12)}
    html = render_report(report_data(quarantine={(day, r): n for r, n in reasons.items()}))
    figure = html.split('id="chart-quarantine"', 1)[1].split("</figure>", 1)[0]
    root = parse(figure[figure.index("<svg") : figure.index("</svg>") + 6])
    legend = [e.text for e in root.iter("text") if e.text and e.text.startswith(("reason_", "other"))]
    assert legend == [f"reason_{i:02}" for i in range(len(CATEGORICAL) - 1)] + ["other (5 reasons)"]
    assert sum(float(r.find("title").text.split(": ")[1].split()[0]) for r in marks(root)) == sum(reasons.values())
