"""The static HTML report of a published version, regenerated at each publish.

One self-contained file (inline CSS and SVG, no script, no external resource) that opens from
file:// offline: what analysts look at first each morning. `report_data.load_report_data`
queries the published file; `render_report` is pure (data in, HTML out: the charts of
charts.py in the page of report_template.html); `write_report` does both and replaces the page
atomically.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from string import Template
from types import MappingProxyType
from typing import TypeVar
from urllib.parse import urlsplit

from orchestration.publish.charts import (
    BLACK,
    CATEGORICAL,
    LEVEL_COLORS,
    LEVELS,
    OTHER_COLOR,
    Panel,
    RankedBar,
    Series,
    escape_html,
    histogram,
    ranked_bar_chart,
    small_multiples,
    stacked_bar_chart,
)
from orchestration.publish.report_data import (
    CONFIDENCE_BINS,
    MAX_PERIODS,
    MIN_OUTLET_EVENTS,
    TOP_ENTITIES,
    ReportData,
    Timeline,
    load_report_data,
)


@cache
def page_template() -> Template:
    """The page around the charts: markup and CSS, with $placeholders for the escaped parts."""
    return Template((Path(__file__).parent / "report_template.html").read_text(encoding="utf-8"))


CHART_EVENTS = "chart-events-per-day"


CHART_CONFIDENCE = "chart-confidence"


CHART_OUTLETS = "chart-outlet-corroboration"


CHART_ENTITIES = "chart-top-entities"


CHART_QUARANTINE = "chart-quarantine"


CHART_IDS = (CHART_EVENTS, CHART_CONFIDENCE, CHART_OUTLETS, CHART_ENTITIES, CHART_QUARANTINE)


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    version_id: str
    charts: tuple[str, ...]
    bytes_written: int


def _period_label(start: date, grain: str) -> str:
    if grain == "month":
        return start.strftime("%Y-%m")
    if grain == "year":
        return str(start.year)
    return start.isoformat()


def _levels(found: Sequence[str]) -> list[str]:
    """The five levels in their fixed order, then any other (the publish gate accepts none)."""
    return [*LEVELS, *sorted(set(found) - set(LEVELS))]


_Key = TypeVar("_Key")


def _level_series(counts: Mapping[tuple[_Key, str], int], keys: Sequence[_Key]) -> list[Series]:
    levels = _levels([level for _, level in counts])
    return [
        Series(level, tuple(float(counts.get((key, level), 0)) for key in keys), LEVEL_COLORS.get(level, BLACK))
        for level in levels
    ]


def _timeline_caption(span: Timeline) -> str:
    if not span.periods:
        return ""
    first, last = _period_label(span.periods[0], span.grain), _period_label(span.periods[-1], span.grain)
    per = {"day": "Per day", "week": "Per week (weeks start on Monday)", "month": "Per month", "year": "Per year"}
    clipped = f", the last {MAX_PERIODS} years only" if span.clipped else ""
    return f" {per[span.grain]}, {first}{'' if first == last else f' to {last}'}{clipped}."


def _events_chart(data: ReportData) -> str:
    span = data.events_timeline
    return stacked_bar_chart(
        [_period_label(p, span.grain) for p in span.periods],
        _level_series(data.events, span.periods),
        label="Events by verification level over time",
        unit="events",
        empty_message="No published events.",
    )


def _confidence_chart(data: ReportData) -> str:
    return histogram(
        [i / CONFIDENCE_BINS for i in range(CONFIDENCE_BINS + 1)],
        _level_series(data.confidence_bins, range(CONFIDENCE_BINS)),
        label="Distribution of event confidence scores by verification level",
        unit="events",
        empty_message="No published events.",
    )


def _outlets_chart(data: ReportData) -> str:
    return ranked_bar_chart(
        [
            RankedBar(
                o.name,
                o.corroboration_rate,
                note=f"n = {o.n_events:,}",
                detail=f"{o.ownership_group}, reliability tier {o.reliability_tier}",
            )
            for o in data.outlets
        ],
        label="Outlets ranked by corroboration rate",
        value_format=lambda v: f"{v:.0%}",
        x_max=1.0,
        empty_message=f"No outlet has {MIN_OUTLET_EVENTS} or more events.",
    )


def _entities_chart(data: ReportData) -> str:
    span = data.events_timeline
    return small_multiples(
        [_period_label(p, span.grain) for p in span.periods],
        [
            Panel(
                e.name,
                f"{e.entity_type} · {e.total_events:,} events in all",
                tuple(float(e.counts.get(p, 0)) for p in span.periods),
            )
            for e in data.entities
        ],
        label=f"The {TOP_ENTITIES} most-mentioned entities over time",
        unit="events",
        empty_message="No entity is named in any published event.",
    )


def _quarantine_chart(data: ReportData) -> str:
    """Reasons by total, the largest in their own colour; beyond the palette, the rest as one
    grey 'other' series."""
    span = data.quarantine_timeline
    totals: dict[str, int] = {}
    for (_, reason), n in data.quarantine.items():
        totals[reason] = totals.get(reason, 0) + n
    ranked = sorted(totals, key=lambda reason: (-totals[reason], reason))
    named = ranked if len(ranked) <= len(CATEGORICAL) else ranked[: len(CATEGORICAL) - 1]
    rest = set(ranked) - set(named)

    def per_period(reasons: set[str] | list[str]) -> tuple[float, ...]:
        return tuple(float(sum(data.quarantine.get((p, r), 0) for r in reasons)) for p in span.periods)

    series = [Series(reason, per_period([reason]), color) for reason, color in zip(named, CATEGORICAL, strict=False)]
    if rest:
        series.append(Series(f"other ({len(rest)} reasons)", per_period(rest), OTHER_COLOR))
    return stacked_bar_chart(
        [_period_label(p, span.grain) for p in span.periods],
        series,
        label="Quarantined records by reason over time",
        unit="records",
        empty_message="Nothing was quarantined: every delivered record was loaded.",
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def _check_link(href: str) -> str:
    """Links must stay inside the published folder: the page loads and points to nothing else."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not href.strip():
        raise ValueError(f"report links must be relative paths, got {href!r}")
    return href


