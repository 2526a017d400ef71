"""The dbt project's own unit tests (`unit_tests:` in the models' YAML): the logic that decides
results (scores and levels, name keys, the resolver's guard rails, source-count consistency) on
inputs written by hand. dbt reads the column types of a unit test's inputs from the warehouse,
so the project is first built empty (`--empty`: every model with no rows) in a scratch file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.landing.warehouse_schema import ensure_raw_schema
from tests.integration.conftest import dbt

pytestmark = pytest.mark.integration


def test_every_dbt_unit_test_passes(tmp_path: Path) -> None:
    db = tmp_path / "unit.duckdb"
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)  # the sources, as landing creates them
    # Data tests are left out: on empty tables they say nothing.
    build = dbt(["build", "--empty", "--exclude-resource-type", "test"], db=db, scratch=tmp_path)
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    unit = {r["unique_id"].rsplit(".", 1)[1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert build.returncode == 0, build.stdout[-4000:]
    assert len(unit) >= 6, unit
    assert set(unit.values()) == {"pass"}, unit
