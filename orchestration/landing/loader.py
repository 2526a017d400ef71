"""Load landing files into the raw tables, exactly once per file content.

Per file, in one DuckDB transaction: every record is either inserted into `raw.event_records`
or into `raw.quarantine` with a reason code, and the file's manifest row (keyed by the SHA-256
of its bytes) is written with lines read / loaded / quarantined. A crash before COMMIT leaves
no trace, so the next run loads the file again; after COMMIT the same bytes are never loaded
again, whatever the file is called.

Structural validation runs set-based in DuckDB (one statement per file, no per-record Python
JSON parsing); Python only splits lines and decodes UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.landing.discover import LandedFile, sha256_of
from orchestration.landing.page_parser import PageParseError, parse_event_page
from orchestration.landing.warehouse_schema import ensure_raw_schema

# Quarantined text is kept for diagnosis, but a hostile 50 MB line must not bloat the warehouse.
MAX_RAW_TEXT_CHARS = 65_536
# No real event comes near this; a longer line is rejected before any JSON parsing, which bounds
# the time and memory one hostile line can cost.
MAX_LINE_BYTES = 8 * 1024 * 1024
# How much of a file is sniffed to tell text from binary.
SNIFF_BYTES = 8192

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
    "event_id", "category", "headline", "location", "verification",
    "sources", "entities", "source_reports", "extraction",
)  # fmt: skip
ISO_UTC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$"


@dataclass
class FileLoadResult:
    source_file: str
    content_sha256: str
    file_format: str
    status: str  # "loaded" | "already_loaded"
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


def split_export_lines(data: bytes) -> list[Candidate]:
    """JSON Lines → candidates with 1-based line numbers. Blank lines are not records.

    Tolerates a UTF-8 BOM and CRLF line ends; a line that is not UTF-8, holds a NUL byte or is
    longer than MAX_LINE_BYTES is quarantined alone. A binary file is one quarantined record.
    """
    if looks_binary(data):
        return [Candidate(1, _preview(data[:1024]), "binary_file", f"{len(data)} bytes, not UTF-8 text")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    candidates: list[Candidate] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            candidates.append(
                Candidate(number, _preview(raw), "line_too_long", f"{len(raw)} bytes > {MAX_LINE_BYTES}")
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            candidates.append(
                Candidate(number, raw.decode("utf-8", "replace"), "invalid_utf8", str(exc))
            )
            continue
        if "\x00" in text:
            candidates.append(Candidate(number, text.replace("\x00", "\\0"), "nul_byte", None))
            continue
        candidates.append(Candidate(number, text))
    return candidates


def page_candidate(data: bytes) -> Candidate:
    """A rendered page is one record: parse it into the export's JSON shape."""
    if looks_binary(data):
        return Candidate(1, _preview(data[:1024]), "binary_file", f"{len(data)} bytes, not UTF-8 text")
    if len(data) > MAX_LINE_BYTES:
        return Candidate(1, _preview(data), "page_too_large", f"{len(data)} bytes > {MAX_LINE_BYTES}")
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
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the other files
        return Candidate(1, text, "page_parser_error", f"{type(exc).__name__}: {exc}"[:500])
    return Candidate(1, json.dumps(record, ensure_ascii=False))


def _first_field_where(condition: str) -> str:
    """SQL: the first required field (in contract order) for which `condition` holds."""
    whens = " ".join(
        f"when {condition.format(path=path, types=', '.join(repr(t) for t in types))} "
        f"then '{path.removeprefix('$.')}'"
        for path, types in REQUIRED_FIELDS
    )
    return f"case {whens} end"


def _validation_sql() -> str:
    """One CASE over the parsed JSON giving the first reason a record cannot be loaded."""
    missing = _first_field_where(
        "coalesce(json_type(j, '{path}'), 'NULL') = 'NULL' "
        "or (json_type(j, '{path}') = 'VARCHAR' and trim(json_extract_string(j, '{path}')) = '')"
    )
    mistyped = _first_field_where("json_type(j, '{path}') not in ({types}, 'NULL')")
    known = ", ".join(f"'{name}'" for name in KNOWN_TOP_LEVEL_FIELDS)
    return f"""
    with parsed as (
        select line_number, text, reason as pre_reason, detail as pre_detail,
               case when reason is null and json_valid(text) then text::json end as j
        from candidates
    ),
    fields as (
        select *,
            case when json_type(j) = 'OBJECT' then {missing} end as missing_field,
            case when json_type(j) = 'OBJECT' then {mistyped} end as mistyped_field
        from parsed
    ),
    checked as (
        select *,
            case
                when pre_reason is not null then pre_reason
                when j is null then 'malformed_json'
                when json_type(j) <> 'OBJECT' then 'not_an_object'
                when missing_field is not null then 'missing_required_field'
                when mistyped_field is not null then 'invalid_field_type'
                when json_array_length(j, '$.source_reports') = 0 then 'empty_source_reports'
                when not regexp_full_match(json_extract_string(j, '$.extraction.extracted_at'), '{ISO_UTC_PATTERN}')
                  or try_cast(json_extract_string(j, '$.extraction.extracted_at') as timestamptz) is null
                    then 'invalid_extracted_at'
                when try_cast(json_extract_string(j, '$.extraction.extracted_at') as timestamptz) > $loaded_at
                    then 'extracted_at_in_future'
                when not regexp_full_match(json_extract_string(j, '$.extraction.source_story_id'), '[0-9]+')
                    then 'invalid_source_story_id'
            end as reason_code
        from fields
    )
    select line_number, text, j, reason_code,
        case
            when reason_code is null then null
            when pre_reason is not null then pre_detail
            when reason_code = 'missing_required_field' then 'missing: ' || missing_field
            when reason_code = 'invalid_field_type'
                then mistyped_field || ' is ' || json_type(j, '$.' || mistyped_field)
            when reason_code = 'invalid_extracted_at'
                then 'extracted_at: ' || json_extract_string(j, '$.extraction.extracted_at')
            when reason_code = 'extracted_at_in_future'
                then 'extracted_at ' || json_extract_string(j, '$.extraction.extracted_at') || ' is after load time'
            when reason_code = 'invalid_source_story_id'
                then 'source_story_id: ' || json_extract_string(j, '$.extraction.source_story_id')
            when reason_code = 'malformed_json' then 'not valid JSON'
            when reason_code = 'not_an_object' then 'top-level JSON ' || json_type(j)
            when reason_code = 'empty_source_reports' then 'source_reports is empty'
        end as detail,
        -- Unknown top-level fields, kept as JSON. Keys are data: they are never spliced into a
        -- JSON path or SQL, only filtered as map entries.
        case when reason_code is null then nullif(to_json(map_from_entries(list_filter(
            map_entries(json_transform(j, '"MAP(VARCHAR, JSON)"')),
            lambda entry: entry.key not in ({known})
        ))), '{{}}'::json) end as extra_fields
    from checked
    """


