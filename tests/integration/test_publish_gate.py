"""Publishing happens only after every blocking check passed; a failed run leaves the previous
published version intact and readable (asserted on the file, not just the run status)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.outcomes import CheckOutcome
from orchestration.publish.publisher import read_published_version
from orchestration.settings import Settings
from tests.conftest import make_event, real_event, write_jsonl
from tests.integration.conftest import query, run_pipeline, settings_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def first_publish(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A landing and warehouse directory after one published run, and the version it published."""
    root = tmp_path_factory.mktemp("published_once")
    settings = settings_for(root)
    write_jsonl(settings.landing_dir / "day1.jsonl", [real_event()])
    run = run_pipeline(settings)
    assert run.result.success and run.published
    version = read_published_version(settings.published_db)
    assert version is not None
    return root, version


@pytest.fixture
def published_once(first_publish: tuple[Path, str], tmp_path: Path) -> tuple[Settings, str]:
    """A copy of `first_publish` of the test's own (the tests run more into it)."""
    root, version = first_publish
    shutil.copytree(root, tmp_path / "copy", symlinks=True)
    return settings_for(tmp_path / "copy"), version


def _assert_previous_version_intact(settings: Settings, version: str) -> None:
    assert read_published_version(settings.published_db) == version
    assert query(settings.published_db, "select count(*) from fct_events") == [(1,)]
    leftovers = [p.name for p in settings.warehouse_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_quarantine_share_over_limit_fails_run_and_keeps_previous_publish(published_once) -> None:
    settings, version = published_once
    write_jsonl(
        settings.landing_dir / "day2-broken.jsonl",
        ['{"broken": ', "not json", make_event("ok-1", [("Reuters", "certain")])],
    )
    run = run_pipeline(settings, max_quarantine_share=0.1, quarantine_share_min_records=1)
    assert not run.result.success
    assert not run.published
    assert run.failed_checks() == ["raw/quarantine:quarantine_share_within_limit"]
    _assert_previous_version_intact(settings, version)

    # The broken file is no longer new, but it was never published: the next run still fails...
    again = run_pipeline(settings, max_quarantine_share=0.1, quarantine_share_min_records=1)
    assert not again.published
    assert again.failed_checks() == ["raw/quarantine:quarantine_share_within_limit"]
    _assert_previous_version_intact(settings, version)
    # ...until an operator accepts the batch for one run (runbook), which publishes it.
    accepted = run_pipeline(settings, max_quarantine_share=1.0, quarantine_share_min_records=1)
    assert accepted.result.success and accepted.published
    assert query(settings.published_db, "select count(*) from fct_events") == [(2,)]


def test_failing_gx_expectation_blocks_publish(published_once, monkeypatch) -> None:
    settings, version = published_once
    write_jsonl(settings.landing_dir / "day2.jsonl", [make_event("ok-2", [("Reuters", "certain")])])

    def validate_with_one_failure(frames, data_docs_dir=None):
        return [
            CheckOutcome("fct_events", "gx_score_in_unit_interval", False, "ERROR", "planted failure"),
            CheckOutcome("fct_events", "gx_event_id_unique", True, "ERROR", "ok"),
        ]

    monkeypatch.setattr("orchestration.checks.assets.validate_tables", validate_with_one_failure)
    run = run_pipeline(settings)
    assert not run.result.success
    assert not run.published
    assert run.failed_checks() == ["marts/fct_events:gx_score_in_unit_interval"]
    _assert_previous_version_intact(settings, version)

    # Once the checks pass again, the next run publishes the new batch.
    monkeypatch.undo()
    recovered = run_pipeline(settings)
    assert recovered.result.success and recovered.published
    assert read_published_version(settings.published_db) != version
    assert query(settings.published_db, "select count(*) from fct_events") == [(2,)]

    # Every run left its audit trail, the failed one included, published with the marts.
    runs = query(
        settings.published_db,
        "select status, checks_failed, files_loaded, rows_loaded, published_version, "
        "landing_seconds is not null and dbt_seconds is not null and checks_seconds is not null "
        "from audit_runs order by started_at",
    )
    current = read_published_version(settings.published_db)
    assert runs == [
        ("published", 0, 1, 1, version, True),
        ("failed", 1, 1, 1, None, True),
        ("published", 0, 0, 0, current, True),
    ]
    # The same trail is in the Dagster UI, on the publish materialisation (newest run first).
    [publish_event] = [
        m
        for m in recovered.result.get_asset_materialization_events()
        if m.asset_key.to_user_string() == "published/warehouse"
    ]
    table = publish_event.materialization.metadata["audit_runs"].value.splitlines()
    assert [line.split(" | ")[2] for line in table[2:]] == ["published", "failed", "published"]
    assert table[3].startswith(f"| {run.result.run_id} |")


def test_failing_dbt_test_blocks_publish_and_names_the_test(published_once) -> None:
    """A dbt test that fails stops the build's step (dbt runs in the run's own process) after it
    reported every test as its model's `dbt_tests` check, the failing one named in it."""
    settings, version = published_once
    with duckdb.connect(str(settings.working_db)) as con:  # an outlet tier no tier table knows
        con.execute("update seeds.outlet_registry set reliability_tier = 9 where outlet_id = 'reuters'")
    write_jsonl(settings.landing_dir / "day2.jsonl", [make_event("ok-2", [("Reuters", "certain")])])
    run = run_pipeline(settings)
    assert not run.result.success
    assert not run.published
    assert "marts/dim_outlets:dbt_tests" in run.failed_checks()
    [check] = [
        c
        for c in run.result.get_asset_check_evaluations()
        if c.asset_key.to_user_string() == "marts/dim_outlets" and c.check_name == "dbt_tests"
    ]
    failed = check.metadata["failed"].value
    assert any(name.startswith("accepted_values_dim_outlets_reliability_tier") for name in failed), failed
    passed = [c for c in run.result.get_asset_check_evaluations() if c.check_name == "dbt_tests" and c.passed]
    assert passed  # the models whose tests passed say so too
    _assert_previous_version_intact(settings, version)
