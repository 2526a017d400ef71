"""dbt's tests in Dagster: one asset check per model, `dbt_tests`, with every test in its metadata.

Why not one Dagster check per dbt test (dagster-dbt's default): every check costs the run three
event-log writes (planned when the run is created, the evaluation, its output), and Dagster's
SQLite event log spends about 10 ms of CPU on each. 141 tests were about 3 s of a 1k-event
run's 17 s (docs/performance.md). dbt still runs and reports each test (its log, `dbt docs`);
Dagster shows, per model, how many ran, and which failed or warned with their failing rows.

A failing ERROR test still fails the dbt step (dbt exits non-zero), so nothing is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

# dagster-dbt's own rule for the model a test belongs to (a generic test's attached node, a
# singular test's single parent, or the ref in its `meta.dagster`); not exported at the top.
from dagster_dbt.asset_utils import get_asset_check_key_for_test

DBT_TESTS_CHECK = "dbt_tests"

# dbt's statuses of a test node; "pass" is the only passing one.
FAILING = frozenset({"fail", "error"})


@dataclass(frozen=True)
class DbtTestOutcome:
    """One dbt test's result, as dbt reported it."""

    unique_id: str
    status: str  # pass | warn | fail | error | skipped
    failures: int | None  # failing rows, when dbt counted them


def outcome_of(raw_event: Mapping[str, Any]) -> DbtTestOutcome | None:
    """The test result a dbt event reports (its `LogTestResult`), None for any other event."""
    if raw_event["info"]["name"] != "LogTestResult":
        return None
    data = raw_event["data"]
    return DbtTestOutcome(data["node_info"]["unique_id"], data["status"], data.get("num_failures"))


def tests_by_asset(
    manifest: Mapping[str, Any], translator: DagsterDbtTranslator, project: DbtProject
) -> dict[str, dg.AssetKey]:
    """Every test of the manifest → the asset it checks (tests Dagster cannot place are left out)."""
    owners: dict[str, dg.AssetKey] = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "test":
            continue
        key = get_asset_check_key_for_test(manifest, translator, unique_id, project=project)
        if key is not None:
            owners[unique_id] = key.asset_key
    return owners


def check_specs(owners: Mapping[str, dg.AssetKey]) -> list[dg.AssetCheckSpec]:
    """One `dbt_tests` check per asset that has tests, sorted by asset."""
    counts: dict[dg.AssetKey, int] = defaultdict(int)
    for key in owners.values():
        counts[key] += 1
    return [
        dg.AssetCheckSpec(DBT_TESTS_CHECK, asset=key, description=f"dbt's {n} tests of this table")
        for key, n in sorted(counts.items(), key=lambda item: item[0].to_user_string())
    ]


def _name(unique_id: str) -> str:
    return unique_id.split(".", 2)[-1]


def check_results(
    outcomes: Iterable[DbtTestOutcome], owners: Mapping[str, dg.AssetKey], selected: Set[dg.AssetCheckKey]
) -> list[dg.AssetCheckResult]:
    """One result per selected asset check whose tests ran: passed when all passed; ERROR when
    any failed or errored, WARN when the worst was a warning (a `severity: warn` test over its
    threshold). A run of a subset selects only its assets' checks, while dbt also runs the tests
    that merely reference them (a relationships test of an unselected child): those are left
    out, as dagster-dbt leaves them out of its checks."""
    by_asset: dict[dg.AssetKey, dict[str, DbtTestOutcome]] = defaultdict(dict)
    for outcome in outcomes:
        owner = owners.get(outcome.unique_id)
        if owner is not None and dg.AssetCheckKey(owner, DBT_TESTS_CHECK) in selected:
            by_asset[owner][outcome.unique_id] = outcome  # one per test
    results = []
    for key, tests in sorted(by_asset.items(), key=lambda item: item[0].to_user_string()):
        ran = sorted(tests.values(), key=lambda o: o.unique_id)
        failing = [o for o in ran if o.status in FAILING]
        warned = [o for o in ran if o.status == "warn"]
        results.append(
            dg.AssetCheckResult(
                asset_key=key,
                check_name=DBT_TESTS_CHECK,
                passed=all(o.status == "pass" for o in ran),
                severity=dg.AssetCheckSeverity.ERROR if failing else dg.AssetCheckSeverity.WARN,
                metadata={
                    "tests_run": len(ran),
                    "tests_passed": sum(o.status == "pass" for o in ran),
                    "failed": [f"{_name(o.unique_id)}: {o.status}, {o.failures} rows" for o in failing],
                    "warned": [f"{_name(o.unique_id)}: {o.failures} rows" for o in warned],
                    "tests": [f"{_name(o.unique_id)}: {o.status}" for o in ran],
                },
            )
        )
    return results
