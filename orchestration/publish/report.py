"""The static HTML report of a published version, regenerated at each publish.

One self-contained file (inline CSS and SVG, no script, no external resource) that opens from
file:// offline: what analysts look at first each morning. It reads only the published DuckDB
file, read-only, and only aggregates: DuckDB does the counting and the page holds at most
MAX_PERIODS periods per time chart whatever the warehouse's size, switching from days to weeks,
months or years as the range grows.

`load_report_data` queries, `render_report` is pure (data in, HTML out), `write_report` does both
and replaces the page atomically.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import duckdb

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

MAX_PERIODS = 90  # bars or points per time chart: 90 days, then weeks, months, years
GRAINS = ("day", "week", "month", "year")  # DuckDB date_trunc parts
CONFIDENCE_BINS = 20
MIN_OUTLET_EVENTS = 5  # an outlet with 2 events has a corroboration rate of 0, 0.5 or 1: noise
MAX_OUTLETS = 30
TOP_ENTITIES = 8

CHART_EVENTS = "chart-events-per-day"
CHART_CONFIDENCE = "chart-confidence"
CHART_OUTLETS = "chart-outlet-corroboration"
CHART_ENTITIES = "chart-top-entities"
CHART_QUARANTINE = "chart-quarantine"
CHART_IDS = (CHART_EVENTS, CHART_CONFIDENCE, CHART_OUTLETS, CHART_ENTITIES, CHART_QUARANTINE)


@dataclass(frozen=True)
class Timeline:
    """The periods a time chart shows: every period start from first to last, gaps included
    (a day without events is an empty slot, not a missing one)."""

    grain: str
    periods: tuple[date, ...]
    clipped: bool  # earlier periods exist but do not fit MAX_PERIODS even by year


@dataclass(frozen=True)
class Outlet:
    name: str
    ownership_group: str
    reliability_tier: str
    n_events: int
    corroboration_rate: float


@dataclass(frozen=True)
class Entity:
    name: str
    entity_type: str
    total_events: int
    counts: Mapping[date, int]  # events per period start


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows: small aggregates of the published marts."""

    version_id: str
    published_at: str  # already formatted, UTC
    n_events: int
    n_verified: int
    n_quarantined: int
    events_timeline: Timeline
    events: Mapping[tuple[date, str], int]  # (period, verification_level) -> events
    confidence_bins: Mapping[tuple[int, str], int]  # (bin, verification_level) -> events
    outlets: tuple[Outlet, ...]  # ranked, at most MAX_OUTLETS
    n_outlets: int  # all outlets in the scorecard
    n_qualifying_outlets: int  # of them, those with at least MIN_OUTLET_EVENTS events
    entities: tuple[Entity, ...]
    quarantine_timeline: Timeline
    quarantine: Mapping[tuple[date, str], int]  # (period, reason_code) -> records


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    version_id: str
    charts: tuple[str, ...]
    bytes_written: int


# --- periods -------------------------------------------------------------------------------


def _period_start(day: date, grain: str) -> date:
    """The start of `day`'s period, as DuckDB's date_trunc computes it (weeks start on Monday)."""
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    return day


def _next_period(start: date, grain: str) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    if grain == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _count_periods(first: date, last: date, grain: str) -> int:
    first, last = _period_start(first, grain), _period_start(last, grain)
    if grain == "day":
        return (last - first).days + 1
    if grain == "week":
        return (last - first).days // 7 + 1
    if grain == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def timeline(first: date | None, last: date | None) -> Timeline:
    """The finest grain whose periods from `first` to `last` fit MAX_PERIODS; beyond even that by
    year, the last MAX_PERIODS years."""
    if first is None or last is None:
        return Timeline("day", (), clipped=False)
    grain = next((g for g in GRAINS if _count_periods(first, last, g) <= MAX_PERIODS), GRAINS[-1])
    periods = [_period_start(first, grain)]
    while periods[-1] < _period_start(last, grain):
        periods.append(_next_period(periods[-1], grain))
    return Timeline(grain, tuple(periods[-MAX_PERIODS:]), clipped=len(periods) > MAX_PERIODS)


def _period_label(start: date, grain: str) -> str:
    if grain == "month":
        return start.strftime("%Y-%m")
    if grain == "year":
        return str(start.year)
    return start.isoformat()


# --- queries -------------------------------------------------------------------------------


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...]:
    return con.execute(sql, list(params)).fetchall()[0]


def _time_counts(
    con: duckdb.DuckDBPyConnection, table: str, day_expr: str, key: str, measure: str, other_days: str = ""
) -> tuple[Timeline, dict[tuple[date, str], int]]:
    """`measure` of `table` per period of `day_expr` and `key`, on the timeline of the days found
    (`other_days`: a query of more days the timeline must cover). Table and expressions are this
    module's constants, never data."""
    days = f"select {day_expr} as day from {table}" + (f" union all {other_days}" if other_days else "")
    span = timeline(*_one(con, f"select min(day), max(day) from ({days})"))
    if not span.periods:
        return span, {}
    rows = con.execute(
        f"select cast(date_trunc(?, {day_expr}) as date) as period, {key}, {measure} "
        f"from {table} where {day_expr} >= ? group by all",
        [span.grain, span.periods[0]],
    ).fetchall()
    return span, {(period, name): int(n) for period, name, n in rows}


