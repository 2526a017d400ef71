"""The optional PostgreSQL publish target against a real server.

Needs TEST_POSTGRES_DSN (a superuser's): `eval "$(.ci/postgres.sh)"` starts a local server and
prints it. Without it these tests are skipped, or fail when REQUIRE_SERVICES=1 (CI). Each test
gets a fresh database and its own role names, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import struct
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import make_conninfo

from orchestration.definitions import build_definitions
from orchestration.publish.assets import PUBLISHED_POSTGRES
from orchestration.publish.postgres import (
    PostgresPublishError,
    PostgresPublishResult,
    TableDoc,
    advisory_lock_key,
    publish_to_postgres,
)
from orchestration.settings import PostgresTarget
from orchestration.sql_text import quote_identifier
from tests.conftest import make_event, write_jsonl
from tests.integration.conftest import SampleWarehouse, run_pipeline, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def server_dsn() -> str:
    dsn = os.environ.get("TEST_POSTGRES_DSN")
    if not dsn:
        reason = 'TEST_POSTGRES_DSN is not set: start a local server with `eval "$(.ci/postgres.sh)"`'
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    return dsn


@dataclass
class Database:
    """A fresh database on the test server, and the names of the roles a test creates."""

    dsn: str
    reader_role: str
    roles: list[str] = field(default_factory=list)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.dsn, autocommit=True)

    def publish(self, published_db: Path, version_id: str, **kwargs: Any) -> PostgresPublishResult:
        return publish_to_postgres(
            published_db, self.dsn, version_id=version_id, reader_role=self.reader_role, **kwargs
        )

    def login_role(self, member_of: str | None) -> str:
        """A new LOGIN role (password 'pw'), a member of `member_of` if given; its DSN."""
        name = f"bi_login_{uuid.uuid4().hex[:8]}"
        self.roles.append(name)
        with self.connect() as conn:
            conn.execute(sql.SQL("create role {} login password 'pw'").format(sql.Identifier(name)))
            if member_of:
                conn.execute(sql.SQL("grant {} to {}").format(*map(sql.Identifier, (member_of, name))))
        return make_conninfo(self.dsn, user=name, password="pw")

    def schemas(self) -> list[str]:
        with self.connect() as conn:
            return [
                row[0]
                for row in conn.execute("select nspname from pg_namespace where nspname like 'marts%' order by nspname")
            ]


@pytest.fixture
def database(server_dsn: str) -> Iterator[Database]:
    name = f"test_publish_{uuid.uuid4().hex[:12]}"
    reader_role = f"bi_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_dsn, autocommit=True) as admin:
        admin.execute(
            sql.SQL("create database {} template template0 encoding 'UTF8' locale 'C'").format(sql.Identifier(name))
        )
    db = Database(make_conninfo(server_dsn, dbname=name), reader_role, [reader_role])
    try:
        yield db
    finally:
        with psycopg.connect(server_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
            for role in db.roles:  # their privileges went with the database
                admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


def version_file(path: Path, version: str, n_a: int, n_b: int) -> Path:
    """A published-like file: tables t_a and t_b with n_a and n_b rows, and audit_publish."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table t_a as select range as id, 'a' || range as label from range(?)", [n_a])
        con.execute("create table t_b as select range as id from range(?)", [n_b])
        con.execute("create table audit_publish as select ? as version_id", [version])
    return path


def normalised(value: Any, data_type: str) -> Any:
    """A hashable form of a value, comparable between DuckDB and psycopg."""
    if value is None:
        return None
    if data_type == "JSON":  # text from both sides (see below)
        return json.dumps(json.loads(value), sort_keys=True)
    if data_type == "FLOAT":  # psycopg reads real's shortest text as a double: compare as float32
        return struct.unpack("f", struct.pack("f", value))[0]
    if isinstance(value, list):
        return tuple(value)
    return value


