"""dbt's tests as one Dagster check per model: every test of the project has its model, and a
model's check passes only when all its tests did (ERROR on a failure, WARN on warnings only)."""

import dagster as dg

from orchestration.transform.assets import DBT_SPECS, MANIFEST, TEST_OWNERS, warehouse_dbt_models
from orchestration.transform.test_checks import (
    DBT_TESTS_CHECK,
    DbtTestOutcome,
    check_results,
    check_specs,
    outcome_of,
)

EVENTS = dg.AssetKey(["marts", "fct_events"])
OUTLETS = dg.AssetKey(["marts", "dim_outlets"])
OWNERS = {
    "test.p.unique_fct_events_event_id.1": EVENTS,
    "test.p.not_null_fct_events_event_id.2": EVENTS,
    "test.p.unique_dim_outlets_outlet_id.3": OUTLETS,
}
BOTH = {dg.AssetCheckKey(EVENTS, DBT_TESTS_CHECK), dg.AssetCheckKey(OUTLETS, DBT_TESTS_CHECK)}


def test_every_test_of_the_project_checks_one_of_its_assets() -> None:
    tests = {k for k, v in MANIFEST["nodes"].items() if v["resource_type"] == "test"}
    assert tests and set(TEST_OWNERS) == tests
    models = {spec.key for spec in DBT_SPECS}
    assert all(key in models or key.path[0] == "raw" for key in TEST_OWNERS.values())  # raw: dbt's sources
    checks = {(key.asset_key, key.name) for key in warehouse_dbt_models.check_keys}
    assert checks == {(owner, DBT_TESTS_CHECK) for owner in TEST_OWNERS.values()}


def test_one_spec_per_asset_with_tests() -> None:
    specs = check_specs(OWNERS)
    assert [(s.asset_key, s.name) for s in specs] == [(OUTLETS, DBT_TESTS_CHECK), (EVENTS, DBT_TESTS_CHECK)]
    assert "2 tests" in (specs[1].description or "")


def test_all_passed() -> None:
    outcomes = [DbtTestOutcome(t, "pass", 0) for t in OWNERS]
    results = {r.asset_key: r for r in check_results(outcomes, OWNERS, BOTH)}
    assert results[EVENTS].passed and results[OUTLETS].passed
    assert results[EVENTS].metadata["tests_run"].value == 2


def test_a_failure_fails_its_model_only_with_error_severity_and_names_the_test() -> None:
    outcomes = [
        DbtTestOutcome("test.p.unique_fct_events_event_id.1", "fail", 3),
        DbtTestOutcome("test.p.not_null_fct_events_event_id.2", "warn", 1),
        DbtTestOutcome("test.p.unique_dim_outlets_outlet_id.3", "pass", 0),
    ]
    results = {r.asset_key: r for r in check_results(outcomes, OWNERS, BOTH)}
    events = results[EVENTS]
    assert not events.passed and events.severity == dg.AssetCheckSeverity.ERROR
    assert events.metadata["failed"].value == ["unique_fct_events_event_id.1: fail, 3 rows"]
    assert events.metadata["warned"].value == ["not_null_fct_events_event_id.2: 1 rows"]
    assert results[OUTLETS].passed


def test_warnings_alone_warn() -> None:
    outcomes = [DbtTestOutcome("test.p.unique_dim_outlets_outlet_id.3", "warn", 2)]
    [result] = check_results(outcomes, OWNERS, BOTH)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN


def test_models_whose_tests_did_not_run_get_no_result_and_unknown_tests_are_ignored() -> None:
    outcomes = [
        DbtTestOutcome("test.p.unique_dim_outlets_outlet_id.3", "pass", 0),
        DbtTestOutcome("test.p.x.9", "fail", 1),
    ]
    assert [r.asset_key for r in check_results(outcomes, OWNERS, BOTH)] == [OUTLETS]


def test_a_subset_run_reports_only_its_selected_checks() -> None:
    """dbt runs every test that references a selected model; a result for a check the run did
    not select would fail the step in Dagster."""
    outcomes = [
        passed_outcome("test.p.unique_fct_events_event_id.1"),
        passed_outcome("test.p.unique_dim_outlets_outlet_id.3"),
    ]
    selected = {dg.AssetCheckKey(OUTLETS, DBT_TESTS_CHECK)}
    assert [r.asset_key for r in check_results(outcomes, OWNERS, selected)] == [OUTLETS]


def passed_outcome(unique_id: str) -> DbtTestOutcome:
    return DbtTestOutcome(unique_id, "pass", 0)


def test_a_test_result_event_becomes_an_outcome_and_other_events_none() -> None:
    event = {
        "info": {"name": "LogTestResult", "level": "info"},
        "data": {"node_info": {"unique_id": "test.p.x.1"}, "status": "fail", "num_failures": 4},
    }
    assert outcome_of(event) == DbtTestOutcome("test.p.x.1", "fail", 4)
    assert outcome_of({"info": {"name": "LogModelResult"}, "data": {}}) is None
