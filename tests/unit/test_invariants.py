"""Run-level invariants over a tiny raw layer."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from orchestration.checks.invariants import loads_balanced, quarantine_share
from orchestration.landing.warehouse_schema import ensure_raw_zone


@pytest.fixture
def con(tmp_path) -> duckdb.DuckDBPyConnection:
    """The raw schema, with a table of the raw zone view's shape in its place: these tests are
    about the invariants' SQL, not about Parquet files (test_loader.py covers those)."""
    con = duckdb.connect()
    ensure_raw_zone(con, tmp_path / "raw")
    con.execute("create table raw.zone_shape as select * from raw.event_records")
    con.execute("drop view raw.event_records")
    con.execute("alter table raw.zone_shape rename to event_records")
    return con


def add_file(con, sha: str, load_id: str, read: int, loaded: int, quarantined: int) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    con.execute(
        "insert into raw.file_loads (content_sha256, load_id, source_file, file_format, size_bytes, "
        "lines_read, rows_loaded, rows_quarantined, loaded_at) values (?, ?, ?, 'export', 1, ?, ?, ?, ?)",
        [sha, load_id, f"{sha}.jsonl", read, loaded, quarantined, now],
    )
    for line in range(loaded):
        con.execute(
            "insert into raw.event_records (load_id, source_file, content_sha256, line_number, "
            "source_format, record, extra_fields, loaded_at) values (?, ?, ?, ?, 'export', '{}', null, ?)",
            [load_id, f"{sha}.jsonl", sha, line, now],
        )
    for line in range(quarantined):
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, ?, 'malformed_json', null, 'x', ?)",
            [load_id, f"{sha}.jsonl", sha, line, now],
        )


def test_loads_balanced_catches_a_file_that_does_not_add_up(con) -> None:
    add_file(con, "a", "run-1", 3, 2, 1)
    assert loads_balanced(con).passed
    add_file(con, "b", "run-1", 5, 2, 1)  # two lines unaccounted for
    outcome = loads_balanced(con)
    assert not outcome.passed and outcome.metadata["unbalanced_files"] == ["b.jsonl"]


@pytest.mark.parametrize(
    ("read", "quarantined", "min_records", "passes"),
    [(200, 100, 100, True), (200, 101, 100, False), (10, 9, 100, True), (10, 9, 5, False)],
)
def test_quarantine_share_is_judged_from_enough_records(con, read, quarantined, min_records, passes) -> None:
    add_file(con, "a", "run-1", read, read - quarantined, quarantined)
    assert quarantine_share(con, 0.5, min_records).passed is passes


def test_quarantine_share_counts_every_load_since_the_last_publish(con) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    add_file(con, "a", "run-0", 1000, 0, 1000)  # broken, but published (accepted) long ago
    con.execute("insert into raw.run_stages values ('run-0', 'publish', 'succeeded', ?, ?, null)", [now, now])
    add_file(con, "b", "run-1", 200, 200, 0)
    assert quarantine_share(con, 0.5, 100).passed

    add_file(con, "c", "run-2", 1000, 0, 1000)  # run-2 failed on it: nothing published since
    failed_then_clean_run = quarantine_share(con, 0.5, 100)
    assert not failed_then_clean_run.passed, "a broken batch must not slip into the next publish"
    assert failed_then_clean_run.metadata["unpublished_runs"] == 2
