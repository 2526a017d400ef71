"""Atomic publish: a reader of the old file keeps reading it; new readers see a whole version."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.publishing.publisher import publish, read_published_version


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
        assert con.execute("select count(*) from read_parquet(?)", [str(exports / "fct_events.parquet")]).fetchall() == [(5,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports", "published.duckdb", "warehouse.duckdb"]


def test_published_file_cannot_be_written_by_readers(tmp_path: Path) -> None:
    working = working_db(tmp_path / "warehouse.duckdb", 1)
    publish(working, tmp_path / "published.duckdb", tmp_path / "exports")
    with duckdb.connect(str(tmp_path / "published.duckdb"), read_only=True) as con:
        with pytest.raises(duckdb.Error):
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
