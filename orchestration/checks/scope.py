"""What a run's checks are about: what changed since the last successful publish.

Row-level suites (Great Expectations) validate the batch: the mart rows of every event the dbt
build rebuilt since the last publish (`intermediate.int_events_changed`: events that received
records and former ids; every event after a full refresh), and the rejects of the
loads not yet published. This keeps a run's check cost proportional to its new data, not to the
warehouse's history.
"""

from __future__ import annotations

import duckdb

from orchestration.checks.suites import suite_columns

# Loads not yet covered by a successful publish: this run's and those of runs that failed since.
UNPUBLISHED_LOAD_IDS = """
    select load_id from raw.file_loads
    where load_id not in (
        select run_id from raw.run_stages where stage = 'publish' and status = 'succeeded'
    )
"""

_AFFECTED_EVENTS = "select event_id from intermediate.int_events_changed"

# Which rows of each validated mart are the batch. Table and column names are constants (the
# suites'), never data. Dimensions are small (one row per outlet or entity) and validated whole.
_BATCH_FILTER: dict[str, str] = {
    "fct_events": f"event_id in ({_AFFECTED_EVENTS})",
    "fct_event_versions": f"event_id in ({_AFFECTED_EVENTS})",
    "fct_claims": f"event_id in ({_AFFECTED_EVENTS})",
    "dim_entities": "true",
    "dim_outlets": "true",
    "audit_quarantine": f"load_id in ({UNPUBLISHED_LOAD_IDS})",
}


def _select(table: str, where: str) -> str:
    """Only the columns the table's suite reads (orchestration/checks/suites.py)."""
    return f"select {', '.join(suite_columns(table))} from marts.{table} where {where}"


BATCH_SQL: dict[str, str] = {table: _select(table, where) for table, where in _BATCH_FILTER.items()}
WHOLE_SQL: dict[str, str] = {table: _select(table, "true") for table in _BATCH_FILTER}


def check_queries(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, str]]:
    """("batch" | "whole", table -> query). With nothing changed since the last publish (a
    re-run) there is no batch, and after a full refresh every event changed: everything is
    validated."""
    [(affected, events)] = con.execute(
        f"select (select count(*) from ({_AFFECTED_EVENTS})), (select count(*) from marts.fct_events)"
    ).fetchall()
    return ("batch", BATCH_SQL) if 0 < affected < events else ("whole", WHOLE_SQL)
