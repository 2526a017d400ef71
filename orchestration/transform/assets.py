"""dbt: staging → intermediate → marts (and their dbt tests, surfaced as asset checks)."""

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DBT_DEFAULT_SELECT,
    build_dbt_specs,
    get_subset_selection_for_context,
)
from dagster_dbt.dbt_manifest import validate_manifest

from orchestration.faults import fault_point
from orchestration.incremental import (
    BuildPlan,
    build_args,
    dbt_rows,
    last_publish,
    last_transform_fingerprint,
    staging_batch,
)
from orchestration.keys import WAREHOUSE_POOL
from orchestration.partitions import EXTRACTION_DAYS, ONE_RUN_PER_DAY
from orchestration.resources import WarehouseResource
from orchestration.retention import remove_all_but_newest
from orchestration.run_audit import record_stage
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.transform.dbt_in_process import DbtFailed, stream_dbt
from orchestration.transform.test_checks import (
    DbtTestOutcome,
    check_results,
    check_specs,
    outcome_of,
    tests_by_asset,
)

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
# leaves them out (tests/integration/test_dbt_unit_tests.py runs them). Nothing reads a run's
# manifest or run results (dagster-dbt reads dbt's log stream; the parse state is written
# anyway): not writing them saves dbt two manifest serialisations per run.
RUN_FLAGS = ("--exclude-resource-type", "unit_test", "--no-write-json")


PARSE_STATE = "partial_parse.msgpack"


def run_target_path(project_target: Path, step: str, run_id: str) -> Path:
    """A new folder for this run's dbt invocation, named as dagster-dbt names its own
    (`<step>-<run>-<unique>`), so that prune_run_targets finds it."""
    return project_target / f"{step}-{run_id[:7]}-{uuid.uuid4().hex[:7]}"


def restore_parse_state(state_dir: Path, run_target: Path) -> bool:
    """Start the run's dbt from the warehouse's parse state (dagster-dbt then leaves it there
    instead of copying the project's): dbt re-parses only the files that changed since. True
    if the warehouse had one (its first run parses the whole project)."""
    state = state_dir / PARSE_STATE
    if not state.exists():
        return False
    run_target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(state, run_target / PARSE_STATE)
    return True


def keep_parse_state(run_target: Path, state_dir: Path) -> bool:
    """Hand the run's dbt parse state back to the warehouse for its next run. True if handed
    back; a run that left none keeps the previous state."""
    state = run_target / PARSE_STATE
    if not state.exists():
        return False
    state_dir.mkdir(parents=True, exist_ok=True)
    for stale in state_dir.glob(".partial_parse.*.tmp"):  # from a run killed between copy and rename
        stale.unlink(missing_ok=True)
    staged = state_dir / f".partial_parse.{run_target.name}.tmp"
    shutil.copyfile(state, staged)
    os.replace(staged, state_dir / PARSE_STATE)  # atomic: the next run reads one whole file
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


TRANSLATOR = WarehouseDbtTranslator()
MANIFEST = validate_manifest(current_manifest())
# dagster-dbt's specs of the models and seeds; their tests become one check per model
# (orchestration/transform/test_checks.py), not dagster-dbt's check per test.
DBT_SPECS, _ = build_dbt_specs(
    translator=TRANSLATOR,
    manifest=MANIFEST,
    select=DBT_DEFAULT_SELECT,
    exclude="",
    selector="",
    io_manager_key=None,
    project=DBT_PROJECT,
)
TEST_OWNERS = tests_by_asset(MANIFEST, TRANSLATOR, DBT_PROJECT)


def dbt_args(context: dg.AssetExecutionContext, plan: BuildPlan) -> list[str]:
    """The build's arguments with the run's selection: every model, or the assets and checks a
    subset run selected (dagster-dbt's rule for them)."""
    selection, indirect = get_subset_selection_for_context(
        context=context,
        manifest=MANIFEST,
        select=DBT_DEFAULT_SELECT,
        exclude=None,
        selector=None,
        dagster_dbt_translator=TRANSLATOR,
        current_dbt_indirect_selection_env=None,
    )
    return [*plan.args, *RUN_FLAGS, *selection, *(["--indirect-selection", indirect] if indirect else [])]


