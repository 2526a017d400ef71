"""Incremental runs: running the daily partitions one by one (a backfill) gives the same marts
as one run over everything, and as a full refresh; each run lands only its day's files and
stages only them; re-running a day lands nothing twice."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.incremental import CHANGED_SINCE_BATCH_ENV
from orchestration.settings import Settings
from orchestration.sql_text import quote_identifier
from orchestration.transform.assets import DBT_PROJECT
from tests.chaos.harness import VOLATILE_COLUMNS, marts_digest
from tests.conftest import SAMPLES, make_event, write_jsonl
from tests.integration.conftest import dbt, query, run_pipeline, settings_for
from tools.sample_data.generator import write

pytestmark = pytest.mark.integration


DAYS = ["2026-05-24", "2026-05-25", "2026-05-26", "2026-05-27"]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four days of files: two generated days (with re-extractions of day 1 in day 2), the third
    with the real rendered page, the fourth with the page's export twin (the page's event id
    changes from the one derived at landing to the export's). Dated by their paths."""
    source = tmp_path_factory.mktemp("days")
    write(source, events=240, days=3, start=date(2026, 5, 24), seed=8, defect_rate=0.05)
    for name, day in (("event-page-7367235.txt", DAYS[2]), ("event-7367235.jsonl", DAYS[3])):
        (source / day).mkdir()
        shutil.copy(SAMPLES / name, source / day / name)
    return source


def _metric(settings: Settings, run_id: str, stage: str, key: str) -> str:
    """A figure of the run's audit trail (raw.run_stages.metrics)."""
    [(value,)] = query(
        settings.working_db,
        "select metrics->>? from raw.run_stages where run_id = ? and stage = ?",
        [key, run_id, stage],
    )
    return value


