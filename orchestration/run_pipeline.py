"""`make pipeline` / `make run`: run the whole job once and print what it did.

Exit status 0 only if the run succeeded *and* a new version was published; the summary is read
back from the published file, not from the run's own bookkeeping.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, date, datetime

import dagster as dg
import duckdb

from orchestration.automation.recovery import wait_for_warehouse
from orchestration.keys import PUBLISHED_WAREHOUSE
from orchestration.landing.discover import discover
from orchestration.partitions import partition_for
from orchestration.publish.publisher import read_published_version
from orchestration.settings import Settings, load_settings


def default_partition(settings: Settings, today: date | None = None) -> str:
    """The partition that lands everything waiting in the landing directory (up to today)."""
    files = discover(settings.landing_dir)
    return partition_for([f.relative_path for f in files], today or datetime.now(UTC).date())


def publish_step_ran(result: dg.ExecuteInProcessResult) -> bool:
    """The publish asset materialised in this run (what a skipped step never does)."""
    return PUBLISHED_WAREHOUSE in {e.asset_key for e in result.get_asset_materialization_events()}


def _published_summary(published_db: str) -> list[str]:
    with duckdb.connect(published_db, read_only=True) as con:
        (events,) = con.execute("select count(*) from fct_events").fetchall()[0]
        levels = con.execute(
            "select verification_level, count(*) from fct_events group by all order by 2 desc"
        ).fetchall()
        (flagged,) = con.execute("select count(*) from fct_events where len(quality_flags) > 0").fetchall()[0]
        reasons = con.execute(
            "select reason_code, count(*) from audit_quarantine group by all order by 2 desc"
        ).fetchall()
        (files,) = con.execute("select count(*) from audit_loads").fetchall()[0]
    quarantined = sum(n for _, n in reasons)
    return [
        f"events:        {events} ({flagged} with quality flags) from {files} landed files",
        "levels:        " + ", ".join(f"{level} {n}" for level, n in levels),
        f"quarantined:   {quarantined}" + (" (" + ", ".join(f"{r} {n}" for r, n in reasons) + ")" if reasons else ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--partition",
        metavar="YYYY-MM-DD",
        help="the extraction day to run (files dated up to it are landed); "
        "default: the latest file date in the landing directory, at most today",
    )
    args = parser.parse_args(argv)
    # Dagster's console logger reports the run; other libraries speak up only with warnings.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("dagster").propagate = False  # it has its own console handler
    from orchestration.definitions import defs  # after logging: Dagster configures its loggers on import

    settings = load_settings()
    before = read_published_version(settings.published_db)
    # With DAGSTER_HOME set (make targets do) the run is recorded where `make dev` shows it.
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    job = defs.resolve_job_def("warehouse_job")
    partition = args.partition or default_partition(settings)
    if instance is not None:
        # Runs of this instance whose process died are failed and their pool slots freed; a live
        # one is waited for here, asleep (docs/operations.md, "Recovery").
        wait_for_warehouse(instance)
    print(f"=== partition {partition} (files dated up to it, and undated files) ===", flush=True)
    result = job.execute_in_process(
        instance=instance,
        partition_key=partition,
        raise_on_error=False,
        # step-level progress at INFO; DEBUG engine events stay in the run's event log (make dev)
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )

    checks = result.get_asset_check_evaluations()
    failed_checks = [c for c in checks if not c.passed]
    after = read_published_version(settings.published_db)
    # Published means both: the publish step materialised, and the file on disk is a new version.
    published = after != before and publish_step_ran(result)

    print("\n=== warehouse run", result.run_id, "===")
    print(f"run:           {'succeeded' if result.success else 'FAILED'}")
    print(
        f"checks:        {len(checks) - len(failed_checks)} passed, {len(failed_checks)} failed"
        + "".join(
            f"\n                 - {c.asset_key.to_user_string()}:{c.check_name} ({c.severity.value})"
            for c in failed_checks
        )
    )
    if after:
        for line in _published_summary(str(settings.published_db)):
            print(line)
    status = "new version" if published else "NOT published (previous version kept)"
    print(f"published:     {settings.published_db} [{after or 'none'}] — {status}")
    print(f"parquet:       {settings.exports_dir}/<table>.parquet, <fact table>/<day>.parquet")
    print(f"report:        {settings.site_dir}/index.html (links to dbt docs and Data Docs)")
    print(
        "try:           .venv/bin/duckdb -readonly "
        f'{settings.published_db} "select verification_level, count(*) from fct_events group by 1"'
    )
    return 0 if result.success and published else 1


def exit_now(code: int) -> None:
    """End the process without the interpreter's teardown: with Dagster, dbt, DuckDB, pandas and
    Great Expectations loaded, freeing every module took 1.5 s of a 16 s small run. Everything
    the run wrote is committed or closed by then (DuckDB connections are context managers, the
    Dagster instance writes each event as it happens); output and log handlers are flushed here."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
