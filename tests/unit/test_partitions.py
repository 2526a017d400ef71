"""Which files a day's run lands, and which day a run is for."""

from __future__ import annotations

from datetime import date

from orchestration.partitions import PARTITIONS_START, file_date, is_due, partition_for


def test_a_file_is_dated_by_the_last_date_in_its_path() -> None:
    assert file_date("events-2026-05-24.jsonl") == date(2026, 5, 24)
    assert file_date("2026-05-24/retry-2026-05-25.jsonl") == date(2026, 5, 25)
    assert file_date("2026-05-24/page-7367235.txt") == date(2026, 5, 24)
    assert file_date("event-page-7367235.txt") is None
    assert file_date("run-2026-13-45.jsonl") is None  # not a date
    assert file_date("id-12026-05-240.jsonl") is None  # digits around it: not a date


def test_a_run_lands_what_is_dated_up_to_its_day_and_undated_files() -> None:
    day = date(2026, 5, 24)
    assert is_due("events-2026-05-23.jsonl", day)
    assert is_due("events-2026-05-24.jsonl", day)
    assert not is_due("events-2026-05-25.jsonl", day)
    assert is_due("event-page-7367235.txt", day)


def test_the_default_partition_makes_every_present_file_due() -> None:
    today = date(2026, 11, 25)
    paths = ["events-2026-05-23.jsonl", "events-2026-05-24.jsonl", "page.txt"]
    assert partition_for(paths, today) == "2026-05-24"
    assert partition_for(["page.txt"], today) == "2026-11-25"  # nothing dated: today
    assert partition_for(["events-2099-01-01.jsonl"], today) == "2026-11-25"  # future: waits
    assert partition_for(["events-2001-01-01.jsonl"], today) == PARTITIONS_START