def assert_tables_equal(duckdb_file: Path, dsn: str) -> dict[str, int]:
    """Every table of `duckdb_file` has the same rows (as a multiset) in PostgreSQL's `marts`;
    the row counts."""
    with duckdb.connect(str(duckdb_file), read_only=True) as duck, psycopg.connect(dsn) as pg:
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in duck.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall():
            columns.setdefault(table, []).append((column, data_type))
        published = pg.execute("select tablename from pg_tables where schemaname = 'marts'").fetchall()
        assert {row[0] for row in published} == set(columns)
        counts = {}
        for table, table_columns in columns.items():
            names = [name for name, _ in table_columns]
            types = [data_type for _, data_type in table_columns]
            duck_rows = duck.execute(
                f"select {', '.join(map(quote_identifier, names))} from main.{quote_identifier(table)}"
            ).fetchall()
            # jsonb as text: psycopg would load a JSON null as None, like an SQL NULL.
            selected = [
                sql.SQL("{}::text" if data_type == "JSON" else "{}").format(sql.Identifier(name))
                for name, data_type in table_columns
            ]
            pg_rows = pg.execute(
                sql.SQL("select {} from marts.{}").format(sql.SQL(", ").join(selected), sql.Identifier(table))
            ).fetchall()
            assert multiset(pg_rows, types) == multiset(duck_rows, types), table
            counts[table] = len(pg_rows)
    return counts


def multiset(rows: list[tuple], types: list[str]) -> Counter:
    return Counter(tuple(map(normalised, row, types)) for row in rows)


@pytest.mark.usefixtures("server_dsn")  # first: no server, no pipeline run just to skip
def test_sample_warehouse_round_trips(sample_warehouse: SampleWarehouse, database: Database) -> None:
    published_db = sample_warehouse.settings.published_db
    with duckdb.connect(str(published_db), read_only=True) as con:
        (version,) = con.execute("select version_id from audit_publish").fetchone()
        # The sample must exercise what is compared: empty and non-empty lists.
        assert con.execute(
            "select count(*) filter (where len(quality_flags) = 0), "
            "count(*) filter (where len(quality_flags) > 0) from fct_event_versions"
        ).fetchone() > (0, 0)

    result = database.publish(published_db, version)

    counts = assert_tables_equal(published_db, database.dsn)
    assert result.row_counts == counts
    assert sum(counts.values()) > 10_000
    assert {"audit_publish", "fct_events", "fct_event_versions"} <= set(counts)
    with database.connect() as conn:
        assert conn.execute("select version_id from marts.audit_publish").fetchall() == [(version,)]
        types = dict(
            conn.execute(
                "select table_name || '.' || column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name in ('fct_events', 'audit_publish')"
            ).fetchall()
        )
    assert types["fct_events.quality_flags"] == "ARRAY"
    assert types["fct_events.confidence_score"] == "double precision"
    assert types["audit_publish.row_counts"] == "jsonb"
    assert types["audit_publish.published_at"] == "timestamp with time zone"
    assert database.schemas() == ["marts"]


TRICKY_TEXT = 'quote " back\\ slash, comma {brace} \\N NULL tab\t CR\r newline\n\\.\nafter'
TRICKY_LIST = ["", None, "NULL", 'a"b', "c\\d", "e,f", "{g}", " spaced ", "Київ ✓ 🚀", "\\N", "\\."]


