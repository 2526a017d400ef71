"""Publish: the audited marts → `published.duckdb` (atomic rename) and Parquet exports; then,
from that published copy, the analysts' site (report, dbt docs, Data Docs) and, when configured,
the PostgreSQL copy for BI tools."""

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import dagster as dg

from orchestration.checks.assets import gx_mart_suites
from orchestration.incremental import CHANGED_EVENTS, last_publish, staging_batch
from orchestration.keys import MARTS_GROUP, PUBLISHED_WAREHOUSE, WAREHOUSE_POOL
from orchestration.partitions import EXTRACTION_DAYS, ONE_RUN_PER_DAY
from orchestration.publish.atomic_sets import new_version_id
from orchestration.publish.exports import ExportDays
from orchestration.publish.postgres import TableDoc, publish_to_postgres
from orchestration.publish.publisher import publish, read_published_version
from orchestration.publish.site import dbt_docs_page, publish_site
from orchestration.resources import PostgresPublishResource, WarehouseResource
from orchestration.retention import remove_all_but_newest
from orchestration.run_audit import AUDIT_RUNS_SQL, finish_stage, recent_runs_markdown, record_stage
from orchestration.settings import DBT_EXECUTABLE
from orchestration.transform.assets import DBT_PROJECT, transform_fingerprint, warehouse_dbt_models

PUBLISHED_SITE = dg.AssetKey(["published", "site"])
PUBLISHED_POSTGRES = dg.AssetKey(["published", "postgres"])

MART_KEYS = sorted(
    (spec.key for spec in warehouse_dbt_models.specs if spec.group_name == MARTS_GROUP),
    key=lambda key: key.to_user_string(),
)


# `backfill_policy` is beta on @asset (not on @multi_asset or @dbt_assets); the stack is pinned.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy` of function `asset`", category=dg.BetaWarning)


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=MART_KEYS,
    group_name="publish",
    pool=WAREHOUSE_POOL,
    partitions_def=EXTRACTION_DAYS,
    backfill_policy=ONE_RUN_PER_DAY,
    description="The published warehouse analysts and BI tools read. Runs only after every "
    "blocking check (dbt tests, GX suites, landing invariants) passed.",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult[Any]:
    settings = warehouse.settings
    version_id = new_version_id()
    started_at = datetime.now(UTC)
    # Recorded before the file is built so that the published audit_runs includes this run.
    with warehouse.connect() as con:
        record_stage(con, context.run_id, "publish", started_at, "publishing", {"version_id": version_id})
        previous = last_publish(con)
        batch = staging_batch(con)
    # Patch the published file when it is exactly what the last publish wrote and the marts were
    # rebuilt incrementally since (their changed events are then int_events_changed: dbt's var
    # changed_since_batch is that publish's batch). After a rollback, a full refresh or with no
    # batch on record, copy every row.
    patchable = (
        previous is not None
        and previous.staging_batch is not None
        and not previous.full_refresh_since
        and read_published_version(settings.published_db) == previous.version_id
    )
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
            changed_events=CHANGED_EVENTS if patchable else None,
            export_days=ExportDays(),
        )
        status = "succeeded"
        rows = {
            "rows_published": result.rows_written,
            "publish_mode": result.mode,
            "staging_batch": batch,
        }
    finally:
        with warehouse.connect() as con:
            finish_stage(con, context.run_id, "publish", status, rows)
            recent_runs = recent_runs_markdown(con)
    context.log.info(
        "published version %s to %s (%d tables, %s, %d rows written)",
        result.version_id,
        result.path,
        len(result.row_counts),
        result.mode,
        result.rows_written,
    )
    return dg.MaterializeResult(
        metadata={
            "version_id": result.version_id,
            "path": dg.MetadataValue.path(str(result.path)),
            "exports_dir": dg.MetadataValue.path(str(result.exports_dir)),
            "row_counts": result.row_counts,
            "publish_mode": result.mode,
            "rows_written": result.rows_written,
            "dagster/row_count": result.row_counts.get("fct_events", 0),
            # The run-level audit trail in the UI: this run and the ones before it, failed runs
            # included (their rows are written as their stages end). Full rows: `audit_runs`.
            "audit_runs": dg.MetadataValue.md(recent_runs),
        }
    )


