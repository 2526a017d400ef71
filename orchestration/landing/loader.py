"""Load landing files into the raw layer, exactly once per file content.

Per file: every record goes either into the raw zone's Parquet files (`raw.event_records`,
raw_zone.py) or into `raw.quarantine` with a reason code, and the file's manifest row (keyed by
the SHA-256 of its bytes) says lines read / loaded / quarantined. The manifest row and the
rejects commit in one transaction; the records' files become visible by one rename after it. A
crash before the commit leaves no trace a reader can see, so the next run loads the file again;
after it the same bytes are never loaded again, whatever the file is called.

Files are read once, streamed, never whole: Python reads blocks (hashing them) and hands DuckDB
pieces of complete lines, which it splits and validates set-based in chunks of about
`chunk_bytes` (one statement per chunk), so a file larger than DuckDB's memory limit loads with
bounded memory. Python judges single lines only where bytes are not text (reading.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.landing import raw_tables, raw_zone
from orchestration.landing.discover import LandedFile, file_sha256
from orchestration.landing.reading import (
    DEFAULT_CHUNK_BYTES,
    MAX_RAW_TEXT_CHARS,
    Candidate,
    FileChangedWhileReading,
    HashingFile,
    Piece,
    chunked,
    drain,
    iter_export_items,
    prefetched,
    preview_text,
    read_page,
)
from orchestration.landing.stat_cache import SETTLE_NS, FileIdentity, known_content, remember
from orchestration.landing.validation import VALIDATION_SQL
from orchestration.landing.warehouse_schema import ensure_raw_zone


@dataclass
class FileLoadResult:
    source_file: str
    content_sha256: str
    file_format: str
    status: str  # "loaded" | "already_loaded" | "changed_while_reading"
    lines_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


def _already_loaded(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    return bool(con.execute("select count(*) from raw.file_loads where content_sha256 = ?", [digest]).fetchall()[0][0])


def _next_load_sequence(con: duckdb.DuckDBPyConnection) -> int:
    """The next file content's number (raw.file_loads.load_sequence), read inside its load
    transaction: loads are serialised (one writer), so numbers follow commit order."""
    return int(con.execute("select coalesce(max(load_sequence), 0) + 1 from raw.file_loads").fetchall()[0][0])


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit at the end, roll back on any error (or a kill: DuckDB's WAL)."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        with suppress(duckdb.TransactionException):  # a failed commit has already ended the transaction
            con.execute("rollback")
        raise


_PIECE_FIELDS: dict[str, pa.DataType] = {"first_line": pa.int64(), "text": pa.string()}
_PIECE_SCHEMA = pa.schema(_PIECE_FIELDS)


def _chunk_tables(chunk: list[Piece | Candidate]) -> tuple[pa.Table, pa.Table]:
    """A chunk as the two relations validation reads: `pieces` (one Arrow record batch per
    piece, so that DuckDB's threads share them) and `singles` (the lines Python judged)."""
    pieces = [item for item in chunk if isinstance(item, Piece)]
    singles = [item for item in chunk if isinstance(item, Candidate)]
    piece_table = pa.Table.from_batches(
        [pa.record_batch([pa.array([p.first_line], pa.int64()), p.text], schema=_PIECE_SCHEMA) for p in pieces],
        schema=_PIECE_SCHEMA,
    )
    single_table = pa.table(
        {
            "line_number": pa.array([c.line_number for c in singles], pa.int64()),
            "text": pa.array([c.text for c in singles], pa.string()),
            "reason": pa.array([c.reason for c in singles], pa.string()),
            "detail": pa.array([c.detail for c in singles], pa.string()),
        }
    )
    return piece_table, single_table


def _stage_chunk(
    con: duckdb.DuckDBPyConnection, params: dict[str, object], pieces: pa.Table, singles: pa.Table
) -> tuple[int, pa.Table]:
    """Validate one chunk: its rejects into the temp table landing_rejects; returns the chunk's
    lines (records and rejects) and its records, in the raw zone's columns."""
    # Registered for one statement. On failure they stay registered until load_file has cleaned
    # up: unregistering inside a failed statement's aftermath would hide the real error.
    con.register("pieces", pieces)
    con.register("singles", singles)
    con.execute(
        f"create or replace temp table checked_batch as {VALIDATION_SQL}",
        {"loaded_at": params["loaded_at"]},
    )
    con.unregister("pieces")
    con.unregister("singles")
    lines = con.execute("select count(*) from checked_batch").fetchall()[0][0]
    records = con.sql(
        """
        select $load_id as load_id, $source_file as source_file, line_number,
            $fmt as source_format, j::varchar as record, extra_fields::varchar as extra_fields,
            $loaded_at::timestamptz as loaded_at
        from checked_batch where reason_code is null
        """,
        params={k: params[k] for k in ("load_id", "source_file", "fmt", "loaded_at")},
    ).to_arrow_table()
    con.execute(
        f"""
        insert into landing_rejects
        select line_number, reason_code, detail, left(text, {MAX_RAW_TEXT_CHARS})
        from checked_batch where reason_code is not null
        """
    )
    con.execute("drop table checked_batch")
    return int(lines), records


def stage_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    before: FileIdentity,
    params: dict[str, object],
    incoming: Path,
    chunk_bytes: int,
) -> tuple[str, int]:
    """Read a file once: its records into Parquet parts under `incoming`, its rejects into
    landing_rejects. Returns the SHA-256 of the bytes read and the lines read. Raises
    FileChangedWhileReading when the file is no longer what it was `before` reading (its size,
    times or inode moved): what was read may be a torn mix of two versions."""
    with open(landed.path, "rb", buffering=0) as stream, raw_zone.PartWriter(incoming) as writer:
        reader = HashingFile(stream)
        items = iter_export_items(reader.read) if landed.file_format == "export" else iter([read_page(reader.read)])
        lines = 0
        chunks = prefetched(_chunk_tables(chunk) for chunk in chunked(items, chunk_bytes))
        for pieces, singles in chunks:
            chunk_lines, records = _stage_chunk(con, params, pieces, singles)
            lines += chunk_lines
            if records.num_rows:
                writer.write(records)
        drain(reader.read)  # hash to the end, whatever the parser stopped at
        writer.close()
        fault_point("landing_mid_file_after_records")
    if FileIdentity.of(landed.path) != before:
        raise FileChangedWhileReading(landed.relative_path)
    return reader.hasher.hexdigest(), lines


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    *,
    identity: FileIdentity,
    raw_dir: Path,
    load_id: str,
    loaded_at: datetime,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> FileLoadResult:
    """Load one file, as it was when landing looked at it (`identity`): read and hash it once,
    staging its records as Parquet and its rejects in a temp table; then, unless these bytes were
    loaded before, commit its rejects and manifest row in one transaction and make its Parquet
    files visible (raw_zone.py)."""
    params: dict[str, object] = {
        "load_id": load_id,
        "source_file": landed.relative_path,
        "fmt": landed.file_format,
        "loaded_at": loaded_at,
    }
    incoming = raw_zone.new_incoming(raw_dir)
    committed = False
    con.execute(
        "create or replace temp table landing_rejects "
        "(line_number bigint, reason_code varchar, detail varchar, raw_text varchar)"
    )
    try:
        try:
            digest, lines = stage_file(con, landed, identity, params, incoming, chunk_bytes)
        except FileChangedWhileReading:
            return FileLoadResult(landed.relative_path, "", landed.file_format, "changed_while_reading")
        result = FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
        if _already_loaded(con, digest):
            return result
        reasons = dict(
            con.execute("select reason_code, count(*) from landing_rejects group by all order by all").fetchall()
        )
        result.lines_read = lines
        result.rows_quarantined = sum(reasons.values())
        result.rows_loaded = lines - result.rows_quarantined
        result.quarantine_reasons = reasons
        raw_zone.make_durable(incoming)
        params["sha"] = digest
        try:
            with _transaction(con):
                load_sequence = params["load_sequence"] = _next_load_sequence(con)
                con.execute(
                    """
                    insert into raw.quarantine
                    select $load_id, $source_file, $sha, line_number, reason_code, detail, raw_text,
                        $loaded_at
                    from landing_rejects order by line_number
                    """,
                    {k: params[k] for k in ("load_id", "source_file", "sha", "loaded_at")},
                )
                _insert_manifest_row(con, params, result, identity.size_bytes)
                raw_zone.record_pending(con, incoming, load_sequence, digest)
        except (duckdb.TransactionException, duckdb.ConstraintException):
            # Another run committed the same content first (the manifest's primary key): this
            # run loaded nothing, which is exactly-once working, not an error.
            if _already_loaded(con, digest):
                return FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
            raise
        committed = True
        fault_point("landing_after_commit_before_files_visible")
        raw_zone.make_visible(raw_dir, incoming, load_sequence, digest)
        result.status = "loaded"
        return result
    finally:
        if not committed:  # once committed, the files are owed to the raw zone (raw_zone.recover)
            raw_zone.discard(incoming)
        con.execute("drop table if exists landing_rejects")
        for name in ("pieces", "singles"):  # a no-op unless a chunk failed (see _stage_chunk)
            con.unregister(name)


