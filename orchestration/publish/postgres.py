"""Publish the audited marts to PostgreSQL too (optional), for BI tools that only speak Postgres.

Every table (or view) of the published DuckDB file's `main` schema is loaded into a new schema
`<schema>__loading_<version>`, in one transaction: tables with mapped types, rows streamed as
CSV (DuckDB renders each value as PostgreSQL's text input, pyarrow writes the CSV) into
`COPY ... FROM STDIN`, row counts checked, tables analysed, documented and granted to the
reader role. A second, short transaction then locks the current `<schema>`'s tables, renames it
away, renames the loading schema to `<schema>` and drops the old one. Readers therefore see one
complete version or the other: a statement or transaction that already read an old table holds
its lock, so the swap waits for it to end, and a reader that comes later waits for the swap and
then resolves the names to the new tables (see `_swap` for how the locks are taken).

Table and column names come from DuckDB's catalog, never from data, and are quoted as
identifiers on both sides all the same.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from orchestration.sql_text import quote_identifier

log = logging.getLogger(__name__)

LOADING = "__loading_"
RETIRED = "__retired_"
# PostgreSQL silently truncates longer names: two publishes' schemas could then collide.
MAX_IDENTIFIER_BYTES = 63
BATCH_ROWS = 100_000
# DuckDB type (as information_schema spells it) → PostgreSQL type that holds every value.
SCALAR_TYPES: Mapping[str, str] = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(39,0)",
    "UHUGEINT": "numeric(39,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "JSON": "jsonb",
    "UUID": "uuid",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")
# Every valid value quoted, a NULL as an empty unquoted field: PostgreSQL's CSV COPY reads the
# latter as NULL and `""` as the empty string, so the two stay apart.
CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")


class PostgresPublishError(RuntimeError):
    """The publish did not happen; the previously published schema, if any, is untouched."""


@dataclass(frozen=True)
class TableDoc:
    """Descriptions shown by BI tools: `COMMENT ON TABLE` and `COMMENT ON COLUMN`."""

    description: str
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PostgresPublishResult:
    schema: str
    version_id: str
    row_counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    expression: str  # DuckDB SQL: the value as PostgreSQL's text input of `pg_type`, or NULL


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]


def postgres_type(duckdb_type: str) -> str | None:
    """The PostgreSQL type for a DuckDB column type, or None when there is none we trust.

    Lists of a mapped type become one-dimensional arrays; nested lists, fixed-size arrays,
    structs, maps, enums and the rest are refused rather than guessed.
    """
    if duckdb_type.endswith("[]"):
        element = duckdb_type[:-2]
        element_type = None if element.endswith("]") else postgres_type(element)
        return None if element_type is None else f"{element_type}[]"
    if decimal := DECIMAL.fullmatch(duckdb_type):
        return f"numeric({decimal[1]},{decimal[2]})"
    return SCALAR_TYPES.get(duckdb_type)


def text_expression(value: str, duckdb_type: str) -> str:
    """DuckDB SQL rendering `value` (SQL of a `duckdb_type` value) as PostgreSQL's text input.

    DuckDB's own text form is PostgreSQL's for numbers (shortest round-trip doubles), booleans,
    dates, timestamps, UUIDs and JSON. Two need more:
    - timestamptz: DuckDB prints it in its session time zone; it is printed in UTC with an
      explicit `+00` instead, so PostgreSQL reads the same instant whatever either side's zone;
    - lists: an array literal `{"a","b\\"c",NULL}` with every element quoted (so commas, braces,
      spaces and the string 'NULL' need no thought), `\\` and `"` escaped, NULL unquoted.
    """
    if duckdb_type.endswith("[]"):
        element = text_expression("x", duckdb_type[:-2])
        quoted = f"""'"' || replace(replace({element}, '\\', '\\\\'), '"', '\\"') || '"'"""
        items = f"array_to_string(list_transform({value}, lambda x: coalesce({quoted}, 'NULL')), ',')"
        return f"CASE WHEN {value} IS NULL THEN NULL ELSE '{{' || {items} || '}}' END"
    if duckdb_type == "TIMESTAMP WITH TIME ZONE":
        return (
            f"CASE WHEN isfinite({value}) "
            f"THEN strftime(timezone('UTC', {value}), '%Y-%m-%d %H:%M:%S.%f+00') "
            f"ELSE CAST({value} AS VARCHAR) END"  # 'infinity' and '-infinity' read alike
        )
    return f"CAST({value} AS VARCHAR)"


def staging_schemas(schema: str, version_id: str) -> tuple[str, str]:
    """(loading, retired) schema names of one publish: `<schema>__loading_<version>`, ...

    The version id is ours, not data, but it is still reduced to `[a-z0-9_]` (and quoted).
    """
    suffix = re.sub(r"[^a-z0-9_]", "_", version_id.lower())
    if not suffix:
        raise ValueError("version_id is empty")
    names = (f"{schema}{LOADING}{suffix}", f"{schema}{RETIRED}{suffix}")
    for name in names:
        if len(name.encode()) > MAX_IDENTIFIER_BYTES:
            raise ValueError(f"schema name {name!r} is longer than PostgreSQL's {MAX_IDENTIFIER_BYTES} bytes")
    return names


def is_leftover(name: str, schema: str) -> bool:
    """Whether `name` is a loading or retired schema of `schema` (a killed publish's)."""
    return name.startswith((f"{schema}{LOADING}", f"{schema}{RETIRED}"))


def redact_dsn(dsn: str) -> str:
    """The DSN with its password (if any) replaced, for logs and error messages."""
    params = _dsn_params(dsn)
    if "password" in params:
        params["password"] = "***"
    return make_conninfo("", **params)


def _dsn_params(dsn: str) -> dict[str, str]:
    try:
        return {key: str(value) for key, value in conninfo_to_dict(dsn).items()}
    except psycopg.ProgrammingError:
        # libpq's parse error quotes the offending fragment, which may be the password.
        raise PostgresPublishError("the PostgreSQL DSN cannot be parsed") from None


def plan_tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    """The tables and views of the open DuckDB file's `main` schema, with mapped columns.

    Raises PostgresPublishError naming every column that cannot be published (its type has no
    mapping, or a name PostgreSQL would truncate), before anything is written to PostgreSQL.
    """
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'main' "
        "order by table_name, ordinal_position"
    ).fetchall()
    columns: dict[str, list[Column]] = {}
    refused = []
    for table, column, duckdb_type in rows:
        pg_type = postgres_type(duckdb_type)
        if max(len(table.encode()), len(column.encode())) > MAX_IDENTIFIER_BYTES:
            refused.append(f"{table}.{column} (name longer than {MAX_IDENTIFIER_BYTES} bytes)")
        elif pg_type is None:
            refused.append(f"{table}.{column} ({duckdb_type})")
        else:
            expression = text_expression(quote_identifier(column), duckdb_type)
            columns.setdefault(table, []).append(Column(column, pg_type, expression))
    if refused:
        raise PostgresPublishError(f"cannot publish DuckDB column(s) to PostgreSQL: {', '.join(refused)}")
    return [Table(name, tuple(table_columns)) for name, table_columns in columns.items()]


