"""Great Expectations suites over the marts about to be published, as blocking asset checks.

They run after `dbt build` (whose tests are asset checks of their own) and before publishing:
an ERROR expectation that fails keeps `published/warehouse` from running. They validate the
batch (rows of events that received records since the last publish; orchestration/incremental.py),
so their cost follows the new data; whole-table invariants are dbt's tests.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg

from orchestration.checks.gx_worker import validate_tables
from orchestration.checks.suites import SUITES, check_queries
from orchestration.faults import fault_point
from orchestration.keys import WAREHOUSE_POOL, mart_key
from orchestration.resources import GreatExpectationsResource, WarehouseResource
from orchestration.run_audit import record_stage

GX_CHECK_SPECS = [
    dg.AssetCheckSpec(
        f"gx_{name}",
        asset=mart_key(table),
        blocking=True,
        description=f"Great Expectations: {class_name}",
    )
    for table, expectations in SUITES.items()
    for name, class_name, _, _ in expectations
]


@dg.multi_asset_check(specs=GX_CHECK_SPECS, name="gx_mart_suites", pool=WAREHOUSE_POOL)
def gx_mart_suites(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    great_expectations: GreatExpectationsResource,  # its worker, started with the run
) -> Iterator[dg.AssetCheckResult]:
    started_at = datetime.now(UTC)
    with warehouse.connect(read_only=True) as con:
        scope, queries = check_queries(con)
        # As Arrow, for GX's worker, which validates them as DataFrames: GX's SQL datasource
        # over DuckDB is broken.
        frames = {table: con.sql(queries[table]).to_arrow_table() for table in SUITES}
    context.log.info(
        "GX validates the %s: %s",
        scope,
        ", ".join(f"{table} {frame.num_rows} rows" for table, frame in frames.items()),
    )
    fault_point("checks_before_gx")
    # The Data Docs of this run's validations; the publish moves them into its site.
    outcomes = validate_tables(frames, data_docs_dir=warehouse.settings.data_docs_dir / context.run.run_id)
    fault_point("checks_after_gx")
    failed = [o for o in outcomes if not o.passed]
    with warehouse.connect() as con:
        record_stage(
            con,
            context.run.run_id,
            "checks",
            started_at,
            "failed" if any(o.blocks_publish for o in outcomes) else "succeeded",
            {
                "checks_passed": len(outcomes) - len(failed),
                "checks_failed": len(failed),
                "scope": scope,
                "rows_validated": sum(frame.num_rows for frame in frames.values()),
            },
        )
    context.log.info(
        "GX: %d expectations, %d failed (%d blocking)",
        len(outcomes),
        len(failed),
        sum(o.blocks_publish for o in outcomes),
    )
    for outcome in outcomes:
        yield dg.AssetCheckResult(
            asset_key=mart_key(outcome.table),
            check_name=outcome.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity(outcome.severity),
            description=outcome.description,
            metadata={k: v for k, v in outcome.metadata.items() if v is not None},
        )
