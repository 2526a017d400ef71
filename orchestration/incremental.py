"""Incremental scope: what changed since the last publish, in one place.

A run's cost follows its new data because every stage works on "what changed":

* staging numbers each build's new records (`staging_batch`, the high-water mark of
  `staging.stg_raw__event_records`);
* the last successful publish records the batch it reflects (`last_publish`); dbt's build plan
  (`build_args`) passes it to the project as `changed_since_batch` (environment variable
  `DBT_CHANGED_SINCE_BATCH`), or asks for a full refresh when the transform changed;
* the event-grained dbt models rebuild the events of `CHANGED_EVENTS` (the dbt model
  `int_events_changed`), which the audit counts (`dbt_rows`), the checks validate
  (`CHECK_BATCH_FILTERS`, `check_scope`) and the publish patches in.

The SQL side of the same rules: `dbt_project/macros/incremental.sql` (how models use the batch
and the changed events) and `dbt_project/macros/test_scope.sql` (dbt tests of the rows a run
wrote). Tests: tests/unit/test_incremental.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.landing.warehouse_schema import ensure_raw_schema

# The events the dbt build rebuilt since the last publish: events that received records, and
# former ids of re-identified records (every event after a full refresh).
CHANGED_EVENTS = "intermediate.int_events_changed"

# Loads not yet covered by a successful publish: this run's and those of runs that failed since.
UNPUBLISHED_LOAD_IDS = """
    select load_id from raw.file_loads
    where load_id not in (
        select run_id from raw.run_stages where stage = 'publish' and status = 'succeeded'
    )
"""

# Which rows of each validated mart are the run's batch. Table and column names are constants,
# never data. Dimensions are small (one row per outlet or entity) and validated whole.
CHECK_BATCH_FILTERS: dict[str, str] = {
    "fct_events": f"event_id in (select event_id from {CHANGED_EVENTS})",
    "fct_event_versions": f"event_id in (select event_id from {CHANGED_EVENTS})",
    "fct_claims": f"event_id in (select event_id from {CHANGED_EVENTS})",
    "dim_entities": "true",
    "dim_outlets": "true",
    "audit_quarantine": f"load_id in ({UNPUBLISHED_LOAD_IDS})",
}


def check_scope(con: duckdb.DuckDBPyConnection) -> str:
    """ "batch" (validate CHECK_BATCH_FILTERS' rows) or "whole": with nothing changed since the
    last publish (a re-run) there is no batch, and after a full refresh every event changed."""
    [(changed, events)] = con.execute(
        f"select (select count(*) from {CHANGED_EVENTS}), (select count(*) from marts.fct_events)"
    ).fetchall()
    return "batch" if 0 < changed < events else "whole"


# dbt reads the last publish's staging batch from the environment (macros/incremental.sql:
# given_changed_since_batch): a `--vars` value changes dbt's parse state and would force a full
# re-parse of the project on every run.
CHANGED_SINCE_BATCH_ENV = "DBT_CHANGED_SINCE_BATCH"


@dataclass(frozen=True)
class BuildPlan:
    """How this run's `dbt build` is invoked: arguments, the changed-since batch passed in the
    environment (None: not passed, every event counts as changed), and why (for the log)."""

    args: list[str]
    changed_since_batch: int | None
    why: str

    def env(self) -> dict[str, str]:
        """The dbt subprocess's environment entry (empty: unset it)."""
        value = "" if self.changed_since_batch is None else str(self.changed_since_batch)
        return {CHANGED_SINCE_BATCH_ENV: value}


# An incremental build leaves the seeds and their own tests out: it only runs when the transform
# fingerprint (which covers the seeds) equals the last successful build's, so the seed tables
# hold exactly what that build loaded and tested. 12 seeds and 30 tests were a second of every
# small run. (Excluding them also leaves out the two tests of decisions against spellings,
# which only a removed spelling could fail, and incremental runs only add spellings.)
INCREMENTAL = ["build", "--exclude", "resource_type:seed"]


def build_args(
    full_refresh_requested: bool,
    published_batch: int | None,
    last_fingerprint: str | None,
    fingerprint: str,
) -> BuildPlan:
    """The `dbt build` for this run.

    - full refresh when asked (DBT_FULL_REFRESH), when the transform changed since the last
      successful build (`last_fingerprint`), or when there is no such build to trust (None: a
      new warehouse, one built before fingerprints were kept, or a failed full refresh since);
    - otherwise incremental: the event-grained models rebuild the events changed since the
      staging batch of the last publish (`changed_since_batch`), which the publish then
      patches in; with no publish on record, every event.
    """
    full = ["build", "--full-refresh"]
    if full_refresh_requested:
        return BuildPlan(full, None, "full refresh: DBT_FULL_REFRESH is set")
    if last_fingerprint is None:
        return BuildPlan(
            full,
            None,
            "full refresh: no successful build to continue from (new warehouse, or the last full refresh failed)",
        )
    if last_fingerprint != fingerprint:
        return BuildPlan(full, None, "full refresh: models, macros or seeds changed since the last successful build")
    if published_batch is None:
        return BuildPlan(INCREMENTAL, None, "incremental, every event: no publish on record")
    return BuildPlan(
        INCREMENTAL,
        published_batch,
        f"incremental: events changed since staging batch {published_batch} (the last publish)",
    )


def staging_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The newest staging batch (0 before the first build): dbt's incremental high-water mark."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'staging' and table_name = 'stg_raw__event_records'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    batch: int = con.execute("select coalesce(max(staging_batch), 0) from staging.stg_raw__event_records").fetchall()[
        0
    ][0]
    return batch


