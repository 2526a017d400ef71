"""Revisions arriving in any order give the same marts: current version = latest extracted_at
per event, complete history. Hypothesis shuffles the delivery order of files holding
re-extractions and a page/export twin; landing runs per delivery, dbt builds at the end."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from tests.conftest import SAMPLES
from tests.integration.conftest import dbt
from tools.sample_data.generator import write

pytestmark = pytest.mark.integration

COMPARED = (
    "select event_id, version_number, extracted_at, valid_to, is_current, headline, n_outlets, "
    "confidence_score, verification_level, quality_flags from marts.fct_event_versions order by all"
)


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    source = tmp_path_factory.mktemp("deliveries")
    write(source, events=120, days=3, start=date(2026, 5, 24), seed=3, defect_rate=0.0)
    shutil.copy(SAMPLES / "event-page-7367235.txt", source)
    shutil.copy(SAMPLES / "event-7367235.jsonl", source)
    return sorted(source.iterdir())


@pytest.fixture(scope="module")
def dbt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every build of this module puts its warehouse file and dbt's artifacts: one path,
    so that dbt's parse state made by the first build serves the others."""
    return tmp_path_factory.mktemp("dbt")


def build(deliveries: list[Path], order: list[int], workdir: Path, dbt_dir: Path) -> list[tuple]:
    db = dbt_dir / "warehouse.duckdb"
    db.unlink(missing_ok=True)  # the previous build's (a checkpointed file, no WAL left)
    shutil.rmtree(dbt_dir / "raw", ignore_errors=True)
    started = datetime(2026, 6, 1, tzinfo=UTC)
    with duckdb.connect(str(db)) as con:
        for step, index in enumerate(order):
            landing = workdir / f"delivery-{step}"
            landing.mkdir()
            shutil.copy(deliveries[index], landing)
            load_files(
                con,
                discover(landing),
                raw_dir=dbt_dir / "raw",
                load_id=f"run-{step}",
                loaded_at=started + timedelta(minutes=step),
            )
    build = dbt(["build", "--quiet"], db=db, scratch=dbt_dir)
    assert build.returncode == 0, build.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(COMPARED).fetchall()
        assert (
            con.execute(
                "select count(*) from marts.fct_events e join marts.fct_event_versions v "
                "on v.version_id = e.current_version_id and v.extracted_at = "
                "(select max(extracted_at) from marts.fct_event_versions w where w.event_id = e.event_id)"
            ).fetchall()
            == con.execute("select count(*) from marts.fct_events").fetchall()
        )
    return rows


@pytest.fixture(scope="module")
def reference(deliveries, tmp_path_factory, dbt_dir) -> list[tuple]:
    rows = build(deliveries, list(range(len(deliveries))), tmp_path_factory.mktemp("reference"), dbt_dir)
    assert any(version > 1 for _, version, *_ in rows), "the data must hold re-extractions"
    return rows


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_marts_do_not_depend_on_arrival_order(deliveries, reference, tmp_path_factory, dbt_dir, data) -> None:
    order = data.draw(st.permutations(range(len(deliveries))))
    assert build(deliveries, list(order), tmp_path_factory.mktemp("shuffled"), dbt_dir) == reference
