"""Incremental runs: landing each day as it arrives and running after each gives the same marts
as one run over everything, and as a full refresh; each run stages only the new files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from orchestration.sample_data.generator import write
from orchestration.settings import Settings
from tests.chaos.harness import marts_digest
from tests.conftest import SAMPLES
from tests.integration.conftest import query, run_pipeline, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[list[Path]]:
    """Four deliveries: two generated days (with re-extractions of day 1 in day 2), the third
    day with the real rendered page, then the page's export twin (the page's event id changes
    from the one derived at landing to the export's)."""
    source = tmp_path_factory.mktemp("days")
    write(source, events=240, days=3, start=date(2026, 5, 24), seed=8, defect_rate=0.05)
    shutil.copy(SAMPLES / "event-page-7367235.txt", source)
    shutil.copy(SAMPLES / "event-7367235.jsonl", source)
    generated = sorted(source.glob("events-*.jsonl"))
    return [
        [generated[0]],
        [generated[1]],
        [generated[2], source / "event-page-7367235.txt"],
        [source / "event-7367235.jsonl"],
    ]


def _metric(settings: Settings, run_id: str, stage: str, key: str) -> str:
    """A figure of the run's audit trail (raw.run_stages.metrics)."""
    [(value,)] = query(
        settings.working_db,
        "select metrics->>? from raw.run_stages where run_id = ? and stage = ?",
        [key, run_id, stage],
    )
    return value


def _deliver(settings: Settings, files: list[Path]) -> None:
    for path in files:
        shutil.copy(path, settings.landing_dir)


def test_day_by_day_equals_all_at_once_and_a_full_refresh(days, tmp_path) -> None:
    daily = settings_for(tmp_path / "daily")
    for number, files in enumerate(days, start=1):
        _deliver(daily, files)
        run = run_pipeline(daily)
        assert run.result.success and run.published, run.failed_checks()
        # this run staged only the files it landed: one new staging batch, those lines only
        [(batch, staged, landed)] = query(
            daily.working_db,
            "select max(staging_batch), count(*) filter (where staging_batch = (select max(staging_batch) from staging.stg_raw__event_records)),"
            " (select sum(rows_loaded) from raw.file_loads where load_id = ?) from staging.stg_raw__event_records",
            [run.result.run_id],
        )
        assert (batch, staged) == (number, landed)
        # ...and the audit trail says so: rows processed per stage follow the new data
        assert int(_metric(daily, run.result.run_id, "dbt", "records_staged")) == landed
        # GX validated the batch: the rows of events that got records in this run, not history
        assert _metric(daily, run.result.run_id, "checks", "scope") == "batch"
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

    at_once = settings_for(tmp_path / "at_once")
    _deliver(at_once, [path for files in days for path in files])
    run = run_pipeline(at_once)
    assert run.result.success and run.published
    assert marts_digest(at_once.published_db) == incremental

    refreshed = run_pipeline(daily, dbt_full_refresh=True)
    assert refreshed.result.success and refreshed.published
    assert marts_digest(daily.published_db) == incremental
    assert _metric(daily, refreshed.result.run_id, "checks", "scope") == "whole"  # nothing new
    assert _metric(daily, refreshed.result.run_id, "publish", "publish_mode") == "copied"
    assert query(daily.working_db, "select max(staging_batch) from staging.stg_raw__event_records") == [(1,)]
