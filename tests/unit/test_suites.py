"""The GX suites fetch only the columns they read (orchestration/checks/suites.py: suite_columns)."""

from __future__ import annotations

from orchestration.checks.suites import BATCH_SQL, SUITES, WHOLE_SQL, suite_columns

# The expectation keywords that name columns; an expectation with another column keyword must
# be taught to suite_columns, or its column would not be fetched.
COLUMN_KEYWORDS = {"column", "column_A", "column_B", "column_list"}


def test_every_suite_fetches_every_column_its_expectations_name() -> None:
    for table, expectations in SUITES.items():
        columns = suite_columns(table)
        assert columns, f"{table}: a suite must read at least one column"
        for name, _, kwargs, _ in expectations:
            named = {k for k in kwargs if k.startswith("column")}
            assert named <= COLUMN_KEYWORDS, f"{table}.{name}: unknown column keyword {named - COLUMN_KEYWORDS}"
            wanted = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
            assert set(wanted) | set(kwargs.get("column_list", [])) <= set(columns), f"{table}.{name}"


def test_the_check_queries_select_the_suite_columns_only() -> None:
    assert suite_columns("fct_event_versions") == ["event_id", "valid_from"]
    assert BATCH_SQL["fct_event_versions"].startswith(
        "select event_id, valid_from from marts.fct_event_versions where event_id in"
    )
    assert WHOLE_SQL["dim_outlets"] == "select outlet_id from marts.dim_outlets where true"
