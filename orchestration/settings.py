"""Every setting of the pipeline, read from environment variables in one place.

Defaults make a fresh clone work (`make run`); production overrides them through the
environment. Paths may be anywhere on disk: relative ones resolve against the repository.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# dbt-core installed beside this interpreter (the project's venv), whatever PATH says.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
# The options duckdb.connect(config=...) takes, as its stub types them (a dict, so exactly this type).
DuckDBConfig = dict[str, str | bool | int | float | list[str]]
# No row-group compaction at checkpoints, on every connection that writes the warehouse or a
# published file (dbt's profile sets it too). With it, every append makes the next checkpoint
# merge the table's partly filled row groups (one per landed file, incremental build or publish
# patch) and rewrite them: closing the warehouse after landing 300k records took 4.9 s, and
# 0.1 s without. A full refresh rewrites the dbt tables compactly; the publisher rewrites a
# fragmented published file whole (docs/operations.md: compaction).
NO_COMPACTION: DuckDBConfig = {"max_vacuum_tasks": "0"}


def pipeline_subprocess_env(landing_dir: Path, warehouse_dir: Path) -> dict[str, str]:
    """The environment of a `python -m orchestration.run_pipeline` child over these directories,
    on an ephemeral Dagster instance (no DAGSTER_HOME), without analytics or telemetry."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return env | {
        "LANDING_DIR": str(landing_dir),
        "WAREHOUSE_DIR": str(warehouse_dir),
        "GX_ANALYTICS_ENABLED": "False",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }


_BYTE_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


