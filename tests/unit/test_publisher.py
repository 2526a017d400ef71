"""Atomic publish: a reader of the old file keeps reading it; new readers see a whole version."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.publish.exports import ExportDays
from orchestration.publish.publisher import publish, read_published_version, rollback


def working_db(path: Path, n_events: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(f"create or replace table marts.fct_events as select range as event_id from range({n_events})")
        con.execute("create or replace table marts.dim_outlets as select 'reuters' as outlet_id")
    return path


def test_publish_replaces_whole_file_while_old_reader_keeps_reading(tmp_path: Path) -> None:
    working = working_db(tmp_path / "warehouse.duckdb", 3)
    published, exports = tmp_path / "published.duckdb", tmp_path / "exports"
    first = publish(working, published, exports)
    assert first.row_counts == {"dim_outlets": 1, "fct_events": 3}

    reader = duckdb.connect(str(published), read_only=True)
    working_db(working, 5)
    second = publish(working, published, exports)

    # the open reader still sees the version it opened, completely
    assert reader.execute("select count(*) from fct_events").fetchall() == [(3,)]
    assert reader.execute("select version_id from audit_publish").fetchall() == [(first.version_id,)]
    reader.close()
    # a new reader sees the new version, completely
    assert read_published_version(published) == second.version_id != first.version_id
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from fct_events").fetchall() == [(5,)]
        assert con.execute(
            "select count(*) from read_parquet(?)", [str(exports / "fct_events.parquet")]
        ).fetchall() == [(5,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "exports",
        "exports_versions",
        "published.duckdb",
        "versions",
        "warehouse.duckdb",
    ]


def test_parquet_exports_switch_as_one_set(tmp_path: Path) -> None:
    """`exports` links to one version's complete set: a reader that resolved it keeps reading
    that whole set while the next publish swaps the link to the next set in one rename."""
    working = working_db(tmp_path / "warehouse.duckdb", 3)
    exports = tmp_path / "exports"
    first = publish(working, tmp_path / "published.duckdb", exports)
    held = exports.resolve()
    working_db(working, 4)
    second = publish(working, tmp_path / "published.duckdb", exports)

    def version_and_rows(folder: Path) -> tuple:
        with duckdb.connect() as con:
            return con.execute(
                "select (select version_id from read_parquet(?)), (select count(*) from read_parquet(?))",
                [str(folder / "audit_publish.parquet"), str(folder / "fct_events.parquet")],
            ).fetchall()[0]

    assert exports.is_symlink() and exports.resolve() != held
    assert version_and_rows(held) == (first.version_id, 3)
    assert version_and_rows(exports) == (second.version_id, 4)
    assert not list(tmp_path.rglob(".*")), "no temporary file or link left"


def test_published_file_cannot_be_written_by_readers(tmp_path: Path) -> None:
    working = working_db(tmp_path / "warehouse.duckdb", 1)
    publish(working, tmp_path / "published.duckdb", tmp_path / "exports")
    with duckdb.connect(str(tmp_path / "published.duckdb"), read_only=True) as con, pytest.raises(duckdb.Error):
        con.execute("delete from fct_events")


def test_failed_publish_leaves_previous_version_and_no_temp_files(tmp_path: Path) -> None:
    working = working_db(tmp_path / "warehouse.duckdb", 2)
    published = tmp_path / "published.duckdb"
    first = publish(working, published, tmp_path / "exports")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish(empty, published, tmp_path / "exports")
    assert read_published_version(published) == first.version_id
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def count_events(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from fct_events").fetchall()[0][0]


def test_rollback_restores_previous_versions_in_turn_and_keeps_n(tmp_path: Path) -> None:
    working, published, exports = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb", tmp_path / "exports"
    ids = []
    for n in (1, 2, 3, 4):
        working_db(working, n)
        ids.append(publish(working, published, exports, keep_versions=3).version_id)
    assert sorted(p.stem for p in (tmp_path / "versions").iterdir()) == ids[1:]  # oldest pruned

    assert rollback(published, exports) == ids[2]
    assert (read_published_version(published), count_events(published)) == (ids[2], 3)
    with duckdb.connect() as con:  # the Parquet exports follow the published file
        assert con.execute(
            "select count(*) from read_parquet(?)", [str(exports / "fct_events.parquet")]
        ).fetchall() == [(3,)]
    assert rollback(published, exports) == ids[1]
    assert count_events(published) == 2
    with pytest.raises(RuntimeError, match="no kept version"):
        rollback(published, exports)
    assert count_events(published) == 2


def test_publish_removes_what_a_killed_publish_left(tmp_path: Path) -> None:
    working = working_db(tmp_path / "warehouse.duckdb", 1)
    (tmp_path / ".published.duckdb.20260101T000000000000Z-dead.tmp").write_bytes(b"half a file")
    (tmp_path / ".exports.20260101T000000000000Z-dead.tmp").mkdir()
    (tmp_path / ".exports.20260101T000000000000Z-dead.tmp" / "fct_events.parquet").write_bytes(b"x")
    publish(working, tmp_path / "published.duckdb", tmp_path / "exports")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def events_db(path: Path, days: dict[int, str]) -> Path:
    """A working database with event-grained marts: event id → first extraction day."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists intermediate")
        rows = ", ".join(f"('e{e}', timestamp '{d} 10:00:00')" for e, d in days.items())
        con.execute(
            f"create or replace table marts.fct_events as select * from (values {rows}) as t(event_id, "
            f"first_extracted_at)"
        )
        con.execute(
            "create or replace table marts.fct_claims as select event_id, 'claim' as claim_text from marts.fct_events"
        )
        con.execute("create or replace table marts.dim_outlets as select 'reuters' as outlet_id")
    return path


