"""Same input, same bytes: the same landing directory built into two new warehouses, one with
one thread and one with two, publishes the same rows in every table, every column (scores to the
last bit, match methods, review candidates).

20,000 generated events are enough for the thread order to matter where results depended on it:
products of doubles rounded to 4 decimals (some land on a rounding boundary) and spellings of
one entity first seen in the same batch (the anchor was whichever arrived first)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.chaos.harness import published_tables, table_differences
from tests.integration.conftest import run_pipeline, settings_for
from tools.sample_data.generator import write

pytestmark = pytest.mark.integration

EVENTS = 20_000


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("landing")
    write(source, events=EVENTS, days=4, start=date(2026, 5, 24), seed=15, defect_rate=0.05)
    return source


def test_one_thread_and_two_threads_publish_the_same_rows(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBT_THREADS", raising=False)
    published = {}
    for threads in (1, 2):
        settings = settings_for(tmp_path / f"threads-{threads}")
        shutil.copytree(landing, settings.landing_dir, dirs_exist_ok=True)
        # dbt's threads follow DuckDB's (profiles.yml) unless DBT_THREADS is set
        run = run_pipeline(settings, duckdb_threads=threads)
        assert run.result.success and run.published, run.failed_checks()
        published[threads] = published_tables(settings.published_db)
    assert len(published[1]["fct_events"]) > 0.9 * EVENTS
    assert table_differences(published[1], published[2]) == []
