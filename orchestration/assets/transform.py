"""dbt: staging → intermediate → marts (and their dbt tests, surfaced as asset checks)."""


import os
import subprocess
from collections import Counter
from datetime import UTC, datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.assets.keys import WAREHOUSE_POOL
from orchestration.faults import fault_point
from orchestration.resources import WarehouseResource
from orchestration.run_audit import dbt_rows, record_stage, staging_batch
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for d in ("models", "macros", "seeds", "tests") for p in (project_dir / d).rglob("*")]
    sources += [project_dir / "dbt_project.yml"]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """`dbt parse` when the manifest is missing or older than the project's files.

    Deployments build it ahead (`make manifest`); this keeps a fresh clone and an edited model
    from ever running against a stale graph.
    """
    if _manifest_is_stale(Path(project.project_dir), project.manifest_path):
        subprocess.run(
            [str(DBT_EXECUTABLE), "parse", "--quiet", "--profiles-dir", str(project.profiles_dir)],
            cwd=project.project_dir,
            check=True,
            env={**os.environ, "WAREHOUSE_DB_PATH": os.environ.get("WAREHOUSE_DB_PATH", ":memory:")},
        )
    return project.manifest_path


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Rules, not lists: a source's key is ["<source>", "<table>"] (so `raw.*` meets the landing
    assets); a model's group is its folder (staging / intermediate / marts), seeds are `seeds`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


TRANSLATOR = WarehouseDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """One `dbt build` per run: seeds, models and tests in dependency order.

    A failing ERROR test fails this step, so publishing never runs on unaudited marts.
    """
    # dbt runs as a subprocess and its profile reads the working database path from the env.
    os.environ.update(warehouse.dbt_env())
    started_at = datetime.now(UTC)
    tests: Counter[bool] = Counter()
    status = "failed"
    with warehouse.connect(read_only=True) as con:
        batch_before = staging_batch(con)
    fault_point("dbt_before_build")
    try:
        args = ["build", "--full-refresh"] if warehouse.settings.dbt_full_refresh else ["build"]
        for count, event in enumerate(dbt.cli(args, context=context).stream(), start=1):
            if isinstance(event, dg.AssetCheckResult):
                tests[event.passed] += 1
            yield event
            if count == 10:
                fault_point("dbt_mid_build")
        status = "succeeded"
    finally:
        with warehouse.connect() as con:
            rows = dbt_rows(con, batch_before) if status == "succeeded" else {}
            record_stage(
                con, context.run_id, "dbt", started_at, status,
                {"checks_passed": tests[True], "checks_failed": tests[False], **rows},
            )  # fmt: skip
