"""The raw zone: landed records as Parquet files that any engine reads (DuckDB through the view
`raw.event_records`, Spark as an external table).

Layout, under the raw directory (`$WAREHOUSE_DIR/raw` by default):

    event_records/load_sequence=<N>/content_sha256=<sha>/part-<k>.parquet

(and the same layout for copies of each load's manifest and quarantine rows: raw_tables.py).

Hive-style: the path carries both keys of a load, so a reader that selects new loads by
`load_sequence` (staging does) skips older directories without opening them, and a load's files
are immutable once visible.

Visibility is atomic. A load's files are written under `.incoming/<token>/` (a dot name: readers
and globs ignore it), made durable, and moved into place by one directory rename after the load's
manifest row commits. The commit also records the move in `raw.raw_zone_pending`, so:
  * a kill before the commit leaves only an orphan `.incoming` directory, which the next landing
    deletes (nothing committed it, and the file is loaded again);
  * a kill between the commit and the rename leaves a pending row, and the next landing finishes
    the rename (roll forward).
A reader of `event_records/` therefore never sees a load that did not commit, nor part of one.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.files import exclusive_lock, fsync_dir, fsync_file
from orchestration.sql_text import quote_literal

INCOMING = ".incoming"
RECORDS_TABLE = "event_records"
# Every table of the raw zone: the columns in its files, in order, each with the type an engine
# declares it with (Spark's external tables: orchestration/spark_engine.py). A load's keys are not
# in its files but in its folder's names (KEYS).
TABLE_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    RECORDS_TABLE: (
        ("load_id", "string"),
        ("source_file", "string"),
        ("line_number", "bigint"),
        ("source_format", "string"),
        ("record", "string"),
        ("extra_fields", "string"),
        ("loaded_at", "timestamp"),
    ),
    # copies of the warehouse's committed rows (raw_tables.py)
    "file_loads": (
        ("load_id", "string"),
        ("source_file", "string"),
        ("file_format", "string"),
        ("size_bytes", "bigint"),
        ("lines_read", "bigint"),
        ("rows_loaded", "bigint"),
        ("rows_quarantined", "bigint"),
        ("loaded_at", "timestamp"),
    ),
    "quarantine": (
        ("load_id", "string"),
        ("source_file", "string"),
        ("line_number", "bigint"),
        ("reason_code", "string"),
        ("detail", "string"),
        ("raw_text", "string"),
        ("loaded_at", "timestamp"),
    ),
}
KEYS = (("load_sequence", "bigint"), ("content_sha256", "string"))
# Every part of every visible load, below records_dir (the layout in the docstring above).
PARTS = "*/*/*.parquet"

# The columns of raw.event_records, typed: what the view returns when no load has files yet (a
# glob that matches nothing cannot be read, and dbt's sources must exist on a new warehouse).
_EMPTY_RECORDS = """
    select
        null::varchar as load_id, null::varchar as source_file, null::varchar as content_sha256,
        null::bigint as line_number, null::varchar as source_format, null::varchar as record,
        null::varchar as extra_fields, null::timestamptz as loaded_at, null::bigint as load_sequence
    where false
"""


@contextmanager
def landing_lock(raw_dir: Path) -> Iterator[None]:
    """One landing at a time per raw zone (files.exclusive_lock): a landing's recovery deletes
    incoming folders no commit owns, which must not include those of another landing still
    writing. The Dagster pool already runs one warehouse run at a time; this holds for any
    other caller (threads of one process included)."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(raw_dir / "landing.lock"):
        yield


def records_dir(raw_dir: Path) -> Path:
    return raw_dir / RECORDS_TABLE


def load_dir(raw_dir: Path, load_sequence: int, content_sha256: str, table: str = RECORDS_TABLE) -> Path:
    """Where a committed load's files of `table` live. Both parts are the pipeline's own values (a
    number and a hex digest), never a file's name or content; `table` is a constant of ours."""
    return raw_dir / table / f"load_sequence={load_sequence}" / f"content_sha256={content_sha256}"


def new_incoming(raw_dir: Path) -> Path:
    """A fresh, empty folder for one load attempt's files."""
    path = raw_dir / INCOMING / uuid.uuid4().hex
    path.mkdir(parents=True)
    return path


def make_durable(incoming: Path) -> None:
    """Flush a load's files to disk before its manifest row commits: after the commit the
    warehouse says the load exists, so its files must survive a power cut, not only a kill."""
    for part in incoming.iterdir():
        fsync_file(part)
    fsync_dir(incoming)


def make_visible(
    raw_dir: Path, incoming: Path, load_sequence: int, content_sha256: str, table: str = RECORDS_TABLE
) -> None:
    """One rename puts a committed load's files of `table` in place (all of them, or none)."""
    target = load_dir(raw_dir, load_sequence, content_sha256, table)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(incoming, target)
    fsync_dir(target.parent)


def record_pending(con: duckdb.DuckDBPyConnection, incoming: Path, load_sequence: int, content_sha256: str) -> None:
    """Inside the load's transaction: the rename this commit owes (finished by `recover`)."""
    con.execute(
        "insert into raw.raw_zone_pending values (?, ?, ?)",
        [content_sha256, load_sequence, incoming.name],
    )


