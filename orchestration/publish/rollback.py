"""`make rollback`: put the previous published version back, in one atomic step.

Run it while no pipeline run is publishing (pause the schedule and sensor first): it replaces
`published.duckdb` outside Dagster's `warehouse` pool.
"""

from __future__ import annotations

import sys

from orchestration.publish.exports import ExportDays
from orchestration.publish.publisher import read_published_version, rollback
from orchestration.settings import load_settings


def main() -> int:
    settings = load_settings()
    before = read_published_version(settings.published_db)
    try:
        restored = rollback(settings.published_db, settings.exports_dir, ExportDays())
    except RuntimeError as error:
        print(f"rollback: {error}", file=sys.stderr)
        return 1
    print(f"rolled back {settings.published_db}: {before} -> {restored}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
