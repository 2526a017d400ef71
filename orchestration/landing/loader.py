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

import hashlib
import io
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.landing.discover import LandedFile, file_sha256
from orchestration.landing.page_parser import PageParseError, parse_event_page
from orchestration.landing.stat_cache import SETTLE_NS, FileIdentity, known_content, remember
from orchestration.landing.warehouse_schema import ensure_raw_schema

# Quarantined text is kept for diagnosis, but a hostile 50 MB line must not bloat the warehouse.
MAX_RAW_TEXT_CHARS = 65_536
# No real event comes near this; a longer line is rejected before any JSON parsing, which bounds
# the time and memory one hostile line can cost.
MAX_LINE_BYTES = 8 * 1024 * 1024
# DuckDB's vector size: the rows of one Arrow record batch handed to validation.
VECTOR_ROWS = 2048
# How much of a file is sniffed to tell text from binary.
SNIFF_BYTES = 8192
# Records are validated and inserted in chunks of about this many bytes of text (callers derive
# it from DuckDB's memory limit: Settings.landing_chunk_bytes).
DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024

# Contract §1 required fields and the JSON types DuckDB must report for them, in the order they
# are checked (the first failure is the reason given). Constants, never data.
REQUIRED_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("$.event_id", ("VARCHAR",)),
    ("$.category", ("VARCHAR",)),
    ("$.headline", ("VARCHAR",)),
    ("$.location.name", ("VARCHAR",)),
    ("$.verification.status", ("VARCHAR",)),
    ("$.verification.summary", ("VARCHAR",)),
    ("$.verification.source_count", ("UBIGINT", "BIGINT")),
    ("$.sources", ("ARRAY",)),
    ("$.entities", ("ARRAY",)),
    ("$.source_reports", ("ARRAY",)),
    ("$.extraction.extracted_at", ("VARCHAR",)),
    ("$.extraction.source_story_id", ("VARCHAR", "UBIGINT")),
)
KNOWN_TOP_LEVEL_FIELDS = (
    "event_id",
    "category",
    "headline",
    "location",
    "verification",
    "sources",
    "entities",
    "source_reports",
    "extraction",
)
ISO_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$"


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


@dataclass(frozen=True)
class Candidate:
    """One record as read from a file, before validation. `reason` is set when Python already
    knows it cannot be loaded (undecodable bytes, an unrecognisable page)."""

    line_number: int
    text: str
    reason: str | None = None
    detail: str | None = None


def looks_binary(data: bytes) -> bool:
    """Mostly control bytes or non-UTF-8 in the first few KB: not a text file at all.

    A text file with one bad line is not binary: that line alone is quarantined.
    """
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    text = head.decode("utf-8", "replace")
    suspicious = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r"))
    return suspicious > 0.1 * len(text)


def _preview(raw: bytes) -> str:
    return raw[:MAX_RAW_TEXT_CHARS].decode("utf-8", "replace").replace("\x00", "\\0")


def _binary_candidate(head: bytes, size_bytes: int) -> Candidate:
    return Candidate(1, _preview(head[:1024]), "binary_file", f"{size_bytes} bytes, not UTF-8 text")


def _drain(stream: BinaryIO, *, to_newline: bool = False) -> int:
    """Consume the rest of the line (or stream) in bounded blocks, never holding it; bytes read."""
    skipped = 0
    while block := (stream.readline if to_newline else stream.read)(1024 * 1024):
        skipped += len(block)
        if to_newline and block.endswith(b"\n"):
            break
    return skipped


def iter_export_lines(stream: io.BufferedReader[Any]) -> Iterator[Candidate]:
    """JSON Lines stream → candidates with 1-based line numbers. Blank lines are not records.

    Tolerates a UTF-8 BOM and CRLF line ends; a line that is not UTF-8, holds a NUL byte or is
    longer than MAX_LINE_BYTES is quarantined alone (and never held whole in memory). A binary
    file is one quarantined record. A last line without its newline (a writer still writing, or
    one that died) is read like any other: not being JSON, it is quarantined, not loaded.
    """
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if looks_binary(head):
        yield _binary_candidate(head, _drain(stream))
        return
    if head.startswith(b"\xef\xbb\xbf"):
        stream.read(3)
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw) + _drain(stream, to_newline=True)
            yield Candidate(number, _preview(raw), "line_too_long", f"{size} bytes > {MAX_LINE_BYTES}")
            continue
        raw = raw.rstrip(b"\n").rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Candidate(number, raw.decode("utf-8", "replace"), "invalid_utf8", str(exc))
            continue
        if "\x00" in text:
            yield Candidate(number, text.replace("\x00", "\\0"), "nul_byte", None)
            continue
        yield Candidate(number, text)


