"""The Spark engine's configuration and the functions it registers, without starting Spark: the
settings it is built from, and rapidfuzz's functions against DuckDB's on real names."""

from __future__ import annotations

import csv
import itertools
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, load_settings
from orchestration.spark_engine import (
    damerau_levenshtein,
    jaro_winkler_similarity,
    parse_extra_conf,
    raw_zone_ddl,
    spark_conf,
)
from orchestration.sql_text import quote_spark_literal


def test_the_engine_is_duckdb_unless_the_environment_says_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAREHOUSE_ENGINE", raising=False)
    assert load_settings().engine == "duckdb"
    monkeypatch.setenv("WAREHOUSE_ENGINE", " Spark ")
    assert load_settings().engine == "spark"
    monkeypatch.setenv("WAREHOUSE_ENGINE", "snowflake")
    with pytest.raises(ValueError, match=r"WAREHOUSE_ENGINE='snowflake': expected one of duckdb, spark"):
        load_settings()


def test_the_table_format_is_parquet_unless_the_environment_names_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPARK_TABLE_FORMAT", raising=False)
    assert load_settings().spark_table_format == "parquet"
    monkeypatch.setenv("SPARK_TABLE_FORMAT", "Delta")
    settings = load_settings()
    assert settings.spark_table_format == "delta"
    assert WarehouseResource.from_settings(settings).dbt_env()["SPARK_TABLE_FORMAT"] == "delta"  # what dbt reads
    monkeypatch.setenv("SPARK_TABLE_FORMAT", "csv")
    with pytest.raises(ValueError, match=r"SPARK_TABLE_FORMAT='csv': expected one of parquet, delta, iceberg"):
        load_settings()


def test_the_session_is_built_from_the_settings_and_spark_conf_wins(tmp_path: Path) -> None:
    settings = replace(
        load_settings(),
        warehouse_dir=tmp_path,
        spark_master="spark://127.0.0.1:7077",
        spark_conf="spark.sql.shuffle.partitions=64;\n spark.hadoop.fs.s3a.endpoint = http://minio:9000 ",
    )
    conf = spark_conf(settings)
    assert conf["spark.master"] == "spark://127.0.0.1:7077"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path / "spark" / "tables")
    assert str(tmp_path / "spark" / "metastore_db") in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert conf["spark.sql.shuffle.partitions"] == "64"  # SPARK_CONF over the named setting
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://minio:9000"


def test_a_malformed_spark_conf_names_the_pair() -> None:
    with pytest.raises(ValueError, match=r"SPARK_CONF: 'spark.executor.cores' is not key=value"):
        parse_extra_conf("spark.executor.cores;spark.a=b")
    assert parse_extra_conf("") == {}


def test_spark_literals_escape_backslashes_and_quotes() -> None:
    assert quote_spark_literal("/data/o'brien\\raw") == "'/data/o\\'brien\\\\raw'"


def test_the_raw_zone_is_declared_with_its_load_keys_as_partitions(tmp_path: Path) -> None:
    statements = raw_zone_ddl(tmp_path / "raw")
    created = [s for s in statements if s.startswith("create table")]
    assert [s.split()[2] for s in created] == ["raw.event_records", "raw.file_loads", "raw.quarantine"]
    assert all("partitioned by (load_sequence, content_sha256)" in s for s in created)
    assert f"location '{(tmp_path / 'raw' / 'quarantine').as_posix()}'" in created[-1]


def _seed_name_pairs() -> list[tuple[str, str]]:
    """Every ordered pair of 400 real spellings and names from the alias seed (Latin, Cyrillic,
    accented), and the empty text."""
    with open(DBT_PROJECT_DIR / "seeds" / "entity_aliases.csv", newline="", encoding="utf-8") as seed:
        rows = list(csv.DictReader(seed))
    names = sorted({row["alias"] for row in rows} | {row["canonical_name"] for row in rows})[:400]
    return [*itertools.permutations(names, 2), ("", "a"), ("a", ""), ("", "")]


def test_the_python_functions_return_duckdbs_values_exactly() -> None:
    """The models call jaro_winkler_similarity and damerau_levenshtein by DuckDB's names; on Spark
    these Python functions stand in for them and must agree to the last bit (merges and the
    review queue's scores depend on them). 159,603 pairs."""
    pairs = _seed_name_pairs()
    table = pa.table({"l": [left for left, _ in pairs], "r": [right for _, right in pairs]})
    with duckdb.connect() as con:
        con.register("pairs", table)
        expected = con.execute(
            "select l, r, jaro_winkler_similarity(l, r), damerau_levenshtein(l, r) from pairs"
        ).fetchall()
    differing = [
        (left, right)
        for left, right, jaro, damerau in expected
        if jaro_winkler_similarity(left, right) != jaro or damerau_levenshtein(left, right) != damerau
    ]
    assert differing == []
    assert jaro_winkler_similarity(None, "a") is None and damerau_levenshtein("a", None) is None


def test_the_pipeline_refuses_the_spark_engine_until_it_is_ported(tmp_path: Path) -> None:
    from orchestration.definitions import build_definitions

    settings = replace(load_settings(), warehouse_dir=tmp_path, engine="spark")
    with pytest.raises(ValueError, match=r"WAREHOUSE_ENGINE='spark': the pipeline runs on duckdb only so far"):
        build_definitions(settings)
