"""Landing: new files in the landing directory → raw tables (exactly once per file content)."""

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg

from orchestration.checks import invariants
from orchestration.keys import (
    RAW_EVENT_RECORDS,
    RAW_FILE_LOADS,
    RAW_QUARANTINE,
    WAREHOUSE_POOL,
)
from orchestration.landing.discover import discover
from orchestration.landing.loader import FileLoadResult, load_files
from orchestration.partitions import EXTRACTION_DAYS, ONE_RUN_PER_DAY, is_due
from orchestration.resources import WarehouseResource
from orchestration.run_audit import record_stage

LANDING_CHECKS = [
    dg.AssetCheckSpec(
        "lines_read_equal_loaded_plus_quarantined",
        asset=RAW_FILE_LOADS,
        blocking=True,
        description="Per file: lines read = rows loaded + rows quarantined (run-level invariant).",
    ),
    dg.AssetCheckSpec(
        "quarantine_share_within_limit",
        asset=RAW_QUARANTINE,
        blocking=True,
        description="Quarantined share of everything landed since the last publish "
        "≤ MAX_QUARANTINE_SHARE (run-level invariant).",
    ),
]


def _log_progress(context: dg.AssetExecutionContext) -> Callable[[FileLoadResult], None]:
    def log(result: FileLoadResult) -> None:
        if result.status == "already_loaded":
            context.log.debug("skip %s: these bytes were loaded before", result.source_file)
        elif result.status == "changed_while_reading":
            context.log.warning(
                "skip %s: it changed while being read (a writer not using the temporary-name "
                "convention?); nothing of it was loaded, the next run will try again",
                result.source_file,
            )
        else:
            context.log.info(
                "loaded %s: %d read, %d loaded, %d quarantined %s",
                result.source_file,
                result.lines_read,
                result.rows_loaded,
                result.rows_quarantined,
                result.quarantine_reasons or "",
            )

    return log


@dg.multi_asset(
    specs=[
        dg.AssetSpec(RAW_EVENT_RECORDS, description="Loaded records, whole, with lineage."),
        dg.AssetSpec(RAW_QUARANTINE, description="Records that could not be loaded, with a reason."),
        dg.AssetSpec(RAW_FILE_LOADS, description="Landing manifest keyed by content SHA-256."),
    ],
    check_specs=LANDING_CHECKS,
    group_name="landing",
    pool=WAREHOUSE_POOL,
    partitions_def=EXTRACTION_DAYS,
    backfill_policy=ONE_RUN_PER_DAY,
)
def raw_landing(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult[Any] | dg.AssetCheckResult]:
    """Discover `*.jsonl` and `*.txt` files and load every file content not loaded before that
    is due by the run's partition (dated up to its day, or undated: orchestration/partitions.py)."""
    settings = warehouse.settings
    last_day = (context.partition_time_window.end - timedelta(days=1)).date()
    found = discover(settings.landing_dir)
    files = [f for f in found if is_due(f.relative_path, last_day)]
    context.log.info(
        "found %d landing files under %s: %d due by %s, %d dated later wait for their day",
        len(found),
        settings.landing_dir,
        len(files),
        last_day,
        len(found) - len(files),
    )
    load_id = context.run_id
    started_at = datetime.now(UTC)
    with warehouse.connect() as con:
        results = load_files(
            con,
            files,
            raw_dir=settings.raw_dir,
            load_id=load_id,
            loaded_at=datetime.now(UTC),
            chunk_bytes=settings.landing_chunk_bytes,
            on_file=_log_progress(context),
        )
        balanced = invariants.loads_balanced(con)
        share = invariants.quarantine_share(con, settings.max_quarantine_share, settings.quarantine_share_min_records)
        new = [r for r in results if r.status == "loaded"]
        changing = [r.source_file for r in results if r.status == "changed_while_reading"]
        reasons: Counter[str] = Counter()
        for result in new:
            reasons.update(result.quarantine_reasons)
        outcomes = (balanced, share)
        record_stage(
            con,
            load_id,
            "landing",
            started_at,
            "failed" if any(o.blocks_publish for o in outcomes) else "succeeded",
            {
                "files_seen": len(results),
                "files_not_due": len(found) - len(files),
                "files_loaded": len(new),
                "lines_read": sum(r.lines_read for r in new),
                "rows_loaded": sum(r.rows_loaded for r in new),
                "rows_quarantined": sum(r.rows_quarantined for r in new),
                "quarantined_by_reason": dict(sorted(reasons.items())),
                "checks_passed": sum(o.passed for o in outcomes),
                "checks_failed": sum(not o.passed for o in outcomes),
            },
        )
        totals = con.execute(
            "select (select count(*) from raw.event_records), (select count(*) from raw.quarantine),"
            " (select count(*) from raw.file_loads)"
        ).fetchall()[0]

    context.log.info(
        "loaded %d new files (%d already loaded, %d changing): %d records, %d quarantined",
        len(new),
        len(results) - len(new) - len(changing),
        len(changing),
        sum(r.rows_loaded for r in new),
        sum(r.rows_quarantined for r in new),
    )
    yield dg.MaterializeResult(
        asset_key=RAW_EVENT_RECORDS,
        metadata={
            "rows_loaded_this_run": sum(r.rows_loaded for r in new),
            "dagster/row_count": totals[0],
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_QUARANTINE,
        metadata={
            "rows_quarantined_this_run": sum(r.rows_quarantined for r in new),
            "reasons_this_run": dict(sorted(reasons.items())),
            "dagster/row_count": totals[1],
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_FILE_LOADS,
        metadata={
            "files_seen": len(results),
            "files_not_due": len(found) - len(files),
            "files_loaded": len(new),
            "files_already_loaded": len(results) - len(new) - len(changing),
            "files_changed_while_reading": changing,
            "new_files": dg.MetadataValue.md(
                "\n".join(
                    f"- `{r.source_file}`: {r.lines_read} read, {r.rows_loaded} loaded, "
                    f"{r.rows_quarantined} quarantined"
                    for r in new[:50]
                )
                or "none"
            ),
            "dagster/row_count": totals[2],
        },
    )
    for outcome, asset_key in ((balanced, RAW_FILE_LOADS), (share, RAW_QUARANTINE)):
        yield dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=outcome.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity(outcome.severity),
            metadata=outcome.metadata,
        )