def _card(chart_id: str, title: str, chart: str, caption: str) -> str:
    return (
        f'<figure class="card" id="{chart_id}"><h2>{escape_html(title)}</h2>{chart}'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _code(name: str) -> str:
    return f"<code>{escape_html(name)}</code>"


def render_report(data: ReportData, links: Mapping[str, str] = MappingProxyType({})) -> str:
    """The whole page for `data`; `links` (label -> relative href) go into the header."""
    nav = "".join(
        f'<li><a href="{escape_html(_check_link(href))}">{escape_html(label)}</a></li>' for label, href in links.items()
    )
    summary = [
        ("Events", f"{data.n_events:,}", "published, each in its current version"),
        ("Verified", _share(data.n_verified, data.n_events), f"{data.n_verified:,} of {data.n_events:,} events"),
        ("Quarantined records", f"{data.n_quarantined:,}", "kept out of the facts"),
        ("Outlets scored", f"{data.n_outlets:,}", f"{data.n_qualifying_outlets:,} with {MIN_OUTLET_EVENTS}+ events"),
    ]
    stats = "".join(
        f'<div class="stat"><dt>{escape_html(name)}</dt><dd>{escape_html(value)}</dd>'
        f'<dd class="note">{escape_html(note)}</dd></div>'
        for name, value, note in summary
    )
    excluded = data.n_outlets - data.n_qualifying_outlets
    shown = len(data.outlets)
    top_of = (
        f" The {shown} highest of {data.n_qualifying_outlets} are shown." if shown < data.n_qualifying_outlets else ""
    )
    cards = [
        _card(
            CHART_EVENTS,
            "Events by verification level",
            _events_chart(data),
            "Events by the day (UTC) they were first extracted, stacked by our verification level."
            f"{_timeline_caption(data.events_timeline)} Source: {_code('agg_daily_event_counts')} "
            "(<code>n_events</code> summed over categories).",
        ),
        _card(
            CHART_CONFIDENCE,
            "Confidence score distribution",
            _confidence_chart(data),
            f"Every published event's {_code('confidence_score')} in {CONFIDENCE_BINS} bins of width "
            f"{1 / CONFIDENCE_BINS:g} on [0, 1], stacked by {_code('verification_level')}. "
            f"Source: {_code('fct_events')}.",
        ),
        _card(
            CHART_OUTLETS,
            "Outlets ranked by corroboration rate",
            _outlets_chart(data),
            "Share of each outlet's events that an outlet of another ownership group also reported "
            f"({_code('corroboration_rate')}); n = the outlet's events. Only outlets with at least "
            f"{MIN_OUTLET_EVENTS} events ({excluded:,} of {data.n_outlets:,} left out).{top_of} "
            f"Source: {_code('agg_outlet_scorecards')}.",
        ),
        _card(
            CHART_ENTITIES,
            "Most-mentioned entities",
            _entities_chart(data),
            f"The {TOP_ENTITIES} entities named in the most events over all days (in an event's entity "
            "list or as its place), events by the day they were first extracted, on one shared scale."
            f"{_timeline_caption(data.events_timeline)} Source: {_code('agg_entity_timelines')}.",
        ),
        _card(
            CHART_QUARANTINE,
            "Quarantined records by reason",
            _quarantine_chart(data),
            "Records kept out of the facts, by the day (UTC) they were loaded and "
            f"{_code('reason_code')}.{_timeline_caption(data.quarantine_timeline)} "
            f"Source: {_code('audit_quarantine')}.",
        ),
    ]
    return page_template().substitute(
        version=escape_html(data.version_id),
        version_code=_code(data.version_id),
        published_at=escape_html(data.published_at),
        nav=nav,
        stats=stats,
        cards="\n".join(cards),
    )


def write_report(
    published_db: Path, out_file: Path, *, links: Mapping[str, str] = MappingProxyType({})
) -> ReportSummary:
    """Render the report of `published_db` into `out_file`, replacing it in one rename: a reader
    opening the page sees the previous report or this one, never half of one."""
    data = load_report_data(published_db)
    page = render_report(data, links).encode("utf-8")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    staging = out_file.with_name(f".{out_file.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(staging, "wb") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, out_file)
    finally:
        staging.unlink(missing_ok=True)
    return ReportSummary(out_file, data.version_id, CHART_IDS, len(page))
