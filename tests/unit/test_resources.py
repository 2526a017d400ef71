"""The dbt resource's shortcut: the version it assumes is the one `dbt --version` reports; the
PostgreSQL target's DSN never shows in Dagster."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.resources import VenvDbtCliResource, build_resources
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, load_postgres_target, load_settings


def test_dbt_version_from_package_metadata_matches_the_executable() -> None:
    arguments = {"project_dir": str(DBT_PROJECT_DIR), "dbt_executable": str(DBT_EXECUTABLE)}
    asked = DbtCliResource(**arguments)._cli_version  # runs `dbt --version`
    assert VenvDbtCliResource(**arguments)._cli_version == asked


def test_a_postgres_dsn_from_the_environment_reaches_dagster_as_the_variable_not_its_value(monkeypatch) -> None:
    """The DSN holds a password: Dagster's UI and run configs show an EnvVar's name only."""
    monkeypatch.setenv("PUBLISH_POSTGRES_DSN", "postgresql://bi:s3cret@db.example/warehouse")
    resource = build_resources(load_settings(), load_postgres_target())["postgres"]
    assert isinstance(resource.dsn, dg.EnvVar) and resource.dsn == "PUBLISH_POSTGRES_DSN"
    assert "s3cret" not in repr(resource)


def test_without_a_postgres_dsn_there_is_no_postgres_publish(monkeypatch) -> None:
    monkeypatch.delenv("PUBLISH_POSTGRES_DSN", raising=False)
    assert load_postgres_target() is None
    assert "postgres" not in build_resources(load_settings(), None)
