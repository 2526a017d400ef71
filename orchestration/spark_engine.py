"""The Spark engine (`WAREHOUSE_ENGINE=spark`): one SparkSession per process, configured from
settings, with the functions the models call that DuckDB has and Spark lacks.

dbt-spark's `session` method builds its relations on the process's active SparkSession, so dbt
runs in-process (orchestration/transform/dbt_in_process.py) after `start_session` made that
session: the master (`local[2]`, or a `spark://…` cluster), the catalog and table locations under
`$WAREHOUSE_DIR/spark/`, and the Python functions registered on it. pyspark is imported only here,
and only when a session is started: the DuckDB path never pays for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.landing.raw_zone import KEYS, TABLE_COLUMNS
from orchestration.settings import Settings
from orchestration.sql_text import quote_spark_literal

if TYPE_CHECKING:  # pyspark is imported when a session starts, never at import time
    from pyspark.sql import SparkSession


def parse_extra_conf(text: str) -> dict[str, str]:
    """`SPARK_CONF`: further Spark properties as `key=value` pairs separated by `;` or new lines
    (what a cluster needs beyond the named settings: an object store's credentials provider, a
    table format's jars). Raises ValueError on a pair without `=`, naming it."""
    conf: dict[str, str] = {}
    for raw in text.replace("\n", ";").split(";"):
        pair = raw.strip()
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"SPARK_CONF: {pair!r} is not key=value")
        conf[key.strip()] = value.strip()
    return conf


def spark_conf(settings: Settings) -> dict[str, str]:
    """The session's Spark properties: named settings first, SPARK_CONF's pairs over them."""
    spark_dir = settings.spark_dir.resolve()
    conf = {
        "spark.master": settings.spark_master,
        "spark.app.name": "event-warehouse",
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.executor.memory": settings.spark_executor_memory,
        # dbt's tables, as Parquet (or the table format's) files under the warehouse folder. On a
        # cluster this folder must be one every executor reaches (a shared or object-store path).
        "spark.sql.warehouse.dir": str(spark_dir / "tables"),
        # The catalog of schemas and tables: an embedded Derby database per warehouse, so that two
        # warehouses on one machine never share it. A cluster may point at its Hive metastore.
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
        # Timestamps are UTC in every published table (macros/json.sql: to_utc), as on DuckDB.
        "spark.sql.session.timeZone": "UTC",
        # A day's batch is small: 200 shuffle partitions (Spark's default) would be 200 tasks per
        # join. Adaptive execution coalesces them further and splits skewed ones at scale.
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.sql.adaptive.enabled": "true",
        # Logs, not terminal animations (as DuckDB's progress bar is off).
        "spark.ui.showConsoleProgress": "false",
    }
    return conf | parse_extra_conf(settings.spark_conf)


def jaro_winkler_similarity(left: str | None, right: str | None) -> float | None:
    """DuckDB's `jaro_winkler_similarity`, to the last bit: Jaro's similarity (rapidfuzz's equals
    DuckDB's), raised by 0.1 per common leading character (at most 4) above 0.7. DuckDB's build
    fuses that last multiply-add (one rounding, not two: 42 of 159,600 seed-name pairs differ in
    the last bit otherwise), so it is computed exactly and rounded once. Empty text scores 0."""
    from rapidfuzz.distance import Jaro

    if not isinstance(left, str) or not isinstance(right, str):
        return None
    if not left or not right:
        return 0.0
    similarity = float(Jaro.similarity(left, right))
    prefix = 0
    while prefix < min(4, len(left), len(right)) and left[prefix] == right[prefix]:
        prefix += 1
    if similarity <= 0.7 or prefix == 0:
        return similarity
    return float(Fraction(prefix * 0.1) * Fraction(1.0 - similarity) + Fraction(similarity))


def damerau_levenshtein(left: str | None, right: str | None) -> int | None:
    """DuckDB's `damerau_levenshtein` (unrestricted: rapidfuzz's is the same distance)."""
    from rapidfuzz.distance import DamerauLevenshtein

    if not isinstance(left, str) or not isinstance(right, str):
        return None
    return int(DamerauLevenshtein.distance(left, right))


# The functions DuckDB has and Spark lacks, by the name the models call them, with their Spark
# return types (tests/unit/test_spark_engine.py compares them with DuckDB's on the seeds' names).
# Arrow hands a null text to them as None, or as NaN (a float) when a batch's column is all
# nulls: any non-text is null.
PYTHON_FUNCTIONS: Mapping[str, tuple[Callable[[str | None, str | None], object], str]] = {
    "jaro_winkler_similarity": (jaro_winkler_similarity, "double"),
    "damerau_levenshtein": (damerau_levenshtein, "bigint"),
}


def register_functions(session: SparkSession) -> None:
    """Register PYTHON_FUNCTIONS on `session` (Arrow-batched Python UDFs)."""
    from pyspark.sql.functions import udf

    for name, (function, return_type) in PYTHON_FUNCTIONS.items():
        session.udf.register(name, udf(function, returnType=return_type, useArrow=True))


def raw_zone_ddl(raw_dir: Path) -> list[str]:
    """The statements that make the raw zone at `raw_dir` Spark's `raw` schema: each table an
    external Parquet table over its folder, partitioned by the load's keys, re-created (the
    warehouse folder may have moved; dropping an external table leaves its files) and its
    partitions (the visible loads) listed again. Table and column names are our constants."""
    keys = ", ".join(name for name, _ in KEYS)
    statements = ["create database if not exists raw"]
    for table, columns in TABLE_COLUMNS.items():
        declared = ", ".join(f"{name} {kind}" for name, kind in (*columns, *KEYS))
        location = quote_spark_literal((raw_dir.resolve() / table).as_posix())
        statements += [
            f"drop table if exists raw.{table}",
            f"create table raw.{table} ({declared}) using parquet partitioned by ({keys}) location {location}",
            f"alter table raw.{table} recover partitions",
        ]
    return statements


def start_session(settings: Settings) -> SparkSession:
    """The process's SparkSession for `settings`: made, configured and given the Python
    functions by the first call; later calls return it (after checking it serves `settings`)."""
    from pyspark.sql import SparkSession

    conf = spark_conf(settings)
    session = SparkSession.getActiveSession()
    if session is None:
        # Executors start Python workers for the registered functions: the project's
        # interpreter, which has rapidfuzz, not whatever `python3` is first on a worker's PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings.spark_dir.mkdir(parents=True, exist_ok=True)
        builder = SparkSession.builder.enableHiveSupport()
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("WARN")
        register_functions(session)
    # A process has one session: a second warehouse would find its tables in the first one's
    # catalog. One run is one process, so this never happens in a run.
    expected = conf["spark.sql.warehouse.dir"]
    serving = str(session.conf.get("spark.sql.warehouse.dir")).removeprefix("file:")  # Spark adds the scheme
    if serving != expected:
        raise RuntimeError(
            f"this process's Spark session serves {serving}, not {expected}: "
            "one warehouse per process on the Spark engine"
        )
    return session


def prepare_session(settings: Settings) -> SparkSession:
    """The process's session, with the raw zone's loads as they are now: call it before each dbt
    invocation (a long-lived process keeps its session while landings add loads)."""
    session = start_session(settings)
    for statement in raw_zone_ddl(settings.raw_dir):
        session.sql(statement)
    return session
