"""Publish the audited marts atomically: a new DuckDB file beside the old one, then a rename.

Readers open `published.duckdb` read-only. A reader holding the old file keeps reading it (the
rename replaces the directory entry, not the open inode) and a new reader sees either the old or
the new complete file, never a half-written one. The file is written with storage version
v1.4.0 so that BI tools bundling DuckDB 1.4 can open it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.faults import fault_point
from orchestration.files import fsync_dir, fsync_file
from orchestration.publish.atomic_sets import new_version_id, remove_stale_sets
from orchestration.publish.exports import ExportDays, catalog_tables, event_days, export_parquet
from orchestration.retention import remove_all_but_newest
from orchestration.settings import NO_COMPACTION
from orchestration.sql_text import quote_identifier, quote_literal

PUBLISHED_SCHEMA = "marts"


STORAGE_VERSION = "v1.4.0"


@dataclass(frozen=True)
class PublishResult:
    version_id: str
    published_at: datetime
    path: Path
    exports_dir: Path
    row_counts: dict[str, int]
    mode: str  # "patched": the previous file with the changed events replaced; "copied": whole
    rows_written: int  # rows written into the new file (all of them when copied)


def _remove_stale_staging(published_db: Path, exports_dir: Path) -> None:
    """Drop what a publish killed half-way left behind. Safe: publishing is serialised (pool)."""
    for leftover in published_db.parent.glob(f".{published_db.name}.*.tmp"):
        leftover.unlink()
    remove_stale_sets(exports_dir)


def _mart_shapes(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, tables: list[str]) -> list[tuple[Any, ...]]:
    """(table, column, type) of `tables`, in order: equal shapes allow patching."""
    return con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and list_contains(?, table_name) "
        "order by table_name, ordinal_position",
        [catalog, schema, tables],
    ).fetchall()


# DuckDB's rows per row group.
ROW_GROUP_ROWS = 122_880


def _fragmented(con: duckdb.DuckDBPyConnection, catalog: str, tables: list[str]) -> bool:
    """Whether a published file's `tables` need compacting: one of them stores more deleted
    rows (of changed events) than a quarter of its live rows and a row group's worth, or more
    surplus row groups (each patch appends a partly filled one) than it needs and at least 8.
    The floors keep small files from being rewritten on every other run. Table names come from
    the catalog."""
    for table in tables:
        groups, stored = con.execute(
            "select count(distinct row_group_id), coalesce(sum(count), 0) "
            "from pragma_storage_info(?) where column_path = '[0]'",
            [f"{catalog}.main.{quote_identifier(table)}"],
        ).fetchall()[0]
        live = con.execute(f"select count(*) from {catalog}.main.{quote_identifier(table)}").fetchall()[0][0]
        needed = max(1, -(-live // ROW_GROUP_ROWS))
        if stored - live > max(live // 4, ROW_GROUP_ROWS) or groups - needed > max(needed, 8):
            return True
    return False


def _build_published_file(
    working_db: Path,
    target: Path,
    metadata: dict[str, object],
    extra_tables: Mapping[str, str],
    patch: tuple[Path, str] | None,
    days: ExportDays | None = None,
) -> tuple[dict[str, int], str, int, set[str] | None]:
    """Write the new published file at `target`: the working database's `marts` tables, plus
    `extra_tables` (name → query over the working database's `raw` schema, written `{schema}`).

    With `patch` = (previous published file, table of changed event ids in the working
    database), the previous file is copied and only the changed events of the event-grained
    tables (those with an `event_id` column) are replaced; the other tables are small and
    replaced whole. Falls back to a whole copy when the marts' shape changed, and when the
    previous file has fragmented (`_fragmented`): the copy is its compaction.
    Returns (row counts, mode, rows written, export days the changed events fall on before and
    after the patch: None when copied).
    """
    mode, written, changed, changed_days = "copied", 0, "", None
    # A patch appends its rows as new row groups instead of rewriting the file's tail (1.7 s of
    # a 300k-event patch); the file is compacted by rewriting it whole when it has fragmented.
    with duckdb.connect(config=NO_COMPACTION) as con:
        con.execute(f"attach {quote_literal(str(working_db))} as src (read_only)")
        tables = catalog_tables(con, "src", PUBLISHED_SCHEMA)
        if not tables:
            raise RuntimeError(f"nothing to publish: {working_db} has no {PUBLISHED_SCHEMA} tables")
        shapes = _mart_shapes(con, "src", PUBLISHED_SCHEMA, tables)
        event_grained = {table for table, column, _ in shapes if column == "event_id"}
        if patch is not None:
            previous_db, changed_table = patch
            con.execute(f"attach {quote_literal(str(previous_db))} as prev (read_only)")
            previous_tables = set(catalog_tables(con, "prev", "main")) - {"audit_publish", *extra_tables}
            same = previous_tables == set(tables) and shapes == _mart_shapes(con, "prev", "main", tables)
            compact = same and _fragmented(con, "prev", sorted(event_grained))
            con.execute("detach prev")
            if same and not compact:
                shutil.copyfile(previous_db, target)
                mode, changed = "patched", f"(select event_id from src.{changed_table})"
        if mode == "patched":
            con.execute(f"attach {quote_literal(str(target))} as pub")
        else:
            con.execute(
                f"attach {quote_literal(str(target))} as pub (storage_version {quote_literal(STORAGE_VERSION)})"
            )
        day_split = days if mode == "patched" and days and days.events_table in tables else None
        if day_split is not None:
            changed_days = event_days(con, "pub", day_split, changed)
        for table in tables:
            source = f"src.{PUBLISHED_SCHEMA}.{quote_identifier(table)}"
            published = f"pub.main.{quote_identifier(table)}"
            if mode == "copied":
                con.execute(f"create table {published} as select * from {source}")
                continue
            if table in event_grained:
                con.execute(f"delete from {published} where event_id in {changed}")
                con.execute(f"insert into {published} select * from {source} where event_id in {changed}")
            else:
                con.execute(f"delete from {published}")
                con.execute(f"insert into {published} select * from {source}")
            written += con.fetchall()[0][0]
        if day_split is not None and changed_days is not None:
            changed_days |= event_days(con, "pub", day_split, changed)
        for table, query in extra_tables.items():
            con.execute(
                f"create or replace table pub.main.{quote_identifier(table)} as {query.format(schema='src.raw')}"
            )
        row_counts: dict[str, int] = {}
        for table in [*tables, *extra_tables]:
            row_counts[table] = con.execute(f"select count(*) from pub.main.{quote_identifier(table)}").fetchall()[0][0]
        # One row that tells readers which complete version they are looking at.
        con.execute(
            "create or replace table pub.main.audit_publish as select ? as version_id, "
            "?::timestamptz as published_at, ? as run_id, ?::json as row_counts",
            [metadata["version_id"], metadata["published_at"], metadata["run_id"], json.dumps(row_counts)],
        )
        con.execute("checkpoint pub")
        con.execute("detach pub")
    if mode == "copied":
        written = sum(row_counts.values())
    return row_counts, mode, written, changed_days


def _versions_dir(published_db: Path) -> Path:
    return published_db.parent / "versions"


def _prune_versions(published_db: Path, keep: int) -> None:
    # version ids sort by time (new_version_id); a rollback's hard link keeps an old mtime
    remove_all_but_newest(_versions_dir(published_db).glob("*.duckdb"), keep, newest_by=lambda path: path.name)


def publish(
    working_db: Path,
    published_db: Path,
    exports_dir: Path,
    *,
    run_id: str | None = None,
    keep_versions: int = 5,
    version_id: str | None = None,
    extra_tables: Mapping[str, str] | None = None,
    changed_events: str | None = None,
    export_days: ExportDays | None = None,
) -> PublishResult:
    """Publish the working database's `marts` schema as a new complete version.

    The new file is built beside the old one, checkpointed, closed and fsynced, kept under
    `versions/<version_id>.duckdb` (a hard link: no copy) for rollback, then renamed into place.
    `changed_events` (a table of event ids in the working database) says the published file is
    the previous publish of these marts and only those events changed since: the new file is
    then the old one patched (see `_build_published_file`), not a copy of every row.
    `export_days` splits the event-grained tables' Parquet by day (see `ExportDays`); a patched
    publish then rewrites only the changed days' files, if the current set is the current
    published version's.
    """
    version_id = version_id or new_version_id()
    published_at = datetime.now(UTC)
    published_db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(published_db, exports_dir)
    staging_db = published_db.with_name(f".{published_db.name}.{version_id}.tmp")
    fault_point("publish_before_build")
    try:
        patch = (published_db, changed_events) if changed_events and published_db.exists() else None
        previous_version = read_published_version(published_db)
        row_counts, mode, written, changed_days = _build_published_file(
            working_db,
            staging_db,
            {"version_id": version_id, "published_at": published_at, "run_id": run_id},
            extra_tables or {},
            patch,
            export_days,
        )
        fsync_file(staging_db)
        fault_point("publish_after_build_before_link")
        versions = _versions_dir(published_db)
        versions.mkdir(exist_ok=True)
        os.link(staging_db, versions / f"{version_id}.duckdb")
        fault_point("publish_after_link_before_rename")
        os.replace(staging_db, published_db)  # the atomic step: readers see old or new, whole
        fsync_dir(published_db.parent)
    finally:
        staging_db.unlink(missing_ok=True)
    fault_point("publish_after_rename_before_exports")
    if _exported_version(exports_dir) != previous_version:
        changed_days = None  # the current set is not the patched file's: write every day
    export_parquet(published_db, exports_dir, version_id, keep_versions, export_days, changed_days)
    _prune_versions(published_db, keep_versions)
    return PublishResult(version_id, published_at, published_db, exports_dir, row_counts, mode, written)


def rollback(published_db: Path, exports_dir: Path, export_days: ExportDays | None = None) -> str:
    """Make the newest kept version older than the current one the published file; its id.

    One atomic rename, as in publish. Run it while no pipeline run is publishing.
    """
    current = read_published_version(published_db)
    older = [
        path for path in sorted(_versions_dir(published_db).glob("*.duckdb")) if current is None or path.stem < current
    ]
    if not older:
        raise RuntimeError(f"no kept version older than {current} in {_versions_dir(published_db)}")
    previous = older[-1]
    staging = published_db.with_name(f".{published_db.name}.rollback-{previous.stem}.tmp")
    os.link(previous, staging)
    os.replace(staging, published_db)
    fsync_dir(published_db.parent)
    export_parquet(published_db, exports_dir, f"{previous.stem}-rollback-{uuid.uuid4().hex[:8]}", days=export_days)
    return previous.stem


def _exported_version(exports_dir: Path) -> str | None:
    """The version id of the current Parquet set, or None."""
    marker = exports_dir / "audit_publish.parquet"
    if not marker.exists():
        return None
    with duckdb.connect() as con:
        version_id: str | None = con.execute("select version_id from read_parquet(?)", [str(marker)]).fetchall()[0][0]
    return version_id


def read_published_version(published_db: Path) -> str | None:
    """The version id of the published file, or None if nothing is published yet."""
    if not published_db.exists():
        return None
    with duckdb.connect(str(published_db), read_only=True) as con:
        version_id: str | None = con.execute("select version_id from audit_publish").fetchall()[0][0]
    return version_id