VALIDATION_SQL = _validation_sql()


def _already_loaded(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from raw.file_loads where content_sha256 = ?", [digest]
        ).fetchall()[0][0]
    )


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit at the end, roll back on any error (or a kill: DuckDB's WAL)."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.TransactionException:
            pass  # a failed commit has already ended the transaction
        raise


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    *,
    load_id: str,
    loaded_at: datetime,
) -> FileLoadResult:
    """Load one file in one transaction; a no-op if these exact bytes were loaded before."""
    data = landed.path.read_bytes()
    digest = sha256_of(data)
    result = FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
    if _already_loaded(con, digest):
        return result

    candidates = (
        split_export_lines(data) if landed.file_format == "export" else [page_candidate(data)]
    )
    batch = pa.table(
        {
            "line_number": pa.array([c.line_number for c in candidates], pa.int64()),
            "text": pa.array([c.text for c in candidates], pa.string()),
            "reason": pa.array([c.reason for c in candidates], pa.string()),
            "detail": pa.array([c.detail for c in candidates], pa.string()),
        }
    )
    params = {
        "load_id": load_id,
        "source_file": landed.relative_path,
        "sha": digest,
        "fmt": landed.file_format,
        "loaded_at": loaded_at,
    }
    con.register("candidates", batch)
    try:
        with _transaction(con):
            _insert_batch(con, params, result, len(candidates), len(data))
    except (duckdb.TransactionException, duckdb.ConstraintException):
        # Another run committed the same content first (the manifest's primary key): this run
        # loaded nothing, which is exactly-once working, not an error.
        if _already_loaded(con, digest):
            return FileLoadResult(landed.relative_path, digest, landed.file_format, "already_loaded")
        raise
    finally:
        con.unregister("candidates")
    result.status = "loaded"
    return result


def _insert_batch(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, object],
    result: FileLoadResult,
    n_candidates: int,
    size_bytes: int,
) -> None:
    """Validate the registered `candidates` and write records, rejects and the manifest row."""
    con.execute(
        f"create or replace temp table checked_batch as {VALIDATION_SQL}",
        {"loaded_at": params["loaded_at"]},
    )
    con.execute(
        """
        insert into raw.event_records
        select $load_id, $source_file, $sha, line_number, $fmt, j, extra_fields, $loaded_at
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
    reasons = dict(
        con.execute(
            "select reason_code, count(*) from checked_batch "
            "where reason_code is not null group by all order by all"
        ).fetchall()
    )
    result.rows_quarantined = sum(reasons.values())
    result.rows_loaded = n_candidates - result.rows_quarantined
    result.lines_read = n_candidates
    result.quarantine_reasons = reasons
    con.execute(
        """
        insert into raw.file_loads values
        ($sha, $load_id, $source_file, $fmt, $size, $lines, $loaded, $quarantined, $loaded_at)
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
    data = landed.path.read_bytes()
    digest = sha256_of(data)
    detail = f"{type(error).__name__}: {error}"[:1000]
    with _transaction(con):
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, null, 'file_rejected', ?, ?, ?)",
            [load_id, landed.relative_path, digest, detail, _preview(data), loaded_at],
        )
        con.execute(
            "insert into raw.file_loads values (?, ?, ?, ?, ?, 1, 0, 1, ?)",
            [digest, load_id, landed.relative_path, landed.file_format, len(data), loaded_at],
        )
    return FileLoadResult(
        landed.relative_path, digest, landed.file_format, "loaded", 1, 0, 1, {"file_rejected": 1}
    )


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: Iterable[LandedFile],
    *,
    load_id: str,
    loaded_at: datetime,
    on_file: Callable[[FileLoadResult], None] | None = None,
) -> list[FileLoadResult]:
    """Load each file in turn; `on_file` hears about every file as it completes (progress)."""
    ensure_raw_schema(con)
    results = []
    fault_point("landing_before_first_file")
    for landed in files:
        try:
            result = load_file(con, landed, load_id=load_id, loaded_at=loaded_at)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            # Input DuckDB refuses in a way validation did not foresee: the file is rejected
            # whole, with the error as its reason, and the run goes on with the other files.
            result = quarantine_whole_file(con, landed, exc, load_id=load_id, loaded_at=loaded_at)
        if on_file is not None:
            on_file(result)
        results.append(result)
        if len(results) == 1:
            fault_point("landing_after_first_file")
    fault_point("landing_after_all_files")
    return results
