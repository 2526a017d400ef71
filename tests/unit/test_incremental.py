"""Incremental scope (orchestration/incremental.py): how a run chooses between an incremental
dbt build and a full refresh, and what "changed since the last publish" means to the build, the
checks and the publish."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import duckdb
import pytest

from orchestration.incremental import (
    CHANGED_EVENTS,
    CHECK_BATCH_FILTERS,
    build_args,
    check_scope,
    last_publish,
    last_transform_fingerprint,
    staging_batch,
)
from orchestration.run_audit import finish_stage, record_stage


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as con:
        yield con


def test_incremental_since_the_last_publish() -> None:
    plan = build_args(False, 7, "abc", "abc")
    assert plan.args == ["build", "--exclude", "resource_type:seed"]  # no --vars: they force a full re-parse
    assert plan.env() == {"DBT_CHANGED_SINCE_BATCH": "7"}
    assert "since staging batch 7" in plan.why


def test_full_refresh_when_asked_or_when_the_transform_changed() -> None:
    asked = build_args(True, 7, "abc", "abc")
    assert asked.args == ["build", "--full-refresh"] and asked.env() == {"DBT_CHANGED_SINCE_BATCH": ""}
    changed = build_args(False, 7, "abc", "def")
    assert changed.args == ["build", "--full-refresh"] and "changed" in changed.why


def test_every_event_when_nothing_was_published_yet() -> None:
    plan = build_args(False, None, "abc", "abc")
    assert plan.args == ["build", "--exclude", "resource_type:seed"] and plan.env() == {"DBT_CHANGED_SINCE_BATCH": ""}


def test_full_refresh_without_a_successful_build_to_continue_from() -> None:
    # a new warehouse, one built before fingerprints were kept, or a failed full refresh since
    plan = build_args(False, 7, None, "abc")
    assert plan.args == ["build", "--full-refresh"] and "no successful build" in plan.why


def test_no_publish_and_no_build_on_record_in_a_new_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    assert staging_batch(con) == 0
    assert last_publish(con) is None
    assert last_transform_fingerprint(con) is None


def test_the_last_publish_gives_its_batch_and_says_whether_a_full_refresh_followed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    now = datetime.now(UTC)
    record_stage(con, "r1", "dbt", now, "succeeded", {"transform_fingerprint": "f1", "full_refresh": False})
    record_stage(con, "r1", "publish", now, "publishing", {"version_id": "v1"})
    finish_stage(con, "r1", "publish", "succeeded", {"staging_batch": 3})
    published = last_publish(con)
    assert published is not None
    assert (published.version_id, published.staging_batch, published.full_refresh_since) == ("v1", 3, False)
    assert last_transform_fingerprint(con) == "f1"
    # a full refresh that failed half-way: the next build must be a full one, and the publish
    # after it a whole copy
    record_stage(con, "r2", "dbt", datetime.now(UTC), "failed", {"transform_fingerprint": "f1", "full_refresh": True})
    published = last_publish(con)
    assert published is not None and published.full_refresh_since
    assert last_transform_fingerprint(con) is None


def test_checks_validate_the_batch_only_while_some_but_not_all_events_changed(con: duckdb.DuckDBPyConnection) -> None:
    table = CHANGED_EVENTS.split(".")
    con.execute(f"create schema {table[0]}; create schema marts")
    con.execute(f"create table {CHANGED_EVENTS} (event_id varchar)")
    con.execute("create table marts.fct_events as select 'e' || range as event_id from range(3)")
    assert check_scope(con) == "whole"  # a re-run: nothing changed
    con.execute(f"insert into {CHANGED_EVENTS} values ('e1')")
    assert check_scope(con) == "batch"
    rows = con.execute(f"select event_id from marts.fct_events where {CHECK_BATCH_FILTERS['fct_events']}").fetchall()
    assert rows == [("e1",)]
    con.execute(f"insert into {CHANGED_EVENTS} values ('e0'), ('e2')")
    assert check_scope(con) == "whole"  # every event changed (a full refresh)
