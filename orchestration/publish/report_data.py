"""What the report shows, queried from the published DuckDB file (read-only): small aggregates
only. DuckDB does the counting, and a time chart holds at most MAX_PERIODS periods whatever the
warehouse's size, switching from days to weeks, months or years as the range grows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

MAX_PERIODS = 90  # bars or points per time chart: 90 days, then weeks, months, years


GRAINS = ("day", "week", "month", "year")  # DuckDB date_trunc parts


CONFIDENCE_BINS = 20


MIN_OUTLET_EVENTS = 5  # an outlet with 2 events has a corroboration rate of 0, 0.5 or 1: noise


MAX_OUTLETS = 30


TOP_ENTITIES = 8


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
