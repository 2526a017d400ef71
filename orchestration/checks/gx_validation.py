"""Run the Great Expectations suites over the tables about to be published.

GX validates pandas DataFrames fetched from DuckDB through Arrow: GX's SQL datasource over
DuckDB (duckdb-engine) fails in metric resolution, so we never point GX at the database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.checks.outcomes import CheckOutcome
from orchestration.checks.suites import SUITES

if TYPE_CHECKING:
    import pandas as pd


def validate_tables(frames: Mapping[str, pd.DataFrame], data_docs_dir: Path | None = None) -> list[CheckOutcome]:
    """One outcome per expectation of every suite whose table is in `frames`.

    With `data_docs_dir`, GX's Data Docs of these validations (an `index.html` site with one
    page per suite and validation) are written there; the publish ships them with the report.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx  # lazy: ~3 s import, only paid by the audit step
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        context.update_data_docs_site(
            "local_site",
            {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,  # type: ignore[typeddict-unknown-key]  # GX's TypedDict is incomplete
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    source = context.data_sources.add_pandas("published_batch")
    outcomes: list[CheckOutcome] = []
    for table, expectations in SUITES.items():
        if table not in frames:
            continue
        batch_definition = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("whole_table")
        suite = gx.ExpectationSuite(name=table)
        for _, class_name, kwargs, _ in expectations:
            suite.add_expectation(getattr(gx.expectations, class_name)(**kwargs))
        suite = context.suites.add(suite)
        # A validation definition's run keeps its result in the context's store (Data Docs
        # render from there); a batch's validate() would not.
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(data=batch_definition, suite=suite, name=table)
        )
        result = validation.run(batch_parameters={"dataframe": frames[table]})
        # GX returns results in the suite's order.
        for (name, class_name, kwargs, severity), expectation_result in zip(expectations, result.results, strict=True):
            details = expectation_result.result or {}
            outcomes.append(
                CheckOutcome(
                    table=table,
                    name=f"gx_{name}",
                    passed=bool(expectation_result.success),
                    severity=severity,
                    description=f"{class_name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})",
                    metadata={
                        "element_count": details.get("element_count"),
                        "unexpected_count": details.get("unexpected_count"),
                        "unexpected_percent": details.get("unexpected_percent"),
                        "sample_unexpected": [str(v) for v in (details.get("partial_unexpected_list") or [])[:5]],
                    },
                )
            )
    if data_docs_dir is not None:
        context.build_data_docs()
    return outcomes
