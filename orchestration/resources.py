"""Dagster resources, built from `settings` (environment variables) in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings, load_settings


class WarehouseResource(dg.ConfigurableResource):
    """Where the pipeline reads and writes, and how DuckDB may use the machine (see Settings)."""

    landing_dir: str
    warehouse_dir: str
    duckdb_memory_limit: str
    duckdb_threads: int
    max_quarantine_share: float
    quarantine_share_min_records: int
    publish_keep_versions: int

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        values = asdict(settings)
        return cls(**{k: str(v) if isinstance(v, Path) else v for k, v in values.items()})

    @property
    def settings(self) -> Settings:
        values = {f.name: getattr(self, f.name) for f in fields(Settings)}
        return Settings(
            **values | {"landing_dir": Path(self.landing_dir), "warehouse_dir": Path(self.warehouse_dir)}
        )

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database. Writers hold it only inside the `warehouse` pool (size 1)."""
        settings = self.settings
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(
            str(settings.working_db), read_only=read_only, config=settings.duckdb_config()
        )
        try:
            con.execute("set enable_progress_bar = false")  # logs, not terminal animations
            yield con
        finally:
            con.close()

    def dbt_env(self) -> dict[str, str]:
        """What dbt's profile reads (profiles.yml): it runs as a subprocess of this one."""
        settings = self.settings
        return {
            "WAREHOUSE_DB_PATH": str(settings.working_db),
            "DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
            "DUCKDB_THREADS": str(settings.duckdb_threads),
        }


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    settings = settings or load_settings()
    return {
        "warehouse": WarehouseResource.from_settings(settings),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=str(DBT_EXECUTABLE),
        ),
    }
