"""The raw zone: a landing killed at any point leaves nothing a reader can mistake for a load, and
the next landing finishes or forgets what the killed one started; old warehouses move their
records into it; the view follows the warehouse folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.faults import FAULT_ENV
from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from orchestration.landing.raw_tables import COLUMNS, mirror_loads
from orchestration.landing.raw_zone import INCOMING, PARTS, ForeignRawZone, records_dir
from orchestration.landing.warehouse_schema import ensure_raw_zone
from orchestration.settings import REPO_ROOT
from tests.conftest import make_event, write_jsonl

LOADED_AT = datetime(2026, 6, 1, tzinfo=UTC)

# A landing in a child process, killed (SIGKILL, its whole process group) at a fault point.
LAND = """
import sys
from datetime import datetime, UTC
from pathlib import Path
import duckdb
from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
landing, db, raw = map(Path, sys.argv[1:4])
with duckdb.connect(str(db)) as con:
    load_files(con, discover(landing), raw_dir=raw, load_id="killed", loaded_at=datetime.now(UTC))
"""


def land_in_child(landing: Path, warehouse: Path, fault: str) -> int:
    warehouse.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", LAND, str(landing), str(warehouse / "w.duckdb"), str(warehouse / "raw")],
        env={**os.environ, FAULT_ENV: fault},
        start_new_session=True,  # its own process group: the kill takes only the child
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    return done.returncode


def visible_parts(warehouse: Path) -> list[Path]:
    return sorted(records_dir(warehouse / "raw").glob(PARTS))


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    write_jsonl(landing / "a.jsonl", [make_event(f"a{i}", [("Reuters", "certain")]) for i in range(3)])
    write_jsonl(landing / "b.jsonl", [make_event("b1", [("AP", "likely")]), "{broken"])
    return landing


def land(landing: Path, warehouse: Path) -> list[str]:
    warehouse.mkdir(exist_ok=True)
    with duckdb.connect(str(warehouse / "w.duckdb")) as con:
        results = load_files(
            con, discover(landing), raw_dir=warehouse / "raw", load_id="again", loaded_at=LOADED_AT, settle_ns=0
        )
    return [r.status for r in results]


def counts(warehouse: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(warehouse / "w.duckdb"), read_only=True) as con:
        return con.execute(
            "select (select count(*) from raw.event_records), (select count(*) from raw.quarantine), "
            "(select count(*) from raw.file_loads)"
        ).fetchall()[0]


def test_killed_before_the_commit_nothing_is_visible_and_the_next_landing_loads_it(landing, tmp_path) -> None:
    warehouse = tmp_path / "warehouse"
    assert land_in_child(landing, warehouse, "landing_mid_file_after_records") == -signal.SIGKILL
    assert any((warehouse / "raw" / INCOMING).rglob("*.parquet"))  # what the killed attempt wrote
    assert visible_parts(warehouse) == []  # and no reader sees any of it
    assert land(landing, warehouse) == ["loaded", "loaded"]
    assert counts(warehouse) == (4, 1, 2)
    assert not (warehouse / "raw" / INCOMING).exists()


def test_killed_between_commit_and_rename_the_next_landing_finishes_the_rename(landing, tmp_path) -> None:
    warehouse = tmp_path / "warehouse"
    assert land_in_child(landing, warehouse, "landing_after_commit_before_files_visible") == -signal.SIGKILL
    assert visible_parts(warehouse) == []  # committed, not yet visible
    assert land(landing, warehouse) == ["already_loaded", "loaded"]  # a.jsonl was committed: rolled forward
    assert counts(warehouse) == (4, 1, 2)
    assert len(visible_parts(warehouse)) == 2
    assert copied_rows(warehouse, "file_loads") == warehouse_rows(warehouse, "file_loads")
    assert not (warehouse / "raw" / INCOMING).exists()


def test_an_old_warehouse_moves_its_records_into_the_raw_zone(tmp_path) -> None:
    """Records kept in the table raw.event_records (before the raw zone) move to Parquet, one
    folder per load, rows and types unchanged; the table becomes the view; twice is once."""
    raw = tmp_path / "raw"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema raw")
    con.execute(
        "create table raw.event_records (load_id varchar, source_file varchar, content_sha256 varchar, "
        "line_number bigint, source_format varchar, record json, extra_fields json, loaded_at timestamptz)"
    )  # as the oldest warehouses have it: no load_sequence yet
    con.execute(
        "insert into raw.event_records values "
        "('l1', 'a.jsonl', 'aa', 1, 'export', '{\"event_id\": \"a\"}', null, '2026-05-01 00:00:00+00'), "
        "('l1', 'a.jsonl', 'aa', 2, 'export', '{\"event_id\": \"b\"}', '{\"x\": 1}', '2026-05-01 00:00:00+00'), "
        "('l2', 'b.jsonl', 'bb', 1, 'export', '{\"event_id\": \"c\"}', null, '2026-05-02 00:00:00+00')"
    )
    before = con.execute("select * from raw.event_records order by all").fetchall()
    for _ in range(2):
        ensure_raw_zone(con, raw)
    assert con.execute(
        "select table_type from information_schema.tables where table_schema = 'raw' and table_name = 'event_records'"
    ).fetchall() == [("VIEW",)]
    after = con.execute(
        "select load_id, source_file, content_sha256, line_number, source_format, record, extra_fields, loaded_at "
        "from raw.event_records order by all"
    ).fetchall()
    assert [tuple(map(str, row)) for row in after] == [tuple(map(str, row)) for row in before]
    assert sorted(p.parent.parent.name for p in records_dir(raw).glob(PARTS)) == [
        "load_sequence=0",
        "load_sequence=0",
    ]


def test_the_view_follows_a_moved_warehouse(landing, tmp_path) -> None:
    """The view names the raw zone by its absolute path: a warehouse folder moved elsewhere
    reads its own files after its next landing, not the old folder's."""
    old, new = tmp_path / "old", tmp_path / "new"
    assert land(landing, old) == ["loaded", "loaded"]
    shutil.copytree(old, new)
    shutil.rmtree(old)
    assert land(landing, new) == ["already_loaded", "already_loaded"]
    assert counts(new) == (4, 1, 2)


