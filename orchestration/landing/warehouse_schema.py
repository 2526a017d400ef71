"""DDL of the raw layer: the only tables written outside dbt (dbt reads them as sources)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.landing import raw_zone

RAW_DDL = """
create schema if not exists raw;

-- One row per delivered file content: the manifest that makes loading exactly-once.
-- `load_sequence` (here and on its records) numbers file contents 1, 2, … in commit order:
-- staging selects what is new with it, and DuckDB skips older row groups by their min/max.
create table if not exists raw.file_loads (
    content_sha256   varchar primary key,
    load_id          varchar not null,
    source_file      varchar not null,
    file_format      varchar not null,
    size_bytes       bigint not null,
    lines_read       bigint not null,
    rows_loaded      bigint not null,
    rows_quarantined bigint not null,
    loaded_at        timestamptz not null,
    load_sequence    bigint
);

-- Every record that passed structural validation is in the raw zone's Parquet files, read
-- through the view raw.event_records (orchestration/landing/raw_zone.py). A load's files are made
-- visible by a rename after its manifest row commits; this table holds the renames a commit owes
-- until they are done (a kill in between is rolled forward by the next landing).
create table if not exists raw.raw_zone_pending (
    content_sha256 varchar not null,
    load_sequence  bigint not null,
    incoming       varchar not null
);

-- What each landing path's file looked like when its bytes were last hashed and found loaded:
-- runs skip re-hashing files that have not been written since (orchestration/landing/stat_cache.py).
create table if not exists raw.landing_file_identities (
    source_file    varchar primary key,
    device         bigint not null,
    inode          bigint not null,
    size_bytes     bigint not null,
    mtime_ns       bigint not null,
    ctime_ns       bigint not null,
    content_sha256 varchar not null
);

-- Records that could not be loaded, with the reason. Nothing is dropped silently.
create table if not exists raw.quarantine (
    load_id        varchar not null,
    source_file    varchar not null,
    content_sha256 varchar not null,
    line_number    bigint,
    reason_code    varchar not null,
    detail         varchar,
    raw_text       varchar,
    loaded_at      timestamptz not null
);

-- The audit trail: one row per (run, stage), written as each stage ends (orchestration/run_audit.py).
create table if not exists raw.run_stages (
    run_id      varchar not null,
    stage       varchar not null,
    status      varchar not null,
    started_at  timestamptz not null,
    finished_at timestamptz not null,
    metrics     json
);

-- Warehouses created before `load_sequence` existed get it (null on their older rows, which a
-- full refresh stages: orchestration/transform/assets.py refreshes on any model change).
alter table raw.file_loads add column if not exists load_sequence bigint;
"""


def _has_records_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'event_records'"
        ).fetchall()[0][0]
    )


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables (what the audit trail and the manifest need)."""
    con.execute(RAW_DDL)


def ensure_raw_zone(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """The raw tables and the view of the raw zone at `raw_dir` (what dbt reads as its source);
    a warehouse from before the raw zone has its records table moved into it first."""
    ensure_raw_schema(con)
    if _has_records_table(con):
        # the oldest warehouses lack the column the move partitions by
        con.execute("alter table raw.event_records add column if not exists load_sequence bigint")
        raw_zone.migrate_records_table(con, raw_dir)
    raw_zone.refresh_view(con, raw_dir)
