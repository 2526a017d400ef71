"""dbt: staging → intermediate → marts (and their dbt tests, surfaced as asset checks)."""

import hashlib
import os
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.faults import fault_point
from orchestration.incremental import build_args, dbt_rows, last_publish, last_transform_fingerprint, staging_batch
from orchestration.keys import WAREHOUSE_POOL
from orchestration.partitions import EXTRACTION_DAYS, ONE_RUN_PER_DAY
from orchestration.resources import WarehouseResource
from orchestration.retention import remove_all_but_newest
from orchestration.run_audit import record_stage
from orchestration.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _project_files(project_dir: Path, folders: tuple[str, ...]) -> list[Path]:
    files = [p for d in folders for p in (project_dir / d).rglob("*") if p.is_file()]
    return sorted([*files, project_dir / "dbt_project.yml"])


def _manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _project_files(project_dir, ("models", "macros", "seeds", "tests")))


def transform_fingerprint(project_dir: Path) -> str:
    """SHA-256 of everything that decides what the models contain (models, macros, seeds,
    dbt_project.yml; not tests). Incremental models only fold in new data, so when this changes
    the next build must be a full refresh to apply the new logic to history."""
    digest = hashlib.sha256()
    for path in _project_files(project_dir, ("models", "macros", "seeds")):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# dagster-dbt writes each invocation's artifacts (manifest, compiled SQL, run results, about
# 10 MB) into a new `target/<step>-<run>-<hash>` folder: a year of daily runs would fill gigabytes.
KEEP_RUN_TARGETS = 5


def prune_run_targets(current: Path, keep: int = KEEP_RUN_TARGETS) -> list[Path]:
    """Delete all but the `keep` newest invocation folders of `current`'s step (`current`, the
    folder of the invocation that just ran, is always kept); returns the folders deleted."""
    step = current.name.split("-", 1)[0]
    others = (p for p in current.parent.glob(f"{step}-*") if p.is_dir() and p != current)
    return remove_all_but_newest(others, max(keep - 1, 0))


# The project's dbt unit tests check its code on inputs written by hand, not the data: a run
# leaves them out (tests/integration/test_dbt_unit_tests.py runs them).
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def keep_parse_state(run_target: Path, project_target: Path) -> bool:
    """Hand the run's dbt parse state (partial_parse.msgpack) back to the project's target folder,
    where dagster-dbt copies it from at the next run: dbt then re-parses only changed files
    instead of the whole project. The state records the profile (the warehouse path), so the
    copy made by `dbt parse` at start-up alone never matches a run. True if handed back."""
    state = run_target / "partial_parse.msgpack"
    if not state.exists():
        return False
    staged = project_target / f".partial_parse.{run_target.name}.tmp"
    shutil.copyfile(state, staged)
    os.replace(staged, project_target / "partial_parse.msgpack")  # atomic: readers see one whole file
    return True


def current_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """dbt's manifest of the project, which `make manifest` (part of `make setup`) writes with
    `dbt parse`. Importing the definitions never parses the project itself: a missing or stale
    manifest is an error that says what to run, so an edited model never meets an old graph."""
    if _manifest_is_stale(Path(project.project_dir), project.manifest_path):
        raise RuntimeError(
            f"dbt's manifest {project.manifest_path} is missing or older than the dbt project's files: "
            "run `make manifest` (any make target that runs the pipeline does it first)"
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
    manifest=current_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=WAREHOUSE_POOL,
    # The models are incremental by staging batch, not by date: a day's run builds whatever
    # its landing brought in. Partitioned like every warehouse asset so that a day is one run.
    partitions_def=EXTRACTION_DAYS,
    backfill_policy=ONE_RUN_PER_DAY,
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[
    dg.Output[Any] | dg.AssetMaterialization | dg.AssetObservation | dg.AssetCheckResult | dg.AssetCheckEvaluation
]:
    """One `dbt build` per run: seeds, models and tests in dependency order.

    A failing ERROR test fails this step, so publishing never runs on unaudited marts.
    """
    # dbt runs as a subprocess and its profile reads the working database path from the env.
    os.environ.update(warehouse.dbt_env())
    started_at = datetime.now(UTC)
    tests: Counter[bool] = Counter()
    status = "failed"
    with warehouse.connect() as con:
        batch_before = staging_batch(con)
        published = last_publish(con)
        last_fingerprint = last_transform_fingerprint(con)
    fingerprint = transform_fingerprint(Path(DBT_PROJECT.project_dir))
    plan = build_args(
        warehouse.settings.dbt_full_refresh,
        published.staging_batch if published else None,
        last_fingerprint,
        fingerprint,
    )
    os.environ.update(plan.env())
    context.log.info("dbt %s (%s)", " ".join(plan.args), plan.why)
    fault_point("dbt_before_build")
    invocation = None
    try:
        invocation = dbt.cli([*plan.args, *WITHOUT_UNIT_TESTS], context=context)
        for count, event in enumerate(invocation.stream(), start=1):
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
                con,
                context.run_id,
                "dbt",
                started_at,
                status,
                {
                    "checks_passed": tests[True],
                    "checks_failed": tests[False],
                    "full_refresh": "--full-refresh" in plan.args,
                    "transform_fingerprint": fingerprint,
                    **rows,
                },
            )
        if invocation is not None:
            if status == "succeeded":
                keep_parse_state(Path(invocation.target_path), DBT_PROJECT.manifest_path.parent)
            pruned = prune_run_targets(Path(invocation.target_path))
            if pruned:
                context.log.debug("removed %d old dbt target folders", len(pruned))