# What @dagster_dbt.dbt_assets builds, with our checks: dagster-dbt finds the manifest, the
# translator and the default selection in these specs and tags when it invokes dbt.
@dg.multi_asset(
    name="warehouse_dbt_models",
    specs=DBT_SPECS,
    check_specs=check_specs(TEST_OWNERS),
    can_subset=True,
    op_tags={DAGSTER_DBT_SELECT_METADATA_KEY: DBT_DEFAULT_SELECT},
    pool=WAREHOUSE_POOL,
    # The models are incremental by staging batch, not by date: a day's run builds whatever
    # its landing brought in. Partitioned like every warehouse asset so that a day is one run.
    partitions_def=EXTRACTION_DAYS,
    backfill_policy=ONE_RUN_PER_DAY,
    allow_arbitrary_check_specs=True,  # tests of dbt sources check the landing's assets
)
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[
    dg.Output[Any] | dg.AssetMaterialization | dg.AssetObservation | dg.AssetCheckResult | dg.AssetCheckEvaluation
]:
    """One `dbt build` per run: seeds, models and tests in dependency order.

    A failing ERROR test fails this step, so publishing never runs on unaudited marts; the
    tests' results are reported first, as each model's `dbt_tests` check.
    """
    # dbt's profile reads the working database path from the environment.
    os.environ.update(warehouse.dbt_env())
    started_at = datetime.now(UTC)
    tests: list[DbtTestOutcome] = []
    status = "failed"
    with warehouse.connect() as con:
        batch_before = staging_batch(con)
        published = last_publish(con)
        last_fingerprint = last_transform_fingerprint(con)
    fingerprint = transform_fingerprint(DBT_PROJECT_DIR)
    plan = build_args(
        warehouse.settings.dbt_full_refresh,
        published.staging_batch if published else None,
        last_fingerprint,
        fingerprint,
    )
    os.environ.update(plan.env())
    context.log.info("dbt %s (%s)", " ".join(plan.args), plan.why)
    fault_point("dbt_before_build")
    target = run_target_path(DBT_PROJECT.manifest_path.parent, context.op_execution_context.op.name, context.run_id)
    restore_parse_state(warehouse.settings.dbt_state_dir, target)
    failure: DbtFailed | None = None
    try:
        try:
            for count, event in enumerate(
                stream_dbt(dbt_args(context, plan), project_dir=DBT_PROJECT_DIR, target_path=target), 1
            ):
                outcome = outcome_of(event.raw_event)
                if outcome is not None:
                    tests.append(outcome)
                else:
                    yield from event.to_default_asset_events(
                        manifest=MANIFEST,
                        dagster_dbt_translator=TRANSLATOR,
                        context=context,
                        target_path=target,
                        project=DBT_PROJECT,
                    )
                if count == 10:
                    fault_point("dbt_mid_build")
        except DbtFailed as error:
            failure = error
        # The tests' results first, failed ones included: then a failed build fails the step.
        yield from check_results(tests, TEST_OWNERS, context.selected_asset_check_keys)
        if failure is not None:
            raise failure
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
                    "checks_passed": sum(t.status == "pass" for t in tests),
                    "checks_failed": sum(t.status != "pass" for t in tests),
                    "full_refresh": "--full-refresh" in plan.args,
                    "transform_fingerprint": fingerprint,
                    **rows,
                },
            )
        if status == "succeeded":
            keep_parse_state(target, warehouse.settings.dbt_state_dir)
        pruned = prune_run_targets(target)
        if pruned:
            context.log.debug("removed %d old dbt target folders", len(pruned))