def dbt_rows(con: duckdb.DuckDBPyConnection, batch_before: int) -> dict[str, int]:
    """What a dbt build processed: records staged by it (incremental: only new ones), the events
    the event-grained models rebuilt (`int_events_changed`) and the rows those events hold in
    the marts' facts; `staging_batch` is the build's high-water mark."""
    staged, batch = con.execute(
        "select count(*) filter (where staging_batch > ?), coalesce(max(staging_batch), 0) "
        "from staging.stg_raw__event_records",
        [batch_before],
    ).fetchall()[0]
    events, versions, claims = con.execute(
        f"""
        with changed as (select event_id from {CHANGED_EVENTS})
        select
            (select count(*) from changed),
            (select count(*) from marts.fct_event_versions where event_id in (select * from changed)),
            (select count(*) from marts.fct_claims where event_id in (select * from changed))
        """
    ).fetchall()[0]
    return {
        "staging_batch": int(batch),
        "records_staged": int(staged),
        "events_rebuilt": int(events),
        "rows_rebuilt_marts": int(events + versions + claims),
    }


def last_transform_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The transform fingerprint of the newest successful dbt build; None when there is none, or
    when a full refresh was attempted after it and failed (it may have rebuilt some incremental
    models and not others: only another full refresh makes them agree again)."""
    ensure_raw_schema(con)
    rows = con.execute(
        """
        select metrics->>'transform_fingerprint' from raw.run_stages as built
        where stage = 'dbt' and status = 'succeeded'
            and not exists (
                select 1 from raw.run_stages as attempt
                where attempt.stage = 'dbt' and attempt.status = 'failed'
                    and attempt.metrics->>'full_refresh' = 'true'
                    and attempt.finished_at > built.finished_at
            )
        order by finished_at desc limit 1
        """
    ).fetchall()
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class LastPublish:
    """The newest successful publish: what it published and the staging batch it reflects."""

    version_id: str
    staging_batch: int | None
    full_refresh_since: bool  # a dbt full refresh ran after it (even one that failed half-way)


def last_publish(con: duckdb.DuckDBPyConnection) -> LastPublish | None:
    """The newest successful publish (None: nothing published yet).

    Its staging batch is what the event-grained models and the published marts were last
    brought up to (`changed_since_batch` for dbt): runs that failed in between leave it behind,
    so the next run redoes their events too.
    """
    ensure_raw_schema(con)
    rows = con.execute(
        """
        select
            metrics->>'version_id',
            cast(metrics->>'staging_batch' as bigint),
            exists (
                select 1 from raw.run_stages as dbt
                where dbt.stage = 'dbt' and dbt.metrics->>'full_refresh' = 'true'
                    and dbt.finished_at > publish.finished_at
            )
        from raw.run_stages as publish
        where stage = 'publish' and status = 'succeeded'
        order by finished_at desc
        limit 1
        """
    ).fetchall()
    return LastPublish(rows[0][0], rows[0][1], rows[0][2]) if rows else None
