"""Dagster entry point: `defs` (dagster dev -m orchestration.definitions)."""

import dagster as dg

from orchestration.automation.jobs import daily_schedule, landing_directory_sensor, warehouse_job
from orchestration.checks.assets import gx_mart_suites
from orchestration.landing.assets import raw_landing
from orchestration.publish.assets import published_postgres, published_site, published_warehouse
from orchestration.resources import build_resources
from orchestration.settings import PostgresTarget, Settings, load_postgres_target, load_settings
from orchestration.transform.assets import warehouse_dbt_models


def build_definitions(settings: Settings | None = None, postgres: PostgresTarget | None = None) -> dg.Definitions:
    """The whole code location; `settings` and `postgres` default to the environment (tests pass
    their own). The PostgreSQL publish is part of it only when a target is set."""
    if settings is None:
        settings, postgres = load_settings(), load_postgres_target()
    if settings.engine != "duckdb":
        # The Spark engine lands in steps (docs/scale-out.md): its raw zone, session and first
        # models exist, the whole run does not yet. Refuse it here rather than half-run it.
        raise ValueError(
            f"WAREHOUSE_ENGINE={settings.engine!r}: the pipeline runs on duckdb only so far "
            "(docs/scale-out.md says what runs on Spark today); unset WAREHOUSE_ENGINE"
        )
    targets = [published_postgres] if postgres is not None else []
    return dg.Definitions(
        assets=[raw_landing, warehouse_dbt_models, published_warehouse, published_site, *targets],
        asset_checks=[gx_mart_suites],
        jobs=[warehouse_job],
        schedules=[daily_schedule],
        sensors=[landing_directory_sensor],
        resources=build_resources(settings, postgres),
    )


defs = build_definitions()
