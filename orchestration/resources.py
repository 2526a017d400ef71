"""Dagster resources, built from `settings` (environment variables) in one place."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from orchestration.checks.gx_worker import start_worker
from orchestration.settings import (
    DuckDBConfig,
    PostgresTarget,
    Settings,
)

log = logging.getLogger(__name__)


def connect_waiting_for_lock(
    path: Path, *, read_only: bool, config: DuckDBConfig, timeout_s: float = 300.0
) -> duckdb.DuckDBPyConnection:
    """Open DuckDB, waiting while another process holds the file's lock.

    Inside Dagster the `warehouse` pool serialises writers; what can still hold the lock is a
    process outside it: a run killed a moment ago whose process is still exiting, a `dbt` or a
    DuckDB shell started by hand. Waiting for it turns a crash-then-rerun into a slightly later
    run instead of a failed one.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            log.warning("waiting for the lock on %s: %s", path, str(error).splitlines()[0])
            time.sleep(1.0)


# ConfigurableResource is generic in the value it provides (the resource itself here), but
# subscripting it at run time makes pydantic insert a new model class into the MRO: left bare.
class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the pipeline reads and writes, and how DuckDB may use the machine (see Settings)."""

    landing_dir: str
    warehouse_dir: str
    duckdb_memory_limit: str
    duckdb_threads: int
    max_quarantine_share: float
    quarantine_share_min_records: int
    publish_keep_versions: int
    dbt_full_refresh: bool = False
    # the engine's settings: their defaults live in Settings (from_settings passes every field)
    engine: str
    spark_master: str
    spark_driver_memory: str
    spark_executor_memory: str
    spark_shuffle_partitions: int
    spark_conf: str
    spark_table_format: str

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        values: dict[str, Any] = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}
        return cls(**values)

    @property
    def settings(self) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(Settings)}
        return Settings(**values | {"landing_dir": Path(self.landing_dir), "warehouse_dir": Path(self.warehouse_dir)})

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database. Writers hold it only inside the `warehouse` pool (size 1)."""
        settings = self.settings
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        con = connect_waiting_for_lock(settings.working_db, read_only=read_only, config=settings.duckdb_config())
        try:
            con.execute("set enable_progress_bar = false")  # logs, not terminal animations
            yield con
        finally:
            con.close()

    def dbt_env(self) -> dict[str, str]:
        """What dbt's profile reads (profiles.yml) from the environment."""
        settings = self.settings
        return {
            "WAREHOUSE_ENGINE": settings.engine,
            "SPARK_TABLE_FORMAT": settings.spark_table_format,
            "WAREHOUSE_DB_PATH": str(settings.working_db),
            "DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
            "DUCKDB_THREADS": str(settings.duckdb_threads),
            "DUCKDB_TEMP_DIR": str(settings.duckdb_temp_dir),
        }


class GreatExpectationsResource(dg.ConfigurableResource):  # type: ignore[type-arg]  # see WarehouseResource
    """Starts the process's Great Expectations worker when a run that validates starts, so that
    GX's import overlaps landing and dbt (orchestration/checks/gx_worker.py)."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        start_worker()


class PostgresPublishResource(dg.ConfigurableResource):  # type: ignore[type-arg]  # see WarehouseResource
    """The optional PostgreSQL publish target (settings.PostgresTarget)."""

    dsn: str
    schema_name: str = "marts"
    reader_role: str = "bi_reader"


def build_resources(settings: Settings, postgres: PostgresTarget | None) -> dict[str, object]:
    """The resources of `settings`, plus the PostgreSQL target's when there is one."""
    resources: dict[str, object] = {
        "warehouse": WarehouseResource.from_settings(settings),
        "great_expectations": GreatExpectationsResource(),
    }
    if postgres is not None:
        # A DSN from the environment stays an EnvVar: Dagster then shows the variable's name,
        # never its value (it holds a password), in the UI and in run configs.
        resources["postgres"] = PostgresPublishResource(
            dsn=dg.EnvVar(postgres.dsn_env_var) if postgres.dsn_env_var else postgres.dsn,
            schema_name=postgres.schema,
            reader_role=postgres.reader_role,
        )
    return resources