def _insert_manifest_row(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, object],
    result: FileLoadResult,
    size_bytes: int,
) -> None:
    con.execute(
        """
        insert into raw.file_loads (
            content_sha256, load_id, source_file, file_format, size_bytes, lines_read,
            rows_loaded, rows_quarantined, loaded_at, load_sequence
        ) values (
            $sha, $load_id, $source_file, $fmt, $size, $lines, $loaded, $quarantined, $loaded_at,
            $load_sequence
        )
        """,
        params
        | {
            "size": size_bytes,
            "lines": result.lines_read,
            "loaded": result.rows_loaded,
            "quarantined": result.rows_quarantined,
        },
    )


def quarantine_whole_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    error: Exception,
    *,
    load_id: str,
    loaded_at: datetime,
) -> FileLoadResult:
    """One quarantine row (`file_rejected`) and a manifest row for a file that cannot be loaded."""
    digest = file_sha256(landed.path)
    with open(landed.path, "rb") as stream:
        head = stream.read(MAX_RAW_TEXT_CHARS)
    detail = f"{type(error).__name__}: {error}"[:1000]
    result = FileLoadResult(landed.relative_path, digest, landed.file_format, "loaded", 1, 0, 1, {"file_rejected": 1})
    params: dict[str, object] = {
        "sha": digest,
        "load_id": load_id,
        "source_file": landed.relative_path,
        "fmt": landed.file_format,
        "loaded_at": loaded_at,
    }
    with _transaction(con):
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, null, 'file_rejected', ?, ?, ?)",
            [load_id, landed.relative_path, digest, detail, preview_text(head), loaded_at],
        )
        params["load_sequence"] = _next_load_sequence(con)
        _insert_manifest_row(con, params, result, landed.path.stat().st_size)
    return result


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: Iterable[LandedFile],
    *,
    raw_dir: Path,
    load_id: str,
    loaded_at: datetime,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    on_file: Callable[[FileLoadResult], None] | None = None,
    settle_ns: int = SETTLE_NS,
) -> list[FileLoadResult]:
    """Load each file in turn; `on_file` hears about every file as it completes (progress).

    A file already loaded and not written since is skipped without reading it (stat_cache.py).
    Loads that a killed landing committed but did not make visible are finished first."""
    with raw_zone.landing_lock(raw_dir):
        ensure_raw_zone(con, raw_dir)
        raw_zone.recover(con, raw_dir)
        raw_zone.check_owned(con, raw_dir)
        results = []
        settled: list[tuple[str, FileIdentity, str]] = []
        fault_point("landing_before_first_file")
        for landed in files:
            seen_at = time.time_ns()  # before the stat: the file had settled by then, or it is not trusted
            identity = FileIdentity.of(landed.path)
            known = known_content(con, landed.relative_path, identity)
            if known is not None:
                result = FileLoadResult(landed.relative_path, known, landed.file_format, "already_loaded")
            else:
                try:
                    result = load_file(
                        con,
                        landed,
                        identity=identity,
                        raw_dir=raw_dir,
                        load_id=load_id,
                        loaded_at=loaded_at,
                        chunk_bytes=chunk_bytes,
                    )
                except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
                    # Input DuckDB refuses in a way validation did not foresee: the file is rejected
                    # whole, with the error as its reason, and the run goes on with the other files.
                    result = quarantine_whole_file(con, landed, exc, load_id=load_id, loaded_at=loaded_at)
                if (
                    result.status in ("loaded", "already_loaded")
                    and identity.settled(seen_at, settle_ns)
                    and FileIdentity.of(landed.path) == identity  # not written while it was hashed
                ):
                    settled.append((landed.relative_path, identity, result.content_sha256))
            if on_file is not None:
                on_file(result)
            results.append(result)
            if len(results) == 1:
                fault_point("landing_after_first_file")
        fault_point("landing_after_all_files")
        with _transaction(con):
            if settled:
                remember(con, settled)
            raw_zone.refresh_view(con, raw_dir)
        raw_tables.mirror_loads(con, raw_dir)  # every committed load's manifest and quarantine rows
        raw_zone.finish(con, raw_dir)
        return results
