"""Daily partitions by extraction date.

Partition D of every warehouse asset means: every landing file dated up to D is in the published
warehouse. A file's date is the last `YYYY-MM-DD` in its path (`events-2026-05-24.jsonl`,
`2026-05-24/page-7367235.txt`): the extraction day its producer wrote it for. Undated files are
due at once: any run lands them.

So a run for D lands the new files dated ≤ D; a backfill of D1..Dn (one run per day, in order)
loads history day by day; a re-run of a landed day lands nothing twice (the manifest) and
republishes; a run for a later day catches up on every earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import dagster as dg

# The first day a partition exists for; older files are due with it.
PARTITIONS_START = "2024-01-01"

# end_offset=1: today's partition exists, so files dated today land the same day (sensor).
EXTRACTION_DAYS = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1, timezone="UTC")

# One run per day: each day is landed, built, checked and published on its own (resumable and
# visible per day in a backfill); runs queue on the warehouse pool. Every asset says it (dbt
# assets would default to one run for a whole range; mixed policies make Dagster warn).
ONE_RUN_PER_DAY = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)

_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def file_date(relative_path: str) -> date | None:
    """The last valid `YYYY-MM-DD` in the path, or None (an undated file)."""
    for match in reversed(list(_DATE.finditer(relative_path))):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:  # 2026-13-45: not a date, look further left
            continue
    return None


def is_due(relative_path: str, partition_day: date) -> bool:
    """Whether a run for `partition_day` lands this file (dated up to that day, or undated)."""
    day = file_date(relative_path)
    return day is None or day <= partition_day


def partition_for(relative_paths: Iterable[str], today: date) -> str:
    """The partition that lands all these files: the latest file date, at most today, at least
    the first partition (today when none is dated)."""
    days = [day for day in map(file_date, relative_paths) if day is not None and day <= today]
    latest = max(days, default=today)
    return max(latest, date.fromisoformat(PARTITIONS_START)).isoformat()