def advisory_lock_key(schema: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, one per target schema."""
    digest = hashlib.blake2b(f"event_warehouse.publish_to_postgres:{schema}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _milliseconds(seconds: float) -> str:
    return f"{max(1, round(seconds * 1000))}ms"


def _drop_schema(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(name)))


def _drop_leftovers(conn: psycopg.Connection, schema: str) -> None:
    """Drop the loading (and retired) schemas an interrupted publish left: ours, and no other
    publish runs (advisory lock). A retired schema only outlives a swap if renamed by hand."""
    names = [row[0] for row in conn.execute("select nspname from pg_namespace order by nspname")]
    for name in names:
        if is_leftover(name, schema):
            log.warning("dropping schema %s left by an interrupted publish", name)
            _drop_schema(conn, name)


def _ensure_role(conn: psycopg.Connection, role: str) -> None:
    """Create the NOLOGIN reader role unless it exists (an operator makes logins members)."""
    if conn.execute("select from pg_roles where rolname = %s", [role]).fetchone() is not None:
        return
    try:
        with conn.transaction():
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
    except (errors.DuplicateObject, errors.UniqueViolation):
        pass  # created meanwhile by another session (which one gets which error is a race)


def _copy_rows(cur: psycopg.Cursor, duck: duckdb.DuckDBPyConnection, table: Table, target: sql.Composable) -> None:
    """Stream `table`'s rows from DuckDB into `target` as CSV, one Arrow batch at a time."""
    select = ", ".join(column.expression for column in table.columns)
    reader: pa.RecordBatchReader = duck.sql(
        f"select {select} from main.{quote_identifier(table.name)}"
    ).to_arrow_reader(BATCH_ROWS)
    names = sql.SQL(", ").join(sql.Identifier(column.name) for column in table.columns)
    # FREEZE: the table was created in this transaction, so its rows can be written frozen and
    # readers are spared setting hint bits (and vacuum a rewrite) on their first reads.
    statement = sql.SQL("copy {} ({}) from stdin (format csv, freeze)").format(target, names)
    with cur.copy(statement) as copy:
        for batch in reader:
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, CSV_OPTIONS)
            copy.write(buffer.getbuffer())


