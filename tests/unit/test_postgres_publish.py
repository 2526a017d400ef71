"""The PostgreSQL publish target's pure parts: type mapping, value rendering, names, DSN redaction.

The rendering expressions are DuckDB SQL, so they are checked by evaluating them in an
in-memory DuckDB; no PostgreSQL server is needed here (tests/integration has the round trips).
"""

from __future__ import annotations

import io

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from orchestration.publish.postgres import (
    CSV_OPTIONS,
    PostgresPublishError,
    is_leftover,
    plan_tables,
    postgres_type,
    redact_dsn,
    staging_schemas,
    text_expression,
)


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("BIGINT", "bigint"),
        ("INTEGER", "integer"),
        ("SMALLINT", "smallint"),
        ("TINYINT", "smallint"),
        ("UTINYINT", "smallint"),
        ("USMALLINT", "integer"),
        ("UINTEGER", "bigint"),
        ("UBIGINT", "numeric(20,0)"),
        ("HUGEINT", "numeric(39,0)"),
        ("UHUGEINT", "numeric(39,0)"),
        ("BOOLEAN", "boolean"),
        ("DOUBLE", "double precision"),
        ("FLOAT", "real"),
        ("DECIMAL(18,3)", "numeric(18,3)"),
        ("DECIMAL(38,0)", "numeric(38,0)"),
        ("VARCHAR", "text"),
        ("JSON", "jsonb"),
        ("UUID", "uuid"),
        ("DATE", "date"),
        ("TIMESTAMP", "timestamp"),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz"),
        ("VARCHAR[]", "text[]"),
        ("BIGINT[]", "bigint[]"),
        ("DECIMAL(9,2)[]", "numeric(9,2)[]"),
        ("TIMESTAMP WITH TIME ZONE[]", "timestamptz[]"),
    ],
)
def test_mapped_types(duckdb_type: str, expected: str) -> None:
    assert postgres_type(duckdb_type) == expected


@pytest.mark.parametrize(
    "duckdb_type",
    [
        "VARCHAR[][]",  # PostgreSQL arrays are rectangular, DuckDB lists of lists are not
        "INTEGER[3]",
        "STRUCT(a INTEGER)",
        "MAP(VARCHAR, INTEGER)",
        "BLOB",
        "TIME",
        "INTERVAL",
        "TIMESTAMP_NS",  # PostgreSQL keeps microseconds: nanoseconds would be cut silently
        "ENUM('a', 'b')",
        "DECIMAL(18,3",
        "varchar",
    ],
)
def test_unmapped_types_are_refused(duckdb_type: str) -> None:
    assert postgres_type(duckdb_type) is None


def rendered(sql_type: str, literal: str) -> str | None:
    with duckdb.connect() as con:
        expression = text_expression(f"CAST({literal} AS {sql_type})", sql_type)
        return con.execute(f"select {expression}").fetchall()[0][0]


def test_text_lists_become_array_literals_with_every_element_quoted() -> None:
    value = r"""['a', NULL, '', 'NULL', 'q"uote', 'back\slash', 'c,d', '{e}', ' f ', 'Київ ✓']"""
    assert rendered("VARCHAR[]", value) == (r'{"a",NULL,"","NULL","q\"uote","back\\slash","c,d","{e}"," f ","Київ ✓"}')
    assert rendered("VARCHAR[]", "[]") == "{}"
    assert rendered("VARCHAR[]", "[NULL]") == "{NULL}"
    assert rendered("VARCHAR[]", "NULL") is None  # a NULL list stays NULL, not '{}'
    assert rendered("VARCHAR[]", r"""['\"', '\\']""") == r'{"\\\"","\\\\"}'


def test_lists_of_other_types_render_their_elements_like_scalars() -> None:
    assert rendered("BIGINT[]", "[1, NULL, -9223372036854775808]") == '{"1",NULL,"-9223372036854775808"}'
    assert rendered("TIMESTAMP WITH TIME ZONE[]", "['2026-05-24 10:00:00+03']") == ('{"2026-05-24 07:00:00.000000+00"}')


def test_timestamptz_is_rendered_in_utc_whatever_the_session_zone() -> None:
    expression = text_expression("tz", "TIMESTAMP WITH TIME ZONE")
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'America/New_York'")
        rows = con.execute(
            f"select {expression} from (values "
            "('2026-05-24 10:00:00.123456+03'::timestamptz), ('infinity'), ('-infinity'), (NULL)) v(tz)"
        ).fetchall()
    assert [row[0] for row in rows] == ["2026-05-24 07:00:00.123456+00", "infinity", "-infinity", None]


