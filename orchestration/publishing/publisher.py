"""Publish the audited marts atomically: a new DuckDB file beside the old one, then a rename.

Readers open `published.duckdb` read-only. A reader holding the old file keeps reading it (the
rename replaces the directory entry, not the open inode) and a new reader sees either the old or
the new complete file, never a half-written one. The file is written with storage version
v1.4.0 so that BI tools bundling DuckDB 1.4 can open it.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLISHED_SCHEMA = "marts"
STORAGE_VERSION = "v1.4.0"


@dataclass(frozen=True)
class PublishResult:
    version_id: str
    published_at: datetime
    path: Path
    exports_dir: Path
    row_counts: dict[str, int]


def _quote(identifier: str) -> str:
    """Quote a catalog identifier (table names come from DuckDB's catalog, never from data)."""
    return '"' + identifier.replace('"', '""') + '"'


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def publish(
    working_db: Path,
    published_db: Path,
    exports_dir: Path,
    *,
    run_id: str | None = None,
) -> PublishResult:
    """Copy every table of the working database's `marts` schema into a fresh published file."""
    version_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    published_at = datetime.now(UTC)
    published_db.parent.mkdir(parents=True, exist_ok=True)
    staging_db = published_db.with_name(f".{published_db.name}.{version_id}.tmp")
    staging_exports = exports_dir.with_name(f".{exports_dir.name}.{version_id}.tmp")
    staging_exports.mkdir(parents=True)

    con = duckdb.connect()
    try:
        con.execute(f"attach {_sql_string(str(working_db))} as src (read_only)")
        con.execute(
            f"attach {_sql_string(str(staging_db))} as pub "
            f"(storage_version {_sql_string(STORAGE_VERSION)})"
        )
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'src' and table_schema = ? order by table_name",
                [PUBLISHED_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(f"nothing to publish: {working_db} has no {PUBLISHED_SCHEMA} tables")
        row_counts: dict[str, int] = {}
        for table in tables:
            source = f"src.{PUBLISHED_SCHEMA}.{_quote(table)}"
            con.execute(f"create table pub.main.{_quote(table)} as select * from {source}")
            row_counts[table] = con.execute(
                f"select count(*) from pub.main.{_quote(table)}"
            ).fetchall()[0][0]
            export_path = staging_exports / f"{table}.parquet"
            con.execute(
                f"copy (select * from {source}) to {_sql_string(str(export_path))} "
                "(format parquet, compression zstd)"
            )
        # One row that tells readers which complete version they are looking at.
        con.execute(
            "create table pub.main.audit_publish as select "
            "? as version_id, ?::timestamptz as published_at, ? as run_id, ?::json as row_counts",
            [version_id, published_at, run_id, json.dumps(row_counts)],
        )
        con.execute("checkpoint pub")
        con.execute("detach pub")
    except BaseException:
        con.close()
        staging_db.unlink(missing_ok=True)
        for leftover in staging_exports.glob("*"):
            leftover.unlink()
        staging_exports.rmdir()
        raise
    con.close()

    _fsync_file(staging_db)
    os.replace(staging_db, published_db)  # the atomic step: readers see old or new, whole
    _fsync_dir(published_db.parent)

    # Parquet files are replaced one by one (each atomically), after the DuckDB file.
    exports_dir.mkdir(parents=True, exist_ok=True)
    for export in sorted(staging_exports.glob("*.parquet")):
        os.replace(export, exports_dir / export.name)
    staging_exports.rmdir()
    _fsync_dir(exports_dir)
    return PublishResult(version_id, published_at, published_db, exports_dir, row_counts)


def read_published_version(published_db: Path) -> str | None:
    """The version id of the published file, or None if nothing is published yet."""
    if not published_db.exists():
        return None
    with duckdb.connect(str(published_db), read_only=True) as con:
        return con.execute("select version_id from audit_publish").fetchall()[0][0]
