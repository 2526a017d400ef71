"""Dagster entry point: `defs` (dagster dev -m orchestration.definitions)."""

import dagster as dg

from orchestration.assets.checks import gx_mart_suites
from orchestration.assets.landing import raw_landing
from orchestration.assets.publish import published_warehouse
from orchestration.assets.transform import warehouse_dbt_models
from orchestration.automation import daily_schedule, landing_directory_sensor, warehouse_job
from orchestration.resources import build_resources
from orchestration.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """The whole code location; `settings` defaults to the environment (tests pass their own)."""
    return dg.Definitions(
        assets=[raw_landing, warehouse_dbt_models, published_warehouse],
        asset_checks=[gx_mart_suites],
        jobs=[warehouse_job],
        schedules=[daily_schedule],
        sensors=[landing_directory_sensor],
        resources=build_resources(settings),
    )


defs = build_definitions()
