"""Publish: the audited marts → `published.duckdb` (atomic rename) and Parquet exports."""


from datetime import UTC, datetime

import dagster as dg

from orchestration.assets.checks import gx_mart_suites
from orchestration.assets.keys import MARTS_GROUP, PUBLISHED_WAREHOUSE, WAREHOUSE_POOL
from orchestration.assets.transform import warehouse_dbt_models
from orchestration.publishing.publisher import new_version_id, publish
from orchestration.run_audit import (
    AUDIT_RUNS_SQL,
    finish_stage,
    record_stage,
    recent_runs_markdown,
)
from orchestration.resources import WarehouseResource

MART_KEYS = sorted(
    (spec.key for spec in warehouse_dbt_models.specs if spec.group_name == MARTS_GROUP),
    key=lambda key: key.to_user_string(),
)


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=MART_KEYS,
    group_name="publish",
    pool=WAREHOUSE_POOL,
    description="The published warehouse analysts and BI tools read. Runs only after every "
    "blocking check (dbt tests, GX suites, landing invariants) passed.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = warehouse.settings
    version_id = new_version_id()
    started_at = datetime.now(UTC)
    # Recorded before the file is built so that the published audit_runs includes this run.
    with warehouse.connect() as con:
        record_stage(con, context.run_id, "publish", started_at, "publishing", {"version_id": version_id})
    status, rows = "failed", {}
    try:
        result = publish(
            settings.working_db,
            settings.published_db,
            settings.exports_dir,
            run_id=context.run_id,
            keep_versions=settings.publish_keep_versions,
            version_id=version_id,
            extra_tables={"audit_runs": AUDIT_RUNS_SQL},
        )
        status, rows = "succeeded", {"rows_published": sum(result.row_counts.values())}
    finally:
        with warehouse.connect() as con:
            finish_stage(con, context.run_id, "publish", status, rows)
            recent_runs = recent_runs_markdown(con)
    context.log.info(
        "published version %s to %s (%d tables)",
        result.version_id, result.path, len(result.row_counts),
    )  # fmt: skip
    return dg.MaterializeResult(
        metadata={
            "version_id": result.version_id,
            "path": dg.MetadataValue.path(str(result.path)),
            "exports_dir": dg.MetadataValue.path(str(result.exports_dir)),
            "row_counts": result.row_counts,
            "dagster/row_count": result.row_counts.get("fct_events", 0),
            # The run-level audit trail in the UI: this run and the ones before it, failed runs
            # included (their rows are written as their stages end). Full rows: `audit_runs`.
            "audit_runs": dg.MetadataValue.md(recent_runs),
        }
    )


__all__ = ["published_warehouse", "gx_mart_suites"]