@pytest.mark.parametrize(
    ("sql_type", "literal", "expected"),
    [
        ("VARCHAR", "''", ""),  # empty stays empty; NULL stays NULL (below)
        ("VARCHAR", "NULL", None),
        ("DOUBLE", "0.1", "0.1"),  # shortest round-trip form: PostgreSQL reads the same double
        ("DOUBLE", "'inf'", "inf"),
        ("BOOLEAN", "true", "true"),
        ("DECIMAL(18,3)", "-1.5", "-1.500"),
        ("HUGEINT", "170141183460469231731687303715884105727", "170141183460469231731687303715884105727"),
        ("JSON", """'{"a": [1, "x"]}'""", '{"a": [1, "x"]}'),
        ("TIMESTAMP", "'2026-05-24 10:00:00.5'", "2026-05-24 10:00:00.5"),
    ],
)
def test_scalars_render_as_postgres_text_input(sql_type: str, literal: str, expected: str | None) -> None:
    assert rendered(sql_type, literal) == expected


def test_csv_keeps_null_and_empty_string_apart() -> None:
    # PostgreSQL's CSV COPY reads an unquoted empty field as NULL and "" as the empty string.
    buffer = io.BytesIO()
    batch = pa.record_batch({"a": pa.array(["", None, 'x"y', "line\n\\."]), "b": pa.array([None, "", "1", "2"])})
    pa_csv.write_csv(batch, buffer, CSV_OPTIONS)
    assert buffer.getvalue() == b'"",\n,""\n"x""y","1"\n"line\n\\.","2"\n'


def test_plan_covers_tables_and_views_and_names_every_unmapped_column() -> None:
    with duckdb.connect() as con:
        con.execute('create table "we""ird" (id bigint, flags varchar[], doc json)')
        con.execute('create view recent as select id from "we""ird"')
        tables = plan_tables(con)
        assert [(table.name, [(c.name, c.pg_type) for c in table.columns]) for table in tables] == [
            ("recent", [("id", "bigint")]),
            ('we"ird', [("id", "bigint"), ("flags", "text[]"), ("doc", "jsonb")]),
        ]
        con.execute("create table blobs (id bigint, payload blob, shape struct(x integer))")
        with pytest.raises(PostgresPublishError, match=r"blobs\.payload \(BLOB\), blobs\.shape \(STRUCT"):
            plan_tables(con)


def test_plan_refuses_names_postgres_would_truncate() -> None:
    with duckdb.connect() as con:
        con.execute(f'create table events ("{"é" * 32}" bigint, "{"e" * 63}" bigint)')  # 64 and 63 bytes
        with pytest.raises(PostgresPublishError, match=r"events\.é+ \(name longer than 63 bytes\)$"):
            plan_tables(con)


def test_staging_schema_names_are_sanitised_and_recognised_as_leftovers() -> None:
    loading, retired = staging_schemas("marts", "20261126T020232123456Z-ab12cd34")
    assert loading == "marts__loading_20261126t020232123456z_ab12cd34"
    assert retired == "marts__retired_20261126t020232123456z_ab12cd34"
    hostile = staging_schemas("marts", 'x"; drop schema marts; --')[0]
    assert hostile == "marts__loading_x___drop_schema_marts____"
    assert is_leftover(loading, "marts") and is_leftover(retired, "marts")
    assert not is_leftover("marts", "marts")
    assert not is_leftover("marts_archive", "marts")
    assert not is_leftover(loading, "other")


def test_staging_schema_names_must_fit_postgres_identifiers() -> None:
    with pytest.raises(ValueError, match="63 bytes"):
        staging_schemas("m" * 40, "20261126T020232123456Z-ab12cd34")
    with pytest.raises(ValueError, match="empty"):
        staging_schemas("marts", "")


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://loader:s3cret-pw@db.example:5432/warehouse",
        "host=db.example user=loader password=s3cret-pw dbname=warehouse",
    ],
)
def test_redacted_dsn_keeps_everything_but_the_password(dsn: str) -> None:
    redacted = redact_dsn(dsn)
    assert "s3cret-pw" not in redacted
    assert "password=***" in redacted
    assert all(part in redacted for part in ("host=db.example", "user=loader", "dbname=warehouse"))


def test_unparsable_dsn_error_does_not_quote_it() -> None:
    with pytest.raises(PostgresPublishError) as raised:
        redact_dsn("host=db.example s3cret-pw")
    assert "s3cret-pw" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
