"""The PostgreSQL target's DSN never shows in Dagster."""

import dagster as dg

from orchestration.resources import build_resources
from orchestration.settings import load_postgres_target, load_settings


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
