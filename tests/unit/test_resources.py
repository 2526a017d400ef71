"""The dbt resource's shortcut: the version it assumes is the one `dbt --version` reports."""

from dagster_dbt import DbtCliResource

from orchestration.resources import VenvDbtCliResource
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR


def test_dbt_version_from_package_metadata_matches_the_executable() -> None:
    arguments = {"project_dir": str(DBT_PROJECT_DIR), "dbt_executable": str(DBT_EXECUTABLE)}
    asked = DbtCliResource(**arguments)._cli_version  # runs `dbt --version`
    assert VenvDbtCliResource(**arguments)._cli_version == asked
