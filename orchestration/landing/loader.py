"""Load landing files into the raw tables, exactly once per file content.

Per file, in one DuckDB transaction: every record is either inserted into `raw.event_records`
or into `raw.quarantine` with a reason code, and the file's manifest row (keyed by the SHA-256
of its bytes) is written with lines read / loaded / quarantined. A crash before COMMIT leaves
no trace, so the next run loads the file again; after COMMIT the same bytes are never loaded
again, whatever the file is called.

Files are streamed, never read whole: lines are validated set-based in DuckDB in chunks of
about `chunk_bytes` (one statement per chunk, no per-record Python JSON parsing; Python only
splits lines and decodes UTF-8), so a file larger than DuckDB's memory limit loads with bounded
memory. All chunks of a file share the file's one transaction.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.landing.discover import LandedFile, file_sha256
from orchestration.landing.reading import (
    DEFAULT_CHUNK_BYTES,
    MAX_RAW_TEXT_CHARS,
    VECTOR_ROWS,
    Candidate,
    FileChangedWhileReading,
    HashingReader,
    chunked,
    drain,
    iter_export_lines,
    preview_text,
    read_page,
)
from orchestration.landing.stat_cache import SETTLE_NS, FileIdentity, known_content, remember
from orchestration.landing.validation import VALIDATION_SQL
from orchestration.landing.warehouse_schema import ensure_raw_schema


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


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    *,
    load_id: str,
    loaded_at: datetime,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> FileLoadResult:
    """Load one file in one transaction; a no-op if these exact bytes were loaded before.

    The file is hashed first (to skip known content without parsing it), then streamed in
    chunks; the bytes streamed are hashed again and must match, or nothing is committed and the
    file is left for the next run (status `changed_while_reading`).
    """
    digest = file_sha256(landed.path)
    result = FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
    if _already_loaded(con, digest):
        return result

    params = {
        "load_id": load_id,
        "source_file": landed.relative_path,
        "sha": digest,
        "fmt": landed.file_format,
        "loaded_at": loaded_at,
    }
    reasons: Counter[str] = Counter()
    try:
        with open(landed.path, "rb", buffering=0) as raw_file, _transaction(con):
            params["load_sequence"] = _next_load_sequence(con)
            reader = HashingReader(raw_file)
            stream = io.BufferedReader(reader, buffer_size=1024 * 1024)
            candidates = iter_export_lines(stream) if landed.file_format == "export" else iter([read_page(stream)])
            for chunk in chunked(candidates, chunk_bytes):
                _insert_chunk(con, params, chunk, reasons)
                result.lines_read += len(chunk)
            drain(stream)  # hash to the end, whatever the parser stopped at
            if reader.hasher.hexdigest() != digest:
                raise FileChangedWhileReading(landed.relative_path)
            result.rows_quarantined = sum(reasons.values())
            result.rows_loaded = result.lines_read - result.rows_quarantined
            result.quarantine_reasons = dict(sorted(reasons.items()))
            _insert_manifest_row(con, params, result, landed.path.stat().st_size)
    except FileChangedWhileReading:
        return FileLoadResult(landed.relative_path, digest, landed.file_format, "changed_while_reading")
    except (duckdb.TransactionException, duckdb.ConstraintException):
        # Another run committed the same content first (the manifest's primary key): this run
        # loaded nothing, which is exactly-once working, not an error.
        if _already_loaded(con, digest):
            return FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
        raise
    finally:
        con.unregister("candidates")  # a no-op unless a chunk failed (see _insert_chunk)
    result.status = "loaded"
    return result


def _insert_chunk(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, object],
    chunk: list[Candidate],
    reasons: Counter[str],
) -> None:
    """Validate one chunk of candidates and write its records and rejects; count reasons."""
    batch = pa.table(
        {
            "line_number": pa.array([c.line_number for c in chunk], pa.int64()),
            "text": pa.array([c.text for c in chunk], pa.string()),
            "reason": pa.array([c.reason for c in chunk], pa.string()),
            "detail": pa.array([c.detail for c in chunk], pa.string()),
        }
    )
    # Registered for one statement, in record batches of one DuckDB vector each: DuckDB hands
    # each batch to a thread, so the validation of one big batch ran on one core (4.0 s of a
    # 300k-line file against 2.5 s). On failure it stays registered until load_file has rolled
    # back: unregistering inside an aborted transaction would hide the real error.
    con.register("candidates", pa.Table.from_batches(batch.to_batches(max_chunksize=VECTOR_ROWS)))
    con.execute(
        f"create or replace temp table checked_batch as {VALIDATION_SQL}",
        {"loaded_at": params["loaded_at"]},
    )
    con.unregister("candidates")
    con.execute(
        """
        insert into raw.event_records (
            load_id, source_file, content_sha256, line_number, source_format, record,
            extra_fields, loaded_at, load_sequence
        )
        select $load_id, $source_file, $sha, line_number, $fmt, j, extra_fields, $loaded_at,
            $load_sequence
        from checked_batch where reason_code is null order by line_number
        """,
        params,
    )
    con.execute(
        f"""
        insert into raw.quarantine
        select $load_id, $source_file, $sha, line_number, reason_code, detail,
               left(text, {MAX_RAW_TEXT_CHARS}), $loaded_at
        from checked_batch where reason_code is not null order by line_number
        """,
        {k: params[k] for k in ("load_id", "source_file", "sha", "loaded_at")},
    )
    fault_point("landing_mid_file_after_records")
    reasons.update(
        dict(
            con.execute(
                "select reason_code, count(*) from checked_batch where reason_code is not null group by all"
            ).fetchall()
        )
    )
    con.execute("drop table checked_batch")


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
    with _transaction(con):
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, null, 'file_rejected', ?, ?, ?)",
            [load_id, landed.relative_path, digest, detail, preview_text(head), loaded_at],
        )
        con.execute(
            "insert into raw.file_loads (content_sha256, load_id, source_file, file_format, "
            "size_bytes, lines_read, rows_loaded, rows_quarantined, loaded_at, load_sequence) "
            "values (?, ?, ?, ?, ?, 1, 0, 1, ?, ?)",
            [
                digest,
                load_id,
                landed.relative_path,
                landed.file_format,
                landed.path.stat().st_size,
                loaded_at,
                _next_load_sequence(con),
            ],
        )
    return FileLoadResult(landed.relative_path, digest, landed.file_format, "loaded", 1, 0, 1, {"file_rejected": 1})


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: Iterable[LandedFile],
    *,
    load_id: str,
    loaded_at: datetime,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    on_file: Callable[[FileLoadResult], None] | None = None,
    settle_ns: int = SETTLE_NS,
) -> list[FileLoadResult]:
    """Load each file in turn; `on_file` hears about every file as it completes (progress).

    A file already loaded and not written since is skipped without hashing (stat_cache.py)."""
    ensure_raw_schema(con)
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
                result = load_file(con, landed, load_id=load_id, loaded_at=loaded_at, chunk_bytes=chunk_bytes)
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
    if settled:
        with _transaction(con):
            remember(con, settled)
    return results