def _parquet_rows(exports: Path, skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every exported table's rows, sorted (the event-grained ones read from their day files),
    but the tables named in `skip`."""
    tables = {
        p.stem: str(p) for p in exports.glob("*.parquet") if not p.stem.startswith("audit_") and p.stem not in skip
    }
    tables |= {p.name: str(p / "*.parquet") for p in exports.iterdir() if p.is_dir()}
    rows = {}
    with duckdb.connect() as con:
        for name, path in tables.items():
            columns = [r[0] for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()]
            kept = ", ".join(quote_identifier(c) for c in columns if c not in VOLATILE_COLUMNS)
            rows[name] = con.execute(f"select {kept} from read_parquet('{path}') order by all").fetchall()
    return rows


def _parsed(run_id: str) -> str:
    """What the run's dbt parsed: "whole project", "changed files" or "nothing" (its log, in the
    run's target folder, which the run that just ended always keeps)."""
    [log] = DBT_PROJECT.manifest_path.parent.glob(f"warehouse_dbt_models-{run_id[:7]}-*/dbt.log")
    text = log.read_text(encoding="utf-8")
    if "Unable to do partial parsing" in text:
        return "whole project"
    return "nothing" if "no changes found, skipping parsing" in text else "changed files"


def _deliver(settings: Settings, landing: Path) -> None:
    shutil.copytree(landing, settings.landing_dir, dirs_exist_ok=True)


def test_day_by_day_equals_all_at_once_and_a_full_refresh(landing, tmp_path) -> None:
    daily = settings_for(tmp_path / "daily")
    _deliver(daily, landing)
    for number, day in enumerate(DAYS, start=1):
        run = run_pipeline(daily, partition=day)
        assert run.result.success and run.published, run.failed_checks()
        # the day's run landed that day's files (day 3: the export and the page); the later
        # days' files wait for their day
        loaded, waiting = [(1, 4), (1, 3), (2, 1), (1, 0)][number - 1]
        # dbt parsed the whole project for the new warehouse only: later runs start from its
        # parse state ($WAREHOUSE_DIR/dbt_state) and parse nothing, though the changed-since
        # batch they pass dbt in the environment differs every run
        assert _parsed(run.result.run_id) == ("whole project" if number == 1 else "nothing")
        assert _metric(daily, run.result.run_id, "landing", "files_loaded") == str(loaded)
        assert _metric(daily, run.result.run_id, "landing", "files_not_due") == str(waiting)
        # this run staged only the files it landed: one new staging batch, those lines only
        [(batch, staged, landed)] = query(
            daily.working_db,
            "select max(staging_batch), count(*) filter (where staging_batch = (select max(staging_batch) from "
            "staging.stg_raw__event_records)),"
            " (select sum(rows_loaded) from raw.file_loads where load_id = ?) from staging.stg_raw__event_records",
            [run.result.run_id],
        )
        assert (batch, staged) == (number, landed)
        # ...and the audit trail says so: rows processed per stage follow the new data
        assert int(_metric(daily, run.result.run_id, "dbt", "records_staged")) == landed
        # GX validated the batch: the rows of the events this run rebuilt, not history (the
        # first build rebuilt every event: it validates everything)
        assert _metric(daily, run.result.run_id, "checks", "scope") == ("whole" if number == 1 else "batch")
        # publish patched the previous file with those events (the first run copies)
        mode = _metric(daily, run.result.run_id, "publish", "publish_mode")
        assert mode == ("copied" if number == 1 else "patched")
        # the event-grained models rebuilt only the events this delivery touched
        if number > 1:
            [(events,)] = query(daily.working_db, "select count(*) from marts.fct_events")
            rebuilt = int(_metric(daily, run.result.run_id, "dbt", "events_rebuilt"))
            assert _metric(daily, run.result.run_id, "dbt", "full_refresh") == "false"
            assert 0 < rebuilt < events, (rebuilt, events)
    # the export twin alone: its event, and the page's former (derived) event id, which is gone
    assert rebuilt == 2
    assert query(daily.working_db, "select count(*) from marts.fct_events where event_id = '7367235-1'") == [(1,)]
    incremental = marts_digest(daily.published_db)

    # re-running a landed day (a backfill over it) lands nothing twice and changes nothing
    again = run_pipeline(daily, partition=DAYS[0])
    assert again.result.success and again.published
    assert _metric(daily, again.result.run_id, "landing", "files_loaded") == "0"
    assert marts_digest(daily.published_db) == incremental

    at_once = settings_for(tmp_path / "at_once")
    _deliver(at_once, landing)
    run = run_pipeline(at_once)  # the default partition, the latest day: every file is due
    assert run.result.success and run.published
    # review_entity_matches lists what each new spelling was compared with when it arrived,
    # which depends on what had arrived before it: the one table that may differ by order
    in_order = frozenset({"review_entity_matches"})
    assert marts_digest(at_once.published_db, skip=in_order) == marts_digest(daily.published_db, skip=in_order)
    # the Parquet exports too: the daily ones were patched day file by day file
    assert _parquet_rows(daily.exports_dir, in_order) == _parquet_rows(at_once.exports_dir, in_order)
    assert (daily.exports_dir / "fct_claims" / f"{DAYS[0]}.parquet").exists()

    refreshed = run_pipeline(daily, dbt_full_refresh=True)
    assert refreshed.result.success and refreshed.published
    # another warehouse (at_once) ran dbt in between: this one's parse state is still its own
    assert _parsed(refreshed.result.run_id) == "nothing"
    assert marts_digest(daily.published_db) == incremental
    assert _metric(daily, refreshed.result.run_id, "checks", "scope") == "whole"  # nothing new
    assert _metric(daily, refreshed.result.run_id, "publish", "publish_mode") == "copied"
    assert query(daily.working_db, "select max(staging_batch) from staging.stg_raw__event_records") == [(1,)]


def test_a_place_renamed_by_new_data_keeps_its_events_and_renames_the_dim(tmp_path) -> None:
    """An uncurated place is named by its most frequent spelling. When later records make
    another spelling the most frequent, the place's one dim row takes the new name; the events
    placed there before keep the same place id and are not rebuilt (facts hold ids, not names)."""
    settings = settings_for(tmp_path)

    def placed(event: str, story: str, spelling: str, day: str) -> dict:
        return make_event(
            event,
            [("Reuters", "certain")],
            story=story,
            location={"name": spelling, "region": "Kharkiv Oblast"},
            extracted_at=f"{day}T10:00:00.000Z",
        )

    write_jsonl(
        settings.landing_dir / "events-2026-05-30.jsonl",
        [placed("9100001-1", "9100001", "Testovo Selo", "2026-05-30")],
    )
    assert run_pipeline(settings, partition="2026-05-30").published
    place = (
        "select fct_events.location_entity_id, places.canonical_name from fct_events "
        "join dim_entities as places on places.entity_id = fct_events.location_entity_id "
        "where event_id = '9100001-1'"
    )
    [(place_id, name)] = query(settings.published_db, place)
    assert name == "Testovo Selo"

    write_jsonl(
        settings.landing_dir / "events-2026-05-31.jsonl",
        [
            placed("9100002-1", "9100002", "TESTOVO SELO", "2026-05-31"),
            placed("9100003-1", "9100003", "TESTOVO SELO", "2026-05-31"),
        ],
    )
    run = run_pipeline(settings, partition="2026-05-31")
    assert run.result.success and run.published
    assert query(settings.published_db, place) == [(place_id, "TESTOVO SELO")]
    assert query(
        settings.published_db,
        "select count(distinct location_entity_id), count(*) from fct_events",
    ) == [(1, 3)]
    assert _metric(settings, run.result.run_id, "dbt", "events_rebuilt") == "2"
    # the timeline rebuilt only the new day, and its earlier day's row took the new name too
    assert query(
        settings.published_db,
        "select event_date, canonical_name, n_events from agg_entity_timelines where entity_id = ? order by all",
        [place_id],
    ) == [(date(2026, 5, 30), "TESTOVO SELO", 1), (date(2026, 5, 31), "TESTOVO SELO", 2)]


def test_a_scoped_dbt_test_still_catches_a_bad_row_of_the_batch(tmp_path) -> None:
    """On an incremental run, generic dbt tests read only the rows the run rebuilt
    (macros/test_scope.sql). A bad row among them must still fail the test; a bad row outside
    them is not read (it was tested when it was written), and a whole-table run finds it."""
    settings = settings_for(tmp_path)
    write_jsonl(
        settings.landing_dir / "events-2026-05-30.jsonl",
        [make_event("9200001-1", [("Reuters", "certain")], story="9200001")],
    )
    assert run_pipeline(settings, partition="2026-05-30").published
    write_jsonl(
        settings.landing_dir / "events-2026-05-31.jsonl",
        [make_event("9200002-1", [("BBC", "likely")], story="9200002")],
    )
    assert run_pipeline(settings, partition="2026-05-31").published
    assert query(settings.working_db, "select event_id from intermediate.int_events_changed") == [("9200002-1",)]

    def not_null_test_passes(since_batch: str, bad_event: str) -> bool:
        with duckdb.connect(str(settings.working_db)) as con:
            con.execute(
                "update intermediate.int_claims_resolved set outlet_id = (case when event_id = ? then null else 'x' "
                "end)",
                [bad_event],
            )
        done = dbt(
            ["test", "--select", "not_null_int_claims_resolved_outlet_id"],
            db=settings.working_db,
            scratch=tmp_path,
            env={CHANGED_SINCE_BATCH_ENV: since_batch},
        )
        assert "1 of 1" in done.stdout, done.stdout[-2000:]
        return done.returncode == 0

    assert not not_null_test_passes("1", bad_event="9200002-1")  # in the batch: caught
    assert not_null_test_passes("1", bad_event="9200001-1")  # outside it: not read
    assert not not_null_test_passes("", bad_event="9200001-1")  # a whole-table run: caught
