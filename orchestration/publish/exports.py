"""The Parquet exports of a published version: every table as `<table>.parquet`, the
event-grained ones split by the day their events were first extracted, so that a patched
publish rewrites only the days it changed and hard-links the others from the previous set."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.faults import fault_point
from orchestration.files import fsync_file
from orchestration.publish.atomic_sets import set_store, swap_in_set
from orchestration.sql_text import quote_identifier, quote_literal


@dataclass(frozen=True)
class ExportDays:
    """Split the Parquet export of every event-grained table (one with an `event_id` column) by
    the day its event was first extracted, `<table>/<YYYY-MM-DD>.parquet`, so that a patched
    publish rewrites only the days its changed events fall on and links the other days' files
    from the previous set. The day comes from `events_table.day_column`."""

    events_table: str = "fct_events"
    day_column: str = "first_extracted_at"


# The files of a day-split export: `<YYYY-MM-DD>.parquet` (or `.<n>.parquet` when DuckDB wrote
# several), and `empty.parquet` when the table has no rows at all (never reused by a patch).
DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}(\.\d+)?\.parquet")


EMPTY_FILE = "empty.parquet"


def _event_grained(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    """The tables of `catalog.schema` that have an `event_id` column (one catalog query)."""
    return {
        row[0]
        for row in con.execute(
            "select distinct table_name from information_schema.columns where table_catalog = ? "
            "and table_schema = ? and column_name = 'event_id'",
            [catalog, schema],
        ).fetchall()
    }


def event_days(con: duckdb.DuckDBPyConnection, catalog: str, days: ExportDays, changed: str) -> set[str]:
    """The export days of the events listed by the query `changed`, in `catalog`'s events table."""
    return {
        row[0]
        for row in con.execute(
            f"select distinct strftime(cast({quote_identifier(days.day_column)} as date), '%Y-%m-%d') "
            f"from {catalog}.main.{quote_identifier(days.events_table)} where event_id in {changed}"
        ).fetchall()
    }


def _export_table_by_day(
    con: duckdb.DuckDBPyConnection,
    table: str,
    folder: Path,
    days: ExportDays,
    reuse: tuple[Path, set[str]] | None,
) -> None:
    """`table`'s rows as `folder/<day>.parquet` files, one per export day. With `reuse` =
    (previous set's folder of this table, changed days), only the changed days are written and
    every other day's file is hard-linked from the previous set (Parquet files are immutable)."""
    folder.mkdir()
    day = f"strftime(cast(events.{quote_identifier(days.day_column)} as date), '%Y-%m-%d')"
    if table == days.events_table:  # it holds the day itself: no join with itself
        query = f"select events.*, {day} as export_day from pub.main.{quote_identifier(table)} as events"
    else:
        query = (
            f"select rows.*, {day} as export_day from pub.main.{quote_identifier(table)} as rows "
            f"inner join pub.main.{quote_identifier(days.events_table)} as events using (event_id)"
        )
    if reuse is not None:
        previous, changed = reuse
        for part in previous.glob("*.parquet"):
            if DAY_FILE.fullmatch(part.name) and part.name[:10] not in changed:
                os.link(part, folder / part.name)
        query += f" where {day} in ({', '.join(quote_literal(d) for d in sorted(changed))})"
    written = folder / ".partitions.tmp"
    if reuse is None or reuse[1]:
        con.execute(
            f"copy ({query}) to {quote_literal(str(written))} "
            "(format parquet, compression zstd, partition_by (export_day))"
        )
    for directory in written.iterdir() if written.exists() else []:  # export_day=YYYY-MM-DD/data_N.parquet
        parts = sorted(directory.glob("*.parquet"))
        export_day = directory.name.split("=", 1)[1]
        for number, part in enumerate(parts):
            name = f"{export_day}.parquet" if len(parts) == 1 else f"{export_day}.{number}.parquet"
            os.rename(part, folder / name)
    shutil.rmtree(written, ignore_errors=True)
    if not any(folder.glob("*.parquet")):
        # No rows: one empty file keeps the folder readable (`<table>/*.parquet`) with its columns.
        con.execute(
            f"copy (select * from pub.main.{quote_identifier(table)} limit 0) to "
            f"{quote_literal(str(folder / EMPTY_FILE))} (format parquet)"
        )


def export_parquet(
    db_file: Path,
    exports_dir: Path,
    tag: str,
    keep: int = 5,
    days: ExportDays | None = None,
    changed_days: set[str] | None = None,
) -> None:
    """Every table of a published file as Parquet in `exports_dir`, as one set:
    `<table>.parquet`, or `<table>/<day>.parquet` for event-grained tables when `days` is given.

    `exports_dir` is a symbolic link to a complete directory of one version (with its
    `audit_publish.parquet`), swapped by one atomic rename: a reader that resolves the link once
    reads one version's files, never a mix. The last `keep` sets are kept. `changed_days` (a
    patched publish) lets the day files of unchanged days be linked from the current set.
    """
    store = set_store(exports_dir)
    previous = exports_dir.resolve() if exports_dir.is_symlink() else None
    staging = store / f".{tag}.tmp"
    staging.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"attach {quote_literal(str(db_file))} as pub (read_only)")
        tables = catalog_tables(con, "pub", "main")
        by_day = _event_grained(con, "pub", "main") if days and days.events_table in tables else set()
        for number, table in enumerate(tables):
            if days is not None and table in by_day:
                reuse = None
                if previous is not None and changed_days is not None and (previous / table).is_dir():
                    reuse = (previous / table, changed_days)
                _export_table_by_day(con, table, staging / table, days, reuse)
            else:
                target = quote_literal(str(staging / f"{table}.parquet"))
                source = f"pub.main.{quote_identifier(table)}"
                con.execute(f"copy (select * from {source}) to {target} (format parquet, compression zstd)")
            if number == 2:
                fault_point("publish_mid_exports")
    for export in staging.rglob("*.parquet"):
        fsync_file(export)
    swap_in_set(staging, exports_dir, tag, keep)


def catalog_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    """Table names of an attached database's schema, from DuckDB's catalog (never from data)."""
    return [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = ? and table_schema = ? order by table_name",
            [catalog, schema],
        ).fetchall()
    ]