def parse_byte_size(text: str) -> int | None:
    """DuckDB's size syntax ("4GB", "512 MiB", "100000b") in bytes; None if not of that form."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b)\s*", text.lower())
    if match is None or match.group(2) not in _BYTE_UNITS:
        return None
    return int(float(match.group(1)) * _BYTE_UNITS[match.group(2)])


def _path(name: str, default: str) -> Path:
    value = Path(os.environ.get(name, default)).expanduser()
    return value if value.is_absolute() else (REPO_ROOT / value)


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError as exc:  # a typo in the environment must say which variable
        raise ValueError(f"{name}={raw!r} is not a number") from exc


# WAREHOUSE_ENGINE: DuckDB, embedded (the default), or Spark (a local or standalone cluster).
ENGINES = ("duckdb", "spark")
# SPARK_TABLE_FORMAT: how Spark stores the dbt tables. Parquet needs nothing beyond Spark; Delta
# and Iceberg need their jars on the cluster (docs/scale-out.md).
SPARK_TABLE_FORMATS = ("parquet", "delta", "iceberg")


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    duckdb_memory_limit: str
    duckdb_threads: int
    max_quarantine_share: float
    quarantine_share_min_records: int = 100
    publish_keep_versions: int = 5
    dbt_full_refresh: bool = False
    # The engine dbt builds with (ENGINES); the spark_* settings are read only by the Spark one
    # (orchestration/spark_engine.py; docs/scale-out.md).
    engine: str = "duckdb"
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    spark_executor_memory: str = "1g"
    spark_shuffle_partitions: int = 8
    spark_conf: str = ""
    spark_table_format: str = "parquet"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"WAREHOUSE_ENGINE={self.engine!r}: expected one of {', '.join(ENGINES)}")
        if self.spark_table_format not in SPARK_TABLE_FORMATS:
            raise ValueError(
                f"SPARK_TABLE_FORMAT={self.spark_table_format!r}: expected one of {', '.join(SPARK_TABLE_FORMATS)}"
            )

    @property
    def working_db(self) -> Path:
        """The writer's DuckDB file: raw, staging, intermediate and mart schemas."""
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        """What analysts and BI tools open (read-only); replaced atomically by publish."""
        return self.warehouse_dir / "published.duckdb"

    @property
    def raw_dir(self) -> Path:
        """The raw zone: landed records as Parquet, one folder per load (landing/raw_zone.py)."""
        return self.warehouse_dir / "raw"

    @property
    def spark_dir(self) -> Path:
        """The Spark engine's catalog (metastore) and table files (orchestration/spark_engine.py)."""
        return self.warehouse_dir / "spark"

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where DuckDB spills when a query needs more than memory_limit."""
        return self.warehouse_dir / "duckdb_tmp"

    @property
    def dbt_state_dir(self) -> Path:
        """dbt's parse state for this warehouse. dbt re-parses the whole project when the profile
        it parsed with changes, and the profile names this warehouse's files: a state shared
        between warehouses would never match the next one."""
        return self.warehouse_dir / "dbt_state"

    @property
    def exports_dir(self) -> Path:
        return self.warehouse_dir / "exports"

    @property
    def site_dir(self) -> Path:
        """The report, dbt docs and Data Docs of the published version (a link, swapped atomically)."""
        return self.warehouse_dir / "site"

    @property
    def data_docs_dir(self) -> Path:
        """GX Data Docs written by the checks, one folder per run, until the publish ships them."""
        return self.warehouse_dir / "data_docs"

    @property
    def landing_chunk_bytes(self) -> int:
        """Text validated per landing statement: 1/64 of DuckDB's memory limit (64 KiB to
        32 MiB). DuckDB's JSON functions hold a whole vector (≤ 2,048 records) of parsed
        documents at once, several times the text's size per thread, so small limits need
        chunks well below a vector; above 32 MiB a bigger chunk buys no speed."""
        limit = parse_byte_size(self.duckdb_memory_limit) or 4 * 1024**3
        return min(32 * 1024**2, max(64 * 1024, limit // 64))

    def duckdb_config(self) -> DuckDBConfig:
        return {
            "memory_limit": self.duckdb_memory_limit,
            "threads": str(self.duckdb_threads),
            "temp_directory": str(self.duckdb_temp_dir),
            **NO_COMPACTION,
        }


@dataclass(frozen=True)
class PostgresTarget:
    """Where the optional PostgreSQL publish copies the marts (PUBLISH_POSTGRES_*)."""

    dsn: str
    schema: str = "marts"
    reader_role: str = "bi_reader"  # NOLOGIN role granted read access; BI logins join it
    dsn_env_var: str | None = None  # the variable the DSN came from (kept out of Dagster's UI)


POSTGRES_DSN_ENV_VAR = "PUBLISH_POSTGRES_DSN"


def load_postgres_target() -> PostgresTarget | None:
    """The PostgreSQL publish target, or None (the default) when PUBLISH_POSTGRES_DSN is unset."""
    dsn = os.environ.get(POSTGRES_DSN_ENV_VAR, "").strip()
    if not dsn:
        return None
    return PostgresTarget(
        dsn,
        schema=os.environ.get("PUBLISH_POSTGRES_SCHEMA", "marts"),
        reader_role=os.environ.get("PUBLISH_POSTGRES_READER_ROLE", "bi_reader"),
        dsn_env_var=POSTGRES_DSN_ENV_VAR,
    )


def load_settings() -> Settings:
    return Settings(
        landing_dir=_path("LANDING_DIR", "data/landing"),
        warehouse_dir=_path("WAREHOUSE_DIR", "warehouse"),
        duckdb_memory_limit=os.environ.get("DUCKDB_MEMORY_LIMIT", "4GB"),
        duckdb_threads=int(_float("DUCKDB_THREADS", 2)),
        # Share of a run's records that may be quarantined before the run is treated as broken
        # (a bad export, not a few bad records). Only judged from this many records on: in a
        # handful of records a share says nothing, and each bad one is quarantined anyway.
        max_quarantine_share=_float("MAX_QUARANTINE_SHARE", 0.5),
        quarantine_share_min_records=int(_float("QUARANTINE_SHARE_MIN_RECORDS", 100)),
        # Published versions kept under $WAREHOUSE_DIR/versions/ for `make rollback`.
        publish_keep_versions=max(1, int(_float("PUBLISH_KEEP_VERSIONS", 5))),
        # Rebuild the incremental dbt models from all of raw (after changing one of them).
        dbt_full_refresh=os.environ.get("DBT_FULL_REFRESH", "").lower() in ("1", "true", "yes"),
        engine=os.environ.get("WAREHOUSE_ENGINE", "duckdb").strip().lower() or "duckdb",
        spark_master=os.environ.get("SPARK_MASTER", "local[2]"),
        spark_driver_memory=os.environ.get("SPARK_DRIVER_MEMORY", "2g"),
        spark_executor_memory=os.environ.get("SPARK_EXECUTOR_MEMORY", "1g"),
        spark_shuffle_partitions=max(1, int(_float("SPARK_SHUFFLE_PARTITIONS", 8))),
        spark_conf=os.environ.get("SPARK_CONF", ""),
        spark_table_format=os.environ.get("SPARK_TABLE_FORMAT", "parquet").strip().lower() or "parquet",
    )
