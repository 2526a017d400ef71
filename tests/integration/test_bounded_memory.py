"""Promise 7: a run over more data than DuckDB's memory limit completes (DuckDB spills to
temp_directory) instead of failing with an out-of-memory error, and loses nothing."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.settings import Settings, parse_byte_size
from tests.integration.conftest import query, run_pipeline
from tools.sample_data import build_export
from tools.sample_data.generator import write_files

pytestmark = pytest.mark.integration

# DuckDB needs a few tens of MB per thread for a vector of parsed JSON documents and for hash
# joins; 64 MB with one thread is the smallest setting this pipeline is promised to run in.
MEMORY_LIMIT = "64MB"


def test_input_larger_than_the_memory_limit_completes_and_loses_nothing(settings: Settings) -> None:
    export = build_export(events=40_000, days=2, start=date(2026, 5, 24), seed=5)
    write_files(export.files, settings.landing_dir)
    input_bytes = sum(p.stat().st_size for p in settings.landing_dir.rglob("*.jsonl"))
    assert input_bytes > parse_byte_size(MEMORY_LIMIT), "the test must feed more than the limit"

    run = run_pipeline(settings, duckdb_memory_limit=MEMORY_LIMIT, duckdb_threads=1)

    assert run.result.success and run.published, run.failed_checks()
    working = settings.working_db
    [(lines, loaded, quarantined)] = query(
        working,
        "select sum(lines_read), sum(rows_loaded), sum(rows_quarantined) from raw.file_loads",
    )
    assert lines == loaded + quarantined == export.line_count
    [(events_loaded,)] = query(
        working,
        "select count(distinct event_id) from intermediate.int_event_records_ranked",
    )
    [(events_published,)] = query(settings.published_db, "select count(*) from fct_events")
    assert events_published == events_loaded > 35_000