def _published_version(published_db: Path) -> str:
    """The version the assets built from the published file describe (they run after it)."""
    version_id = read_published_version(published_db)
    if version_id is None:
        raise RuntimeError(f"nothing is published in {published_db}")
    return version_id


class _AssetArgs(TypedDict):
    """Keyword arguments of @dg.asset, typed so that its overloads resolve under mypy."""

    deps: list[dg.AssetKey]
    group_name: str
    pool: str
    partitions_def: dg.DailyPartitionsDefinition
    backfill_policy: dg.BackfillPolicy


# What the assets built from the published file share: they run after it, one day per run, in
# the writers' pool (`dbt docs generate` opens the working database as a writer would; one
# PostgreSQL publish at a time, since each cleans up what a killed one left).
FROM_PUBLISHED_FILE: _AssetArgs = {
    "deps": [PUBLISHED_WAREHOUSE],
    "group_name": "publish",
    "pool": WAREHOUSE_POOL,
    "partitions_def": EXTRACTION_DAYS,
    "backfill_policy": ONE_RUN_PER_DAY,
}


@dg.asset(
    key=PUBLISHED_SITE,
    **FROM_PUBLISHED_FILE,
    description="The analysts' site of the published version ($WAREHOUSE_DIR/site): the visual "
    "report (index.html), the dbt docs and the Great Expectations Data Docs of its checks.",
)
def published_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult[Any]:
    settings = warehouse.settings
    version_id = _published_version(settings.published_db)
    project_dir = Path(DBT_PROJECT.project_dir)
    dbt_docs = dbt_docs_page(project_dir, transform_fingerprint(project_dir), warehouse.dbt_env(), DBT_EXECUTABLE)
    data_docs = settings.data_docs_dir / context.run_id
    site = publish_site(
        settings.site_dir,
        version_id,
        settings.published_db,
        dbt_docs=dbt_docs,
        data_docs=data_docs if data_docs.exists() else None,
        keep=settings.publish_keep_versions,
    )
    prune_data_docs(settings.data_docs_dir, keep=settings.publish_keep_versions)
    context.log.info("site of version %s: %s", version_id, site.report)
    return dg.MaterializeResult(
        metadata={
            "version_id": version_id,
            "report": dg.MetadataValue.path(str(settings.site_dir / site.report.name)),
            "links": dg.MetadataValue.json(site.links),
        }
    )


def prune_data_docs(data_docs_dir: Path, keep: int) -> None:
    """Keep the Data Docs of the last `keep` runs that did not publish (failed checks among
    them: what an engineer opens to see why); a published run's were moved into its site."""
    remove_all_but_newest((p for p in data_docs_dir.glob("*") if p.is_dir()), keep)


def mart_docs(manifest: Path) -> dict[str, TableDoc]:
    """Each published mart's dbt description and column descriptions, by table name."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {
        node["name"]: TableDoc(
            description=node.get("description") or "",
            columns={name: column.get("description") or "" for name, column in node["columns"].items()},
        )
        for node in nodes
        if node["resource_type"] == "model" and node["schema"] == MARTS_GROUP
    }


@dg.asset(
    key=PUBLISHED_POSTGRES,
    **FROM_PUBLISHED_FILE,
    description="The published marts copied into PostgreSQL (PUBLISH_POSTGRES_DSN) for BI tools: "
    "loaded into a new schema, swapped in one transaction, readable by the reader role.",
)
def published_postgres(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, postgres: PostgresPublishResource
) -> dg.MaterializeResult[Any]:
    settings = warehouse.settings
    version_id = _published_version(settings.published_db)
    result = publish_to_postgres(
        settings.published_db,
        postgres.dsn,
        version_id=version_id,
        schema=postgres.schema_name,
        reader_role=postgres.reader_role,
        docs=mart_docs(DBT_PROJECT.manifest_path),
    )
    context.log.info(
        "PostgreSQL schema %s now holds version %s (%d tables, %.1f s)",
        result.schema,
        version_id,
        len(result.row_counts),
        result.seconds,
    )
    return dg.MaterializeResult(
        metadata={
            "version_id": version_id,
            "schema": result.schema,
            "row_counts": result.row_counts,
            "seconds": result.seconds,
        }
    )


__all__ = ["gx_mart_suites", "published_postgres", "published_site", "published_warehouse"]
