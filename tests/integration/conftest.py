"""Run the real Dagster job (dbt + DuckDB + GX) over a landing directory in a temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import build_definitions
from orchestration.files import exclusive_lock
from orchestration.run_pipeline import default_partition, publish_step_ran
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, PostgresTarget, Settings
from tests.chaos.harness import INSTANCE_YAML


@dataclass
class PipelineRun:
    result: dg.ExecuteInProcessResult
    settings: Settings

    @property
    def published(self) -> bool:
        return publish_step_ran(self.result)

    def failed_checks(self) -> list[str]:
        return sorted(
            f"{c.asset_key.to_user_string()}:{c.check_name}"
            for c in self.result.get_asset_check_evaluations()
            if not c.passed
        )


def run_pipeline(
    settings: Settings, partition: str | None = None, postgres: PostgresTarget | None = None, **overrides
) -> PipelineRun:
    """One run of the job, for `partition` (default: the one `make pipeline` would pick), with
    the PostgreSQL publish when `postgres` is given."""
    settings = replace(settings, **overrides)
    job = build_definitions(settings, postgres).resolve_job_def("warehouse_job")
    key = partition or default_partition(settings)
    return PipelineRun(job.execute_in_process(partition_key=key, raise_on_error=False), settings)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read the published file the way analysts do: read-only."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def dbt(
    args: list[str],
    *,
    db: Path,
    scratch: Path,
    project: Path = DBT_PROJECT_DIR,
    env: Mapping[str, str | None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` on the DuckDB file `db`, outside any pipeline run. Its artifacts (manifest,
    parse state, run results, logs) and DuckDB's spill files go under `scratch`, never into the
    project's own target folder: the Dagster definitions read that folder, and tests running in
    parallel share it. `env` adds to the environment (None: removes the variable)."""
    environment: dict[str, str | None] = {
        **os.environ,
        "WAREHOUSE_DB_PATH": str(db),
        "DUCKDB_TEMP_DIR": str(scratch / "duckdb_tmp"),
        "DBT_LOG_PATH": str(scratch / "logs"),
        **(env or {}),
    }
    return subprocess.run(
        [str(DBT_EXECUTABLE), *args, "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(scratch / "target")],
        cwd=project,
        env={key: value for key, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
    )


def settings_for(root: Path) -> Settings:
    """Landing and warehouse directories under `root`, small DuckDB limits, lenient quarantine."""
    (root / "landing").mkdir(parents=True, exist_ok=True)
    return Settings(
        landing_dir=root / "landing",
        warehouse_dir=root / "warehouse",
        duckdb_memory_limit="1GB",
        duckdb_threads=2,
        max_quarantine_share=0.5,
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A persistent Dagster instance folder with the project's dagster.yaml, as $DAGSTER_HOME."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


@pytest.fixture
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """The instance at `home`, opened as `make pipeline` opens it."""
    with dg.DagsterInstance.get() as instance:
        yield instance


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@dataclass(frozen=True)
class SampleWarehouse:
    """The pipeline's output over a small generated sample plus the bundled real event."""

    settings: Settings


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> SampleWarehouse:
    """One published warehouse shared by the tests that only read it (analyst guide queries,
    report, older clients, Postgres publish): 600 events over 5 days with the generator's planted
    defects, and the real sample page and export. Read it; never write into it.

    Built once per `make test`: its workers (pytest-xdist) share the run's temporary folder, and
    the first to need the warehouse builds it there while the others wait on a lock."""
    import shutil
    from datetime import date

    from tests.conftest import SAMPLES
    from tools.sample_data import build_export
    from tools.sample_data.generator import write_files

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    settings = settings_for(shared / "sample_warehouse")
    built = settings.warehouse_dir / "built-by-the-test-session"
    with exclusive_lock(shared / "sample_warehouse.lock"):
        if not built.exists():
            write_files(build_export(events=600, days=5, start=date(2026, 5, 24), seed=7).files, settings.landing_dir)
            samples = settings.landing_dir / "samples"
            samples.mkdir(exist_ok=True)
            for name in ("event-page-7367235.txt", "event-7367235.jsonl"):
                shutil.copy(SAMPLES / name, samples / name)
            run = run_pipeline(settings)
            assert run.result.success and run.published, run.failed_checks()
            built.touch()
    return SampleWarehouse(settings)
