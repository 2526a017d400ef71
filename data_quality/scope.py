"""What a run's checks are about: the records landed since the last successful publish.

Whole-table invariants (key uniqueness, not-null, relationships) stay with dbt's tests, which are
cheap aggregates in DuckDB. Row-level suites (Great Expectations) validate the batch: the mart
rows of every event that received a record since the last publish. This keeps a run's check
cost proportional to its new data, not to the warehouse's history.
"""

from __future__ import annotations

import duckdb

# Loads not yet covered by a successful publish: this run's and those of runs that failed since.
UNPUBLISHED_LOAD_IDS = """
    select load_id from raw.file_loads
    where load_id not in (
        select run_id from raw.run_stages where stage = 'publish' and status = 'succeeded'
    )
"""

_AFFECTED_EVENTS = f"""
    select distinct event_id from intermediate.int_event_records_ranked
    where load_id in ({UNPUBLISHED_LOAD_IDS})
"""

# The batch of each validated mart. Table names are constants, never data. Dimensions are small
# (one row per outlet or entity) and validated whole.
BATCH_SQL: dict[str, str] = {
    "fct_events": f"select * from marts.fct_events where event_id in ({_AFFECTED_EVENTS})",
    "fct_event_versions": f"select * from marts.fct_event_versions where event_id in ({_AFFECTED_EVENTS})",
    "fct_claims": f"select * from marts.fct_claims where event_id in ({_AFFECTED_EVENTS})",
    "dim_entities": "select * from marts.dim_entities",
    "dim_outlets": "select * from marts.dim_outlets",
    "audit_quarantine": f"select * from marts.audit_quarantine where load_id in ({UNPUBLISHED_LOAD_IDS})",
}
WHOLE_SQL: dict[str, str] = {table: f"select * from marts.{table}" for table in BATCH_SQL}


def check_queries(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, str]]:
    """("batch" | "whole", table -> query). With nothing landed since the last publish (a re-run,
    a seed or model change) there is no batch: everything is validated."""
    [(affected,)] = con.execute(f"select count(*) from ({_AFFECTED_EVENTS})").fetchall()
    return ("batch", BATCH_SQL) if affected else ("whole", WHOLE_SQL)