def changed(path: Path, events: list[int]) -> None:
    with duckdb.connect(str(path)) as con:
        values = ", ".join(f"('e{e}')" for e in events) or "(null)"
        con.execute(
            f"create or replace table intermediate.changed as select * from (values {values}) as t(event_id) where "
            f"event_id is not null"
        )


def test_patched_publish_rewrites_only_the_changed_days_parquet(tmp_path: Path) -> None:
    working, published, exports = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb", tmp_path / "exports"
    days = ExportDays()
    events_db(working, {1: "2026-05-24", 2: "2026-05-25", 3: "2026-05-25"})
    first = publish(working, published, exports, export_days=days)
    assert first.mode == "copied"
    assert sorted(p.name for p in (exports / "fct_claims").iterdir()) == ["2026-05-24.parquet", "2026-05-25.parquet"]
    before = {p.name: p.stat().st_ino for p in (exports / "fct_claims").iterdir()}

    # a new day, and event 3 re-extracted: its first day stays, so 05-24 is untouched
    events_db(working, {1: "2026-05-24", 2: "2026-05-25", 3: "2026-05-25", 4: "2026-05-26"})
    changed(working, [3, 4])
    second = publish(working, published, exports, changed_events="intermediate.changed", export_days=days)
    assert second.mode == "patched"
    after = {p.name: p.stat().st_ino for p in (exports / "fct_claims").iterdir()}
    assert sorted(after) == ["2026-05-24.parquet", "2026-05-25.parquet", "2026-05-26.parquet"]
    assert after["2026-05-24.parquet"] == before["2026-05-24.parquet"]  # linked, not rewritten
    assert after["2026-05-25.parquet"] != before["2026-05-25.parquet"]
    with duckdb.connect() as con:
        for table in ("fct_events", "fct_claims"):
            read = con.execute(
                f"select event_id from read_parquet('{exports}/{table}/*.parquet') order by 1"
            ).fetchall()
            assert read == [("e1",), ("e2",), ("e3",), ("e4",)]
        # the day files keep the table's columns (no partition column added)
        assert [
            r[0]
            for r in con.execute(f"describe select * from read_parquet('{exports}/fct_claims/*.parquet')").fetchall()
        ] == ["event_id", "claim_text"]

    # an event that disappears empties its day: the file goes
    events_db(working, {1: "2026-05-24", 2: "2026-05-25", 3: "2026-05-25"})
    changed(working, [4])
    publish(working, published, exports, changed_events="intermediate.changed", export_days=days)
    assert sorted(p.name for p in (exports / "fct_claims").iterdir()) == ["2026-05-24.parquet", "2026-05-25.parquet"]


def test_an_empty_event_table_exports_one_empty_file_that_a_patch_never_reuses(tmp_path: Path) -> None:
    working, published, exports = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb", tmp_path / "exports"
    days = ExportDays()
    events_db(working, {1: "2026-05-24"})
    with duckdb.connect(str(working)) as con:
        con.execute("create or replace table marts.fct_claims as select * from marts.fct_claims where false")
    publish(working, published, exports, export_days=days)
    assert [p.name for p in (exports / "fct_claims").iterdir()] == ["empty.parquet"]
    with duckdb.connect() as con:  # readable, with the table's columns
        described = con.execute(f"describe select * from read_parquet('{exports}/fct_claims/*.parquet')").fetchall()
        assert [r[0] for r in described] == ["event_id", "claim_text"]

    changed(working, [])  # a patch with nothing changed writes no day and links the rest
    publish(working, published, exports, changed_events="intermediate.changed", export_days=days)
    assert [p.name for p in (exports / "fct_claims").iterdir()] == ["empty.parquet"]
    assert [p.name for p in (exports / "fct_events").iterdir()] == ["2026-05-24.parquet"]

    events_db(working, {1: "2026-05-24"})  # the claims arrive: the empty file is not carried on
    changed(working, [1])
    publish(working, published, exports, changed_events="intermediate.changed", export_days=days)
    assert [p.name for p in (exports / "fct_claims").iterdir()] == ["2026-05-24.parquet"]


def test_a_fragmented_published_file_is_rewritten_whole(tmp_path: Path) -> None:
    """A patch appends its rows as a new row group (no compaction on the patch path): once a
    table holds more surplus row groups than it needs (at least 8), the next publish copies
    every row into a new, compact file instead of patching."""
    working, published, exports = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb", tmp_path / "exports"
    days = ExportDays()
    events_db(working, {1: "2026-05-24"})
    assert publish(working, published, exports, export_days=days).mode == "copied"

    def row_groups() -> int:
        with duckdb.connect(str(published), read_only=True) as con:
            sql = "select count(distinct row_group_id) from pragma_storage_info('fct_events')"
            return con.execute(sql).fetchall()[0][0]

    modes, groups = [], []
    for newest in range(2, 13):
        events_db(working, {event: "2026-05-24" for event in range(1, newest + 1)})
        changed(working, [newest])
        modes.append(publish(working, published, exports, changed_events="intermediate.changed", export_days=days).mode)
        groups.append(row_groups())
    assert modes == ["patched"] * 9 + ["copied", "patched"]
    assert groups == [*range(2, 11), 1, 2]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select event_id from fct_events order by 1").fetchall() == sorted(
            (f"e{n}",) for n in range(1, 13)
        )
