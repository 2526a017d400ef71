"""The landing sensor requests one run per new state of the landing directory."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.settings import Settings
from tests.conftest import real_event, write_jsonl

pytestmark = pytest.mark.integration


def test_sensor_requests_a_run_per_landing_change(settings: Settings) -> None:
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("landing_directory_sensor")
    resources = {"warehouse": defs.resources["warehouse"]}

    empty = sensor(dg.build_sensor_context(resources=resources))
    assert isinstance(empty, dg.SkipReason)

    write_jsonl(settings.landing_dir / "day1.jsonl", [real_event()])
    context = dg.build_sensor_context(resources=resources)
    first = sensor(context)
    assert isinstance(first, dg.RunRequest)
    again = sensor(dg.build_sensor_context(resources=resources, cursor=context.cursor))
    assert isinstance(again, dg.SkipReason)  # a second tick over the same files: no new run

    write_jsonl(settings.landing_dir / "day2.jsonl", [real_event()])
    changed = sensor(dg.build_sensor_context(resources=resources, cursor=context.cursor))
    assert isinstance(changed, dg.RunRequest) and changed.run_key != first.run_key