def _comment(conn: psycopg.Connection, loading: str, table: Table, doc: TableDoc) -> None:
    target = sql.Identifier(loading, table.name)
    # COMMENT takes no bind parameters: the texts are composed as quoted literals.
    conn.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(doc.description)))
    for column in table.columns:
        if column.name in doc.columns:
            conn.execute(
                sql.SQL("comment on column {} is {}").format(
                    sql.Identifier(loading, table.name, column.name), sql.Literal(doc.columns[column.name])
                )
            )


def _load(
    conn: psycopg.Connection,
    duck: duckdb.DuckDBPyConnection,
    tables: Sequence[Table],
    loading: str,
    reader_role: str,
    docs: Mapping[str, TableDoc],
) -> dict[str, int]:
    """Create and fill schema `loading` in one transaction; its row counts (equal DuckDB's)."""
    row_counts: dict[str, int] = {}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(sql.SQL("create schema {}").format(sql.Identifier(loading)))
        for table in tables:
            target = sql.Identifier(loading, table.name)
            definition = sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(column.pg_type))
                for column in table.columns
            )
            cur.execute(sql.SQL("create table {} ({})").format(target, definition))
            _copy_rows(cur, duck, table, target)
            expected = duck.execute(f"select count(*) from main.{quote_identifier(table.name)}").fetchall()
            loaded = cur.execute(sql.SQL("select count(*) from {}").format(target)).fetchall()
            if loaded != expected:
                raise PostgresPublishError(
                    f"{table.name}: {loaded[0][0]} rows loaded into PostgreSQL, DuckDB has {expected[0][0]}"
                )
            cur.execute(sql.SQL("analyze {}").format(target))  # BI queries get plans from the start
            if table.name in docs:
                _comment(conn, loading, table, docs[table.name])
            row_counts[table.name] = loaded[0][0]
        # Read access only: no CREATE on the schema, no write on the tables. Granted here, the
        # privileges move with the schema when it is renamed: no re-grant after a publish.
        names = {"schema": sql.Identifier(loading), "role": sql.Identifier(reader_role)}
        cur.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**names))
        cur.execute(sql.SQL("grant select on all tables in schema {schema} to {role}").format(**names))
    return row_counts


def _old_relations(conn: psycopg.Connection, schema: str) -> list[str] | None:
    """The tables and views of the current `schema`, in name order; None if it does not exist."""
    if conn.execute("select from pg_namespace where nspname = %s", [schema]).fetchone() is None:
        return None
    return [
        row[0]
        for row in conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm') order by c.relname",
            [schema],
        )
    ]


