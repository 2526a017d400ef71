"""The pipeline job, the landing-directory sensor and the daily schedule."""

import hashlib
from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.landing.discover import discover
from orchestration.partitions import partition_for
from orchestration.resources import WarehouseResource

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.all(),
    description="Land new files, build and test the marts, run the checks, publish.",
    # The steps run one after another anyway (one writer): in one process, a run pays Python,
    # Dagster and the definitions once instead of once per step (about 3 s each).
    executor_def=dg.in_process_executor,
)


@dg.schedule(
    name="daily_warehouse_build",
    job=warehouse_job,
    cron_schedule="15 2 * * *",
    execution_timezone="UTC",
)
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 02:15 UTC, yesterday's partition: every file dated up to yesterday, stragglers included."""
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(run_key=yesterday, partition_key=yesterday)


def landing_state_key(files: list[tuple[str, int, int]]) -> str:
    """A fingerprint of what the landing directory holds (paths, sizes, mtimes)."""
    digest = hashlib.sha256()
    for path, size, mtime_ns in sorted(files):
        digest.update(f"{path}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


# A tick lists the landing directory (no file is read): every 5 s keeps a dropped file's wait
# for its run short (docs/operations.md: within 30 s of landing, published).
@dg.sensor(job=warehouse_job, minimum_interval_seconds=5, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_directory_sensor(
    context: dg.SensorEvaluationContext, warehouse: WarehouseResource
) -> dg.SkipReason | dg.RunRequest:
    """Request a run when the landing directory changed since the last request, for the
    partition that makes every present file due (the latest file date, at most today).

    The run_key is the directory's fingerprint, so two ticks that see the same files request one
    run; loading itself is idempotent per file content anyway (the manifest).
    """
    files = discover(warehouse.settings.landing_dir)
    if not files:
        return dg.SkipReason("landing directory is empty")
    key = landing_state_key([(f.relative_path, f.size_bytes, f.mtime_ns) for f in files])
    if key == context.cursor:
        return dg.SkipReason("no change in the landing directory")
    context.update_cursor(key)
    today = datetime.now(UTC).date()
    return dg.RunRequest(run_key=key, partition_key=partition_for([f.relative_path for f in files], today))