def test_a_raw_zone_of_another_warehouse_file_is_refused(landing, tmp_path) -> None:
    """Deleting warehouse.duckdb but not raw/ would mix the old records into a new manifest (and
    collide with new loads): landing stops with the fix in its message instead."""
    warehouse = tmp_path / "warehouse"
    land(landing, warehouse)
    (warehouse / "w.duckdb").unlink()
    with pytest.raises(ForeignRawZone, match=r"delete .*raw together with warehouse\.duckdb"):
        land(landing, warehouse)


def test_the_raw_zone_is_plain_parquet_any_reader_takes(landing, tmp_path) -> None:
    """Another engine reads the zone without DuckDB: plain Parquet types (the documents as
    strings, not DuckDB's JSON type), both keys of a load from its folder names."""
    import pyarrow.dataset as ds

    warehouse = tmp_path / "warehouse"
    land(landing, warehouse)
    zone = ds.dataset(records_dir(warehouse / "raw"), format="parquet", partitioning="hive")
    table = zone.to_table()
    assert table.num_rows == 4
    types = {field.name: str(field.type) for field in table.schema}
    assert types["record"] == types["source_file"] == "string"
    assert types["line_number"] == "int64" and types["loaded_at"].startswith("timestamp[us, tz=")
    assert set(table.column("load_sequence").to_pylist()) == {1, 2}
    assert len(set(table.column("content_sha256").to_pylist())) == 2
    assert json.loads(table.column("record")[0].as_py())["source_reports"]


def copied_rows(warehouse: Path, table: str) -> list[tuple[object, ...]]:
    """A copied table of the raw zone as any reader sees it (keys from the folder names)."""
    import pyarrow.dataset as ds

    rows = ds.dataset(warehouse / "raw" / table, format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(tuple(str(row[column]) for column in ("content_sha256", *COLUMNS[table])) for row in rows)


def warehouse_rows(warehouse: Path, table: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse / "w.duckdb"), read_only=True) as con:
        rows = con.execute(f"select content_sha256, {', '.join(COLUMNS[table])} from raw.{table}").fetchall()
    return sorted(tuple(map(str, row)) for row in rows)


def test_every_load_copies_its_manifest_and_quarantine_rows_into_the_raw_zone(landing, tmp_path) -> None:
    """An engine that cannot open the warehouse file reads the same manifest and quarantine rows
    from the raw zone: one folder per load and table, an empty file for a load with no rejects."""
    warehouse = tmp_path / "warehouse"
    land(landing, warehouse)
    for table in COLUMNS:
        assert copied_rows(warehouse, table) == warehouse_rows(warehouse, table)
        assert len(list((warehouse / "raw" / table).glob("load_sequence=*/content_sha256=*/*.parquet"))) == 2
    assert len(copied_rows(warehouse, "quarantine")) == 1  # b.jsonl's broken line; a.jsonl has none


def test_a_missing_copy_is_written_by_the_next_landing_and_others_are_left_alone(landing, tmp_path) -> None:
    """A landing killed after its commit but before its copies leaves them absent (a folder
    appears whole, by one rename): the next landing writes exactly the absent ones."""
    warehouse = tmp_path / "warehouse"
    land(landing, warehouse)
    kept = next((warehouse / "raw" / "file_loads").glob("*/*/*.parquet"))
    kept_mtime = kept.stat().st_mtime_ns
    for folder in (warehouse / "raw" / "quarantine").glob("*/*"):
        shutil.rmtree(folder)
    with duckdb.connect(str(warehouse / "w.duckdb")) as con:
        assert mirror_loads(con, warehouse / "raw") == 2
        assert mirror_loads(con, warehouse / "raw") == 0
    assert copied_rows(warehouse, "quarantine") == warehouse_rows(warehouse, "quarantine")
    assert kept.stat().st_mtime_ns == kept_mtime
    assert land(landing, warehouse) == ["already_loaded", "already_loaded"]
