"""The dbt project's own unit tests (`unit_tests:` in the models' YAML): the logic that decides
results (scores and levels, name keys, the resolver's guard rails, source-count consistency) on
inputs written by hand. dbt reads the column types of a unit test's inputs from the warehouse,
so the project is first built empty (`--empty`: every model with no rows) in a scratch file.

The same empty build holds every model's real columns, which the YAML must document where they
decide how the model's tests are scoped (macros/test_scope.sql)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.landing.warehouse_schema import ensure_raw_zone
from tests.integration.conftest import dbt

pytestmark = pytest.mark.integration

# The columns macros/test_scope.sql scopes an incremental run's tests by.
SCOPING_COLUMNS = {"rebuilt_batch", "event_id", "staging_batch"}


@dataclass(frozen=True)
class EmptyBuild:
    db: Path
    target: Path
    done: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory: pytest.TempPathFactory) -> EmptyBuild:
    scratch = tmp_path_factory.mktemp("empty_build")
    db = scratch / "unit.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_raw_zone(con, scratch / "raw")  # the sources, as landing creates them
    # Data tests are left out: on empty tables they say nothing.
    done = dbt(["build", "--empty", "--exclude-resource-type", "test"], db=db, scratch=scratch)
    return EmptyBuild(db, scratch / "target", done)


def test_every_dbt_unit_test_passes(empty_build: EmptyBuild) -> None:
    results = json.loads((empty_build.target / "run_results.json").read_text())["results"]
    unit = {r["unique_id"].rsplit(".", 1)[1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert empty_build.done.returncode == 0, empty_build.done.stdout[-4000:]
    assert len(unit) >= 6, unit
    assert set(unit.values()) == {"pass"}, unit


def test_every_model_documents_the_columns_its_tests_are_scoped_by(empty_build: EmptyBuild) -> None:
    """test_scope.sql reads a model's columns from the manifest (a catalog query per test
    costs a second per run): a scoping column the YAML leaves out would make its tests read
    the whole table on every run."""
    assert empty_build.done.returncode == 0, empty_build.done.stdout[-4000:]
    manifest = json.loads((empty_build.target / "manifest.json").read_text())
    with duckdb.connect(str(empty_build.db), read_only=True) as con:
        built: dict[tuple[str, str], set[str]] = {}
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall():
            built.setdefault((schema, table), set()).add(column)
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    undocumented = {
        node["name"]: sorted((built[(node["schema"], node["alias"])] & SCOPING_COLUMNS) - set(node["columns"]))
        for node in models
    }
    assert len(models) > 20 and all((n["schema"], n["alias"]) in built for n in models)
    assert {name: columns for name, columns in undocumented.items() if columns} == {}