def split_export_lines(data: bytes) -> list[Candidate]:
    """`iter_export_lines` over bytes already in memory."""
    return list(iter_export_lines(io.BufferedReader(io.BytesIO(data))))


def chunked(candidates: Iterable[Candidate], chunk_bytes: int) -> Iterator[list[Candidate]]:
    """Consecutive runs of candidates holding about `chunk_bytes` of text each (at least one)."""
    chunk: list[Candidate] = []
    size = 0
    for candidate in candidates:
        chunk.append(candidate)
        size += len(candidate.text)
        if size >= chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def page_candidate(data: bytes, size_bytes: int | None = None) -> Candidate:
    """A rendered page is one record: parse it into the export's JSON shape.

    `data` may be only the head of a page of `size_bytes` (a page too large is never read whole).
    """
    size_bytes = len(data) if size_bytes is None else size_bytes
    if looks_binary(data):
        return _binary_candidate(data, size_bytes)
    if size_bytes > MAX_LINE_BYTES:
        return Candidate(1, _preview(data), "page_too_large", f"{size_bytes} bytes > {MAX_LINE_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Candidate(1, data.decode("utf-8", "replace"), "invalid_utf8", str(exc))
    if "\x00" in text:
        return Candidate(1, text.replace("\x00", "\\0"), "nul_byte", None)
    try:
        record = parse_event_page(text)
    except PageParseError as exc:
        return Candidate(1, text, exc.reason_code, exc.detail)
    except Exception as exc:  # a parser bug must not stop the other files
        return Candidate(1, text, "page_parser_error", f"{type(exc).__name__}: {exc}"[:500])
    return Candidate(1, json.dumps(record, ensure_ascii=False))


# Every JSON path validation reads, fetched in one parse per record (json_type and
# json_extract_string take a list of paths): per-path calls re-parse the document each time,
# which costs memory per vector and made small memory limits fail. Index 1 is the document.
_PATHS = ("$", *(path for path, _ in REQUIRED_FIELDS), "$.source_reports[0]")
_INDEX = {path: number for number, path in enumerate(_PATHS, start=1)}
# The texts validation reads, in one extraction: the fields that may be strings (a blank one is
# missing). Extracting the arrays' or the document's text too would re-serialise most of every
# record; a field of another type that arrives as a string (rare) is read alone, only then.
_STRING_PATHS = tuple(path for path, types in REQUIRED_FIELDS if "VARCHAR" in types)
_STRING_INDEX = {path: number for number, path in enumerate(_STRING_PATHS, start=1)}


def _text_of(path: str) -> str:
    """SQL: the text of the field at `path` (a constant of REQUIRED_FIELDS, never data)."""
    if path in _STRING_INDEX:
        return f"s[{_STRING_INDEX[path]}]"
    return f"(case when t[{_INDEX[path]}] = 'VARCHAR' then json_extract_string(j, '{path}') end)"


def _first_field_where(condition: str) -> str:
    """SQL: the first required field (in contract order) for which `condition` holds; in
    `condition`, {t} is the field's JSON type, {s} its string value, {types} the allowed types."""
    whens = " ".join(
        "when "
        + condition.format(t=f"t[{_INDEX[path]}]", s=_text_of(path), types=", ".join(repr(t) for t in types))
        + f" then '{path.removeprefix('$.')}'"
        for path, types in REQUIRED_FIELDS
    )
    return f"case {whens} end"


def _validation_sql() -> str:
    """One CASE over the parsed JSON giving the first reason a record cannot be loaded."""
    missing = _first_field_where("coalesce({t}, 'NULL') = 'NULL' or ({t} = 'VARCHAR' and trim({s}) = '')")
    mistyped = _first_field_where("{t} not in ({types}, 'NULL')")
    paths = ", ".join(f"'{path}'" for path in _PATHS)
    string_paths = ", ".join(f"'{path}'" for path in _STRING_PATHS)
    extracted_at = f"s[{_STRING_INDEX['$.extraction.extracted_at']}]"
    story_id = f"s[{_STRING_INDEX['$.extraction.source_story_id']}]"
    known = ", ".join(f"'{name}'" for name in KNOWN_TOP_LEVEL_FIELDS)
    return f"""
    with parsed as (
        select line_number, text, reason as pre_reason, detail as pre_detail,
               case when reason is null then try_cast(text as json) end as j
        from candidates
    ),
    extracted as (
        select *, json_type(j, [{paths}]) as t, json_extract_string(j, [{string_paths}]) as s
        from parsed
    ),
    fields as (
        select *,
            case when t[1] = 'OBJECT' then {missing} end as missing_field,
            case when t[1] = 'OBJECT' then {mistyped} end as mistyped_field
        from extracted
    ),
    checked as (
        select *,
            case
                when pre_reason is not null then pre_reason
                when j is null then 'malformed_json'
                when t[1] <> 'OBJECT' then 'not_an_object'
                when missing_field is not null then 'missing_required_field'
                when mistyped_field is not null then 'invalid_field_type'
                when t[{_INDEX["$.source_reports[0]"]}] is null then 'empty_source_reports'
                when not regexp_full_match({extracted_at}, '{ISO_UTC_PATTERN}')
                  or try_cast({extracted_at} as timestamptz) is null
                    then 'invalid_extracted_at'
                when try_cast({extracted_at} as timestamptz) > $loaded_at
                    then 'extracted_at_in_future'
                when not regexp_full_match({story_id}, '[0-9]+')
                    then 'invalid_source_story_id'
            end as reason_code
        from fields
    )
    select line_number,
        -- each row keeps only what its insert reads: the text of a reject, the JSON of a record
        case when reason_code is not null then text end as text,
        case when reason_code is null then j end as j,
        reason_code,
        case
            when reason_code is null then null
            when pre_reason is not null then pre_detail
            when reason_code = 'missing_required_field' then 'missing: ' || missing_field
            when reason_code = 'invalid_field_type'
                then mistyped_field || ' is ' || json_type(j, '$.' || mistyped_field)
            when reason_code = 'invalid_extracted_at' then 'extracted_at: ' || {extracted_at}
            when reason_code = 'extracted_at_in_future'
                then 'extracted_at ' || {extracted_at} || ' is after load time'
            when reason_code = 'invalid_source_story_id' then 'source_story_id: ' || {story_id}
            when reason_code = 'malformed_json' then 'not valid JSON'
            when reason_code = 'not_an_object' then 'top-level JSON ' || t[1]
            when reason_code = 'empty_source_reports' then 'source_reports is empty'
        end as detail,
        -- Unknown top-level fields, kept as JSON. Keys are data: they are never spliced into a
        -- JSON path or SQL, only filtered as map entries. The map (which re-serialises the whole
        -- record) is only built for the few records that have such a field.
        case when reason_code is null
              and len(list_filter(json_keys(j), lambda key: key not in ({known}))) > 0
            then to_json(map_from_entries(list_filter(
                map_entries(json_transform(j, '"MAP(VARCHAR, JSON)"')),
                lambda entry: entry.key not in ({known})
            )))
        end as extra_fields
    from checked
    """


VALIDATION_SQL = _validation_sql()


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


class FileChangedWhileReading(Exception):
    """The file's bytes changed between hashing and loading: a writer ignoring the convention."""


def _read_page(stream: BinaryIO) -> Candidate:
    head = stream.read(MAX_LINE_BYTES + 1)
    return page_candidate(head, len(head) + _drain(stream))


class _HashingReader(io.RawIOBase):
    """A forward-only stream that hashes every byte read through it: what was actually loaded."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.hasher = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        self.hasher.update(data)
        buffer[: len(data)] = data
        return len(data)


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
            reader = _HashingReader(raw_file)
            stream = io.BufferedReader(reader, buffer_size=1024 * 1024)
            candidates = iter_export_lines(stream) if landed.file_format == "export" else iter([_read_page(stream)])
            for chunk in chunked(candidates, chunk_bytes):
                _insert_chunk(con, params, chunk, reasons)
                result.lines_read += len(chunk)
            _drain(stream)  # hash to the end, whatever the parser stopped at
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
            [load_id, landed.relative_path, digest, detail, _preview(head), loaded_at],
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
