"""Reduced crash-safety run (the full one is `make chaos`): SIGKILL at the riskiest named
points and at one seeded random moment, then a normal re-run in the same persistent Dagster
instance must finish within the bound and give the clean run's marts, no temporary files, and a
published file that was complete at every moment. Regressions found by `make chaos`
(tests/chaos/regressions.json) are replayed here."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.chaos.harness import REGRESSIONS, Case, Reference, check_case, clean_reference

pytestmark = pytest.mark.integration

CASES = [
    Case(point="landing_mid_file_after_records"),
    Case(point="dbt_mid_build"),
    Case(point="publish_after_link_before_rename"),
    Case(delay_s=round(random.Random(7).uniform(1.0, 12.0), 2)),
] + [Case(point=r["point"], delay_s=r["delay_s"]) for r in json.loads(REGRESSIONS.read_text())]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return clean_reference(tmp_path_factory.mktemp("clean"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_killed_run_then_rerun_equals_clean_run(reference: Reference, tmp_path: Path, case: Case) -> None:
    assert check_case(case, tmp_path, reference) == []