def _entities(con: duckdb.DuckDBPyConnection, span: Timeline) -> tuple[Entity, ...]:
    """The TOP_ENTITIES entities named in most events over all days, with their counts per period."""
    top = con.execute(
        "select entity_id, coalesce(any_value(canonical_name), entity_id), "
        "coalesce(any_value(entity_type), 'unknown'), sum(n_events) "
        "from agg_entity_timelines group by entity_id "
        "order by sum(n_events) desc, entity_id limit ?",
        [TOP_ENTITIES],
    ).fetchall()
    if not top or not span.periods:
        return ()
    counts: dict[str, dict[date, int]] = {entity_id: {} for entity_id, *_ in top}
    for entity_id, period, n in con.execute(
        "select entity_id, cast(date_trunc(?, event_date) as date), sum(n_events) "
        "from agg_entity_timelines where entity_id in (select unnest(?)) and event_date >= ? "
        "group by all",
        [span.grain, list(counts), span.periods[0]],
    ).fetchall():
        counts[entity_id][period] = int(n)
    return tuple(
        Entity(name, entity_type, int(total), counts[entity_id]) for entity_id, name, entity_type, total in top
    )


def load_report_data(published_db: Path) -> ReportData:
    """The page's aggregates, read from the published file opened read-only."""
    with duckdb.connect(str(published_db), read_only=True) as con:
        published = con.execute(
            "select version_id, strftime(timezone('UTC', published_at), '%Y-%m-%d %H:%M UTC') from audit_publish"
        ).fetchall()
        if len(published) != 1:
            raise ValueError(f"{published_db}: audit_publish has {len(published)} rows, expected 1")
        n_events, n_verified = _one(
            con, "select count(*), count(*) filter (where verification_level = 'verified') from fct_events"
        )
        events_timeline, events = _time_counts(
            con,
            "agg_daily_event_counts",
            "event_date",
            "verification_level",
            "sum(n_events)",
            other_days="select event_date from agg_entity_timelines",
        )
        confidence = con.execute(
            "select least(cast(floor(confidence_score * ?) as integer), ? - 1), verification_level, "
            "count(*) from fct_events group by all",
            [CONFIDENCE_BINS, CONFIDENCE_BINS],
        ).fetchall()
        outlets = con.execute(
            "select coalesce(outlet_name, outlet_id), coalesce(ownership_group, 'no ownership group'), "
            "coalesce(reliability_tier, 'unknown'), n_events, corroboration_rate, "
            "count(*) over () from agg_outlet_scorecards where n_events >= ? "
            "order by corroboration_rate desc, n_events desc, outlet_name limit ?",
            [MIN_OUTLET_EVENTS, MAX_OUTLETS],
        ).fetchall()
        quarantine_timeline, quarantine = _time_counts(
            con, "audit_quarantine", "cast(loaded_at as date)", "reason_code", "count(*)"
        )
        return ReportData(
            version_id=published[0][0],
            published_at=published[0][1],
            n_events=n_events,
            n_verified=n_verified,
            n_quarantined=_one(con, "select count(*) from audit_quarantine")[0],
            events_timeline=events_timeline,
            events=events,
            confidence_bins={(b, level): n for b, level, n in confidence},
            outlets=tuple(Outlet(*row[:5]) for row in outlets),
            n_outlets=_one(con, "select count(*) from agg_outlet_scorecards")[0],
            n_qualifying_outlets=outlets[0][5] if outlets else 0,
            entities=_entities(con, events_timeline),
            quarantine_timeline=quarantine_timeline,
            quarantine=quarantine,
        )


# --- rendering -----------------------------------------------------------------------------


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


STYLE = """
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --page: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", Arial, sans-serif; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 24px; }
header h1 { margin: 0; font-size: 20px; }
.meta { margin: 4px 0 0; color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: 8px 20px; list-style: none; margin: 10px 0 0; padding: 0; }
nav a { color: #0969da; }
main { max-width: 1440px; margin: 0 auto; padding: 16px 24px 32px; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 16px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; }
.stat dt { color: var(--muted); font-size: 12px; letter-spacing: .04em; text-transform: uppercase; }
.stat dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat dd.note { margin: 0; color: var(--muted); font-size: 12px; font-weight: 400; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 16px;
  align-items: start; }
.card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.card h2 { margin: 0 0 12px; font-size: 15px; }
.card svg { display: block; width: 100%; height: auto; }
.card .mark:hover { opacity: .75; }
figcaption { margin-top: 10px; color: var(--muted); font-size: 12.5px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
footer { max-width: 1440px; margin: 0 auto; padding: 0 24px 24px; color: var(--muted); font-size: 12px; }
"""


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
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Event warehouse report · {escape_html(data.version_id)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Event warehouse report</h1>
<p class="meta">Published version {_code(data.version_id)}, published {escape_html(data.published_at)}</p>
<nav aria-label="Related documentation"><ul>{nav}</ul></nav>
</header>
<main>
<dl class="summary">{stats}</dl>
<div class="grid">
{chr(10).join(cards)}
</div>
</main>
<footer>Every figure is of the published version above, read from the published DuckDB file. Hover
over a bar, point or outlet for its exact numbers.</footer>
</body>
</html>
"""


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