def tricky_file(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table tricky (id integer, s varchar, l varchar[], j json, tz timestamptz, ts timestamp, "
            "d date, n decimal(18,3), h hugeint, f double, r float, b boolean, u uuid, ub ubigint, "
            "ints bigint[], tzs timestamptz[])"
        )
        con.execute("insert into tricky (id) values (1)")  # every other column NULL
        con.execute(
            "insert into tricky values (2, '', [], 'null', '1899-12-31 23:00:00-01', '1970-01-01', "
            "'0001-01-01', 0, -1, 'inf', -0.5, false, '00000000-0000-0000-0000-000000000000', 0, [], [])"
        )
        con.execute(
            "insert into tricky values (3, ?, ?, ?, '2026-05-24 10:00:00.123456+03', "
            "'1999-12-31 23:59:59.999999', '2026-05-24', -123456789012345.678, "
            "170141183460469231731687303715884105727, 0.1, 0.1, true, "
            "'6f1c0f5e-9b1a-4d7e-8a51-2f0c3e7a9b10', 18446744073709551615, "
            "[1, NULL, -9223372036854775808], ['2000-01-01 00:00:00+05:30', NULL])",
            [TRICKY_TEXT, TRICKY_LIST, '{"k": ["x\\"y", 1.5, null], "ü": true}'],
        )
        con.execute("create view tricky_view as select id, s, l from tricky where id < 3")
    return path


def test_tricky_values_round_trip_exactly(tmp_path: Path, database: Database) -> None:
    source = tricky_file(tmp_path / "tricky.duckdb")
    docs = {"tricky": TableDoc("Hard values; it's 'quoted'", {"s": "text, or NULL", "not_a_column": "ignored"})}

    result = database.publish(source, "v1", docs=docs)

    assert result.row_counts == {"tricky": 3, "tricky_view": 2}  # the view arrives as a table
    assert assert_tables_equal(source, database.dsn) == {"tricky": 3, "tricky_view": 2}
    with database.connect() as conn:
        rows = conn.execute("select id, s, l, j is null, jsonb_typeof(j), tz from marts.tricky order by id").fetchall()
        assert [row[1] for row in rows] == [None, "", TRICKY_TEXT]
        assert [row[2] for row in rows] == [None, [], TRICKY_LIST]
        assert [(row[3], row[4]) for row in rows] == [(True, None), (False, "null"), (False, "object")]
        assert rows[2][5] == datetime(2026, 5, 24, 7, 0, 0, 123456, tzinfo=UTC)
        assert conn.execute("select h, ub, f from marts.tricky where id = 3").fetchone() == (
            Decimal("170141183460469231731687303715884105727"),
            Decimal("18446744073709551615"),
            0.1,
        )
        types = dict(
            conn.execute(
                "select attname, format_type(atttypid, atttypmod) from pg_attribute "
                "where attrelid = 'marts.tricky'::regclass and attnum > 0"
            ).fetchall()
        )
        assert types == {
            "id": "integer",
            "s": "text",
            "l": "text[]",
            "j": "jsonb",
            "tz": "timestamp with time zone",
            "ts": "timestamp without time zone",
            "d": "date",
            "n": "numeric(18,3)",
            "h": "numeric(39,0)",
            "f": "double precision",
            "r": "real",
            "b": "boolean",
            "u": "uuid",
            "ub": "numeric(20,0)",
            "ints": "bigint[]",
            "tzs": "timestamp with time zone[]",
        }
        assert conn.execute(
            "select obj_description('marts.tricky'::regclass), col_description('marts.tricky'::regclass, 2), "
            "col_description('marts.tricky'::regclass, 3)"
        ).fetchone() == ("Hard values; it's 'quoted'", "text, or NULL", None)


def test_swap_is_atomic_for_readers(tmp_path: Path, database: Database) -> None:
    # (version, rows of t_a, rows of t_b): any mix of two versions is none of these.
    versions = [("A", 10, 20), ("B", 30, 40), ("C", 50, 60), ("D", 70, 80)]
    first, *later = versions
    database.publish(version_file(tmp_path / "A.duckdb", *first), "A")
    seen: dict[str, Counter] = {"statement": Counter(), "transaction": Counter()}
    failures: list[BaseException] = []
    stop = threading.Event()

    def statement_reader(conn: psycopg.Connection) -> tuple:
        return conn.execute(
            "select (select version_id from marts.audit_publish), (select count(*) from marts.t_a), "
            "(select count(*) from marts.t_b)"
        ).fetchone()

    def transaction_reader(conn: psycopg.Connection) -> tuple:
        # Separate statements in the other table order, with a pause: the transaction must
        # still see one version (it holds its locks, which the swap waits for).
        with conn.transaction():
            n_b = conn.execute("select count(*) from marts.t_b").fetchone()[0]
            conn.execute("select pg_sleep(0.01)")
            n_a = conn.execute("select count(*) from marts.t_a").fetchone()[0]
            version = conn.execute("select version_id from marts.audit_publish").fetchone()[0]
        time.sleep(0.005)  # a dashboard's next query comes a little later
        return version, n_a, n_b

    def loop(kind: str, read: Callable[[psycopg.Connection], tuple]) -> None:
        try:
            with database.connect() as conn:
                while not stop.is_set():
                    seen[kind][read(conn)] += 1
        except BaseException as error:  # reported by the test below, not lost in the thread
            failures.append(error)

    readers = [
        threading.Thread(target=loop, args=("statement", statement_reader)),
        threading.Thread(target=loop, args=("transaction", transaction_reader)),
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 20
        while not all(seen[kind][first] for kind in seen) and time.monotonic() < deadline:
            time.sleep(0.01)
        for version in later:  # several swaps, each likely to meet a reader mid-transaction
            database.publish(version_file(tmp_path / f"{version[0]}.duckdb", *version), version[0])
        while not all(seen[kind][versions[-1]] for kind in seen) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        for reader in readers:
            reader.join()

    assert not failures, failures  # no reader got an error (a deadlock, a missing table)
    for kind, answers in seen.items():
        assert {first, versions[-1]} <= set(answers) <= set(versions), (kind, answers)  # never a mix
    assert database.schemas() == ["marts"]  # the old one was dropped, nothing left behind


def test_bi_role_reads_only_and_keeps_access_across_publishes(tmp_path: Path, database: Database) -> None:
    database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    bi_dsn = database.login_role(member_of=database.reader_role)
    outsider_dsn = database.login_role(member_of=None)

    with psycopg.connect(bi_dsn, autocommit=True) as bi:
        assert bi.execute("select count(*) from marts.t_a").fetchone() == (10,)
        for statement in [
            "insert into marts.t_a values (99, 'x')",
            "update marts.t_a set label = 'x'",
            "delete from marts.t_a",
            "truncate marts.t_b",
            "create table marts.mine (id int)",
            "drop table marts.t_b",
        ]:
            with pytest.raises(errors.InsufficientPrivilege):
                bi.execute(statement)

        database.publish(version_file(tmp_path / "b.duckdb", "B", 30, 40), "B")

        # The same session, no re-grant: the new tables are readable.
        assert bi.execute(
            "select version_id, (select count(*) from marts.t_a) from marts.audit_publish"
        ).fetchone() == ("B", 30)
    with psycopg.connect(outsider_dsn, autocommit=True) as outsider, pytest.raises(errors.InsufficientPrivilege):
        outsider.execute("select count(*) from marts.t_a")
    with database.connect() as conn:
        assert conn.execute(
            "select rolcanlogin from pg_roles where rolname = %s", [database.reader_role]
        ).fetchone() == (False,)


def test_next_publish_drops_a_killed_publishs_leftovers(tmp_path: Path, database: Database) -> None:
    database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    with database.connect() as conn:  # what a publish killed between its transactions leaves
        conn.execute("create schema marts__loading_20261125t000000000000z_deadbeef")
        conn.execute("create table marts__loading_20261125t000000000000z_deadbeef.t_a (id bigint)")
        conn.execute("create schema marts__retired_20261124t000000000000z_deadbeef")
        conn.execute("create schema marts_archive")  # not ours: kept
    database.publish(version_file(tmp_path / "b.duckdb", "B", 30, 40), "B")

    assert database.schemas() == ["marts", "marts_archive"]
    with database.connect() as conn:
        assert conn.execute("select version_id from marts.audit_publish").fetchone() == ("B",)


def assert_still_published(database: Database, version: str, n_a: int) -> None:
    with database.connect() as conn:
        assert conn.execute(
            "select version_id, (select count(*) from marts.t_a) from marts.audit_publish"
        ).fetchone() == (version, n_a)
    assert database.schemas() == ["marts"]


def test_lock_timeout_fails_clearly_and_keeps_the_old_schema(tmp_path: Path, database: Database) -> None:
    database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    new_file = version_file(tmp_path / "b.duckdb", "B", 30, 40)
    with database.connect() as holder:
        with holder.transaction():  # a BI session idle in its transaction, holding its lock
            holder.execute("select count(*) from marts.t_b")
            started = time.monotonic()
            expected = r"lock_timeout=0\.5 s; the old 'marts' stays published"
            with pytest.raises(PostgresPublishError, match=expected):
                database.publish(new_file, "B", lock_timeout=0.5)
            assert time.monotonic() - started < 10
            assert_still_published(database, "A", 10)
        database.publish(new_file, "B", lock_timeout=0.5)  # the lock is gone: it goes through
    assert_still_published(database, "B", 30)


def test_swap_waits_for_a_reader_without_deadlocking_with_it(tmp_path: Path, database: Database) -> None:
    database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    new_file = version_file(tmp_path / "b.duckdb", "B", 30, 40)
    outcome: list[PostgresPublishResult] = []
    with database.connect() as holder:
        with holder.transaction():
            # Holds t_b; the swap locks in name order (audit_publish, t_a, t_b), so a swap that
            # waited for t_b while holding t_a would deadlock with this reader's next read.
            holder.execute("select count(*) from marts.t_b")
            publisher = threading.Thread(target=lambda: outcome.append(database.publish(new_file, "B")))
            publisher.start()
            with database.connect() as watcher:
                deadline = time.monotonic() + 10
                waiting = "select exists (select from pg_locks where not granted and relation = %s::regclass)"
                while not watcher.execute(waiting, ["marts.t_b"]).fetchone()[0]:
                    assert time.monotonic() < deadline, "the swap never waited for t_b"
                    time.sleep(0.01)
            started = time.monotonic()
            assert holder.execute("select count(*) from marts.t_a").fetchone() == (10,)  # still version A
            assert time.monotonic() - started < 0.5  # not blocked: the waiting swap holds nothing
            assert publisher.is_alive()  # and it waits for this transaction to end
        publisher.join()
    assert [result.version_id for result in outcome] == ["B"]
    assert_still_published(database, "B", 30)


def test_failed_load_leaves_the_old_schema_and_no_loading_one(tmp_path: Path, database: Database) -> None:
    database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    bad = version_file(tmp_path / "bad.duckdb", "B", 30, 40)
    with duckdb.connect(str(bad)) as con:  # PostgreSQL text cannot hold a NUL character
        con.execute("create table z_notes as select 'before' || chr(0) || 'after' as note")
    with pytest.raises(psycopg.DataError, match="0x00"):
        database.publish(bad, "B")
    assert_still_published(database, "A", 10)


def test_concurrent_publish_is_refused(tmp_path: Path, database: Database) -> None:
    with database.connect() as other:
        other.execute("select pg_advisory_lock(%s)", [advisory_lock_key("marts")])
        with pytest.raises(PostgresPublishError, match="another publish to schema 'marts' is running"):
            database.publish(version_file(tmp_path / "a.duckdb", "A", 10, 20), "A")
    assert database.schemas() == []


def test_the_pipeline_publishes_to_postgres_after_the_duckdb_publish(tmp_path: Path, database: Database) -> None:
    """Through Dagster: with a target set, `published/postgres` runs after the DuckDB publish and
    PostgreSQL then holds the same version, with the dbt descriptions as column comments."""
    settings = settings_for(tmp_path)
    events = [make_event(f"77{n:05d}-1", [("Reuters", "certain"), ("TASS", "likely")]) for n in range(20)]
    write_jsonl(settings.landing_dir / "events-2026-05-30.jsonl", events)
    target = PostgresTarget(database.dsn, schema="marts", reader_role=database.reader_role)

    run = run_pipeline(settings, postgres=target)

    assert run.result.success and run.published, run.failed_checks()
    materialized = {e.asset_key for e in run.result.get_asset_materialization_events()}
    assert PUBLISHED_POSTGRES in materialized
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        (version,) = con.execute("select version_id from audit_publish").fetchone()
    assert_tables_equal(settings.published_db, database.dsn)
    with database.connect() as conn:
        assert conn.execute("select version_id from marts.audit_publish").fetchall() == [(version,)]
        (comment,) = conn.execute(
            "select col_description('marts.fct_events'::regclass, ordinal_position::int) "
            "from information_schema.columns where table_schema = 'marts' and table_name = 'fct_events' "
            "and column_name = 'n_independent_sources'"
        ).fetchone()
    assert "ownership group" in comment


def test_without_a_target_the_pipeline_has_no_postgres_asset(tmp_path: Path) -> None:
    assert PUBLISHED_POSTGRES not in build_definitions(settings_for(tmp_path)).resolve_all_asset_keys()