def recover(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """Finish the renames that committed loads still owe, then delete every other incoming
    folder (attempts that never committed). Call it before a landing starts."""
    pending = con.execute(
        "select incoming, load_sequence, content_sha256 from raw.raw_zone_pending order by load_sequence"
    ).fetchall()
    for name, load_sequence, content_sha256 in pending:
        incoming = raw_dir / INCOMING / name
        if incoming.is_dir() and not load_dir(raw_dir, load_sequence, content_sha256).exists():
            make_visible(raw_dir, incoming, load_sequence, content_sha256)
    finish(con, raw_dir)


class ForeignRawZone(Exception):
    """The raw zone holds loads the warehouse's manifest does not know: it goes with another
    warehouse file (a deleted or restored warehouse.duckdb)."""


def check_owned(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """Refuse a raw zone with load folders that raw.file_loads does not list: reading them would
    mix another warehouse's records into this one, and a new load could collide with them."""
    listed = {
        f"load_sequence={sequence}/content_sha256={sha}"
        for sha, sequence in con.execute(
            "select content_sha256, coalesce(load_sequence, 0) from raw.file_loads"
        ).fetchall()
    }
    # every table's load folders: the records' and the copied manifest and quarantine rows'
    found = {
        f"{path.parent.name}/{path.name}"
        for path in raw_dir.glob("*/load_sequence=*/content_sha256=*")
        if path.is_dir()
    }
    if foreign := sorted(found - listed):
        raise ForeignRawZone(
            f"the raw zone {raw_dir} holds {len(foreign)} load(s) that this warehouse's "
            f"raw.file_loads does not list (e.g. {foreign[0]}): it belongs with another warehouse.duckdb. "
            f"To rebuild from the landing files, delete {raw_dir} together with warehouse.duckdb; "
            "otherwise put back the warehouse.duckdb that goes with it."
        )


def discard(incoming: Path) -> None:
    shutil.rmtree(incoming, ignore_errors=True)


def finish(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """Once every committed load is visible: its pending row is history, and what is left in
    the incoming folder belongs to attempts that never committed."""
    con.execute("delete from raw.raw_zone_pending")
    shutil.rmtree(raw_dir / INCOMING, ignore_errors=True)


def refresh_view(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """(Re)create `raw.event_records` over the raw zone at `raw_dir` (the warehouse folder may
    have moved since the view was made: the path is absolute)."""
    if next(records_dir(raw_dir).glob(PARTS), None) is None:
        body = _EMPTY_RECORDS
    else:
        pattern = quote_literal(f"{records_dir(raw_dir).as_posix()}/{PARTS}")
        body = f"""
            select load_id, source_file, content_sha256, line_number, source_format, record,
                   extra_fields, loaded_at, load_sequence
            from read_parquet(
                {pattern},
                hive_partitioning = true,
                hive_types = {{'load_sequence': bigint, 'content_sha256': varchar}}
            )
        """
    con.execute(f"create or replace view raw.event_records as {body}")


def write_part(records: pa.Table, part: Path) -> None:
    """One Parquet file of records (zstd), in plain types every engine reads: JSON documents as
    strings, loaded_at as a UTC timestamp. The documents are unique texts: no dictionary, and
    no min/max statistics (nobody filters on a document's text)."""
    pq.write_table(
        records,
        part,
        compression="zstd",
        use_dictionary=["load_id", "source_file", "source_format"],  # type: ignore[arg-type]  # the stubs know only a bool
        write_statistics=["line_number", "loaded_at"],
    )


class PartWriter:
    """Writes a load's Parquet parts on a background thread: compressing one chunk's records
    (pyarrow, outside the GIL) overlaps DuckDB validating the next. `close` waits for every part
    and raises the first error; leaving the block on an error stops the thread without waiting
    for more."""

    def __init__(self, incoming: Path) -> None:
        self._incoming = incoming
        self._jobs: queue.Queue[pa.Table | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="raw-zone-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        number = 0
        while (records := self._jobs.get()) is not None:
            if self._error is None:
                try:
                    write_part(records, self._incoming / f"part-{number:05d}.parquet")
                except BaseException as exc:  # raised by write() or close(), in the loading thread
                    self._error = exc
            number += 1

    def write(self, records: pa.Table) -> None:
        if self._error is not None:
            raise self._error
        self._jobs.put(records)

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def close(self) -> None:
        self._stop()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()


def migrate_records_table(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """Warehouses made before the raw zone keep records in the table raw.event_records: move
    each load's rows into its Parquet folder, then replace the table by the view. Re-runnable
    after a kill at any point (a load already moved is skipped; the table goes last, in one
    transaction with the view). Rows from before loads were numbered go to load_sequence=0."""
    loads = con.execute(
        "select distinct content_sha256, coalesce(load_sequence, 0) from raw.event_records order by all"
    ).fetchall()
    for content_sha256, load_sequence in loads:
        if load_dir(raw_dir, load_sequence, content_sha256).exists():
            continue
        incoming = new_incoming(raw_dir)
        records = con.sql(
            "select load_id, source_file, line_number, source_format, record::varchar as record, "
            "extra_fields::varchar as extra_fields, loaded_at "
            "from raw.event_records where content_sha256 = $sha order by line_number",
            params={"sha": content_sha256},
        ).to_arrow_table()
        write_part(records, incoming / "part-00000.parquet")
        make_durable(incoming)
        make_visible(raw_dir, incoming, load_sequence, content_sha256)
    con.execute("begin transaction")
    con.execute("drop table raw.event_records")
    refresh_view(con, raw_dir)
    con.execute("commit")