def _swap(conn: psycopg.Connection, schema: str, loading: str, retired: str, lock_timeout: float) -> None:
    """Make `loading` the schema `schema` in one transaction, dropping the old one.

    Every old table is locked first: the swap waits for the readers that use them and later
    readers wait for it, so no reader resolves one name to an old table and another to a new
    one. The swap never waits for a lock while holding another, or a reader that holds table B
    and then asks for A (held by the swap, which waits for B) would deadlock with it, every
    time if it reads in a loop. So the locks are taken NOWAIT; when one is busy, everything is
    released and the next attempt first waits for that one table alone (new readers of it
    queue behind the swap meanwhile), then takes the others NOWAIT again. `lock_timeout` bounds
    the whole swap's waiting; past it, nothing has changed. (Readers that never pause, taking
    the same tables in opposite orders at once, can keep it from ever holding all of them.)
    """
    deadline = time.monotonic() + lock_timeout
    timed_out = PostgresPublishError(
        f"could not swap in schema {schema!r}: readers held its tables' locks for more than "
        f"lock_timeout={lock_timeout:g} s; the old {schema!r} stays published"
    )
    rename = sql.SQL("alter schema {} rename to {}")
    busy: str | None = None  # the table the last attempt could not lock
    while True:
        if busy is not None and time.monotonic() >= deadline:
            raise timed_out
        nowait: str | None = None  # the table being locked NOWAIT, if that is the statement
        try:
            with conn.transaction():
                remaining = _milliseconds(deadline - time.monotonic())
                conn.execute("select set_config('lock_timeout', %s, true)", [remaining])
                relations = _old_relations(conn, schema)
                for name in sorted(relations or [], key=lambda relation: relation != busy):  # busy first
                    nowait = None if name == busy else name
                    conn.execute(
                        sql.SQL("lock table {} in access exclusive mode{}").format(
                            sql.Identifier(schema, name), sql.SQL("" if nowait is None else " nowait")
                        )
                    )
                nowait = None
                if relations is not None:
                    conn.execute(rename.format(sql.Identifier(schema), sql.Identifier(retired)))
                conn.execute(rename.format(sql.Identifier(loading), sql.Identifier(schema)))
                if relations is not None:
                    conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(retired)))
            return
        except errors.LockNotAvailable as error:
            if nowait is None:  # a wait ran out of time
                raise timed_out from error
            log.info("swapping in schema %s: table %s is in use, waiting for it", schema, nowait)
            busy = nowait


def publish_to_postgres(
    published_db: Path,
    dsn: str,
    *,
    version_id: str,
    schema: str = "marts",
    reader_role: str = "bi_reader",
    docs: Mapping[str, TableDoc] | None = None,
    lock_timeout: float = 30.0,
) -> PostgresPublishResult:
    """Publish every table of `published_db` (its `main` schema) as PostgreSQL schema `schema`.

    Readers see the previous complete set of tables or the new one, never a mix (see the
    module's docstring). `reader_role` (created NOLOGIN if missing) may read the tables and
    nothing else. `docs` (table name → TableDoc) become table and column comments.
    `lock_timeout` (seconds) bounds how long the swap waits for locks held by readers; past it
    the publish fails with PostgresPublishError and the old schema stays published. On any
    failure the new schema is dropped (a killed publish's is dropped by the next one).
    """
    started = time.monotonic()
    loading, retired = staging_schemas(schema, version_id)
    log.info("publishing %s to PostgreSQL %s as schema %s", published_db, redact_dsn(dsn), schema)
    # read_only: the pipeline may replace the file meanwhile (a rename): this keeps the old one.
    with duckdb.connect(str(published_db), read_only=True) as duck:
        tables = plan_tables(duck)
        if not tables:
            raise PostgresPublishError(f"nothing to publish: {published_db} has no tables")
        with psycopg.connect(
            dsn, autocommit=True, client_encoding="utf8", application_name="event_warehouse publish"
        ) as conn:
            conn.execute("select set_config('lock_timeout', %s, false)", [_milliseconds(lock_timeout)])
            # Serialises publishes to this schema (e.g. a manual run beside the schedule), which
            # makes dropping another attempt's leftovers safe. Released when the session ends.
            locked = conn.execute("select pg_try_advisory_lock(%s)", [advisory_lock_key(schema)]).fetchone()
            if locked is None or not locked[0]:
                raise PostgresPublishError(f"another publish to schema {schema!r} is running")
            _drop_leftovers(conn, schema)
            _ensure_role(conn, reader_role)
            try:
                row_counts = _load(conn, duck, tables, loading, reader_role, docs or {})
                _swap(conn, schema, loading, retired, lock_timeout)
            except BaseException:
                try:
                    _drop_schema(conn, loading)
                except psycopg.Error as cleanup_error:  # the next publish drops it
                    log.warning("could not drop schema %s after a failed publish: %s", loading, cleanup_error)
                raise
    seconds = time.monotonic() - started
    rows = sum(row_counts.values())
    log.info(
        "published %d tables (%d rows) to PostgreSQL schema %s in %.1f s (%.0f rows/s)",
        len(row_counts),
        rows,
        schema,
        seconds,
        rows / seconds,
    )
    return PostgresPublishResult(schema, version_id, row_counts, seconds)
