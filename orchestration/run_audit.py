"""The audit trail of every run: one row per (run, stage) in `raw.run_stages`, written by each
stage as it ends (also when it fails), and `audit_runs`, one row per run, published with the
marts. A run killed mid-way keeps the rows of the stages it finished."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from orchestration.landing.warehouse_schema import ensure_raw_schema

STAGES = ("landing", "dbt", "checks", "publish")

# One row per run. Metrics come from the stage that owns them; durations from each stage's row.
AUDIT_RUNS_SQL = f"""
with stages as (
    -- a stage still 'publishing' is the run being published right now: no duration yet
    select *, case when status <> 'publishing' then epoch(finished_at) - epoch(started_at) end as seconds
    from {{schema}}.run_stages
)
select
    run_id,
    cast(timezone('UTC', min(started_at)) as timestamp) as started_at,
    cast(timezone('UTC', max(finished_at)) as timestamp) as finished_at,
    case when bool_or(status = 'failed') then 'failed'
         when bool_or(stage = 'publish' and status in ('publishing', 'succeeded')) then 'published'
         else 'incomplete' end as status,
    max(case when stage = 'landing' then cast(metrics->>'files_seen' as bigint) end) as files_seen,
    max(case when stage = 'landing' then cast(metrics->>'files_loaded' as bigint) end) as files_loaded,
    max(case when stage = 'landing' then cast(metrics->>'lines_read' as bigint) end) as lines_read,
    max(case when stage = 'landing' then cast(metrics->>'rows_loaded' as bigint) end) as rows_loaded,
    max(case when stage = 'landing' then cast(metrics->>'rows_quarantined' as bigint) end) as rows_quarantined,
    max(case when stage = 'landing' then metrics->'quarantined_by_reason' end) as quarantined_by_reason,
    cast(sum(coalesce(cast(metrics->>'checks_passed' as bigint), 0)) as bigint) as checks_passed,
    cast(sum(coalesce(cast(metrics->>'checks_failed' as bigint), 0)) as bigint) as checks_failed,
    max(case when stage = 'publish' then metrics->>'version_id' end) as published_version,
    {", ".join(f"round(max(case when stage = '{s}' then seconds end), 3) as {s}_seconds" for s in STAGES)}
from stages
group by run_id
"""


def record_stage(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    started_at: datetime,
    status: str,
    metrics: dict[str, Any],
) -> None:
    ensure_raw_schema(con)
    con.execute(
        "insert into raw.run_stages values (?, ?, ?, ?, ?, ?)",
        [run_id, stage, status, started_at, datetime.now(UTC), json.dumps(metrics)],
    )


def finish_stage(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stage: str,
    status: str,
    metrics: dict[str, Any] | None = None,
) -> None:
    """Close a stage recorded while still running (publish records itself before it copies)."""
    con.execute(
        "update raw.run_stages set status = ?, finished_at = ?, "
        "metrics = json_merge_patch(metrics, ?::json) "
        "where run_id = ? and stage = ? and status = 'publishing'",
        [status, datetime.now(UTC), json.dumps(metrics or {}), run_id, stage],
    )


RECENT_RUN_COLUMNS = (
    "run_id",
    "started_at",
    "status",
    "files_loaded",
    "lines_read",
    "rows_loaded",
    "rows_quarantined",
    "checks_passed",
    "checks_failed",
    "published_version",
    *(f"{s}_seconds" for s in STAGES),
)


def recent_runs_markdown(con: duckdb.DuckDBPyConnection, limit: int = 10) -> str:
    """The last `limit` runs of `audit_runs` (failed ones included) as a Markdown table, for the
    Dagster UI: the run-level audit trail next to the publish that carries it."""
    columns = ", ".join(RECENT_RUN_COLUMNS)
    rows = con.execute(
        f"select {columns} from ({AUDIT_RUNS_SQL.format(schema='raw')}) order by started_at desc limit ?",
        [limit],
    ).fetchall()
    header = "| " + " | ".join(RECENT_RUN_COLUMNS) + " |\n|" + "---|" * len(RECENT_RUN_COLUMNS)
    return "\n".join([header, *("| " + " | ".join(map(_cell, row)) + " |" for row in rows)])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)
