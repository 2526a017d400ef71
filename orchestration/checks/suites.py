"""Great Expectations suites for the published marts, declared as data.

Each entry: (table, expectation class name, kwargs, severity). ERROR expectations block the
publish; WARN ones are reported. GX itself is imported lazily by `gx_validation`, so this module
stays importable (and reviewable) without paying GX's import cost.
"""

from __future__ import annotations

import csv
from typing import Any

import duckdb

from orchestration.checks.outcomes import Severity
from orchestration.incremental import CHECK_BATCH_FILTERS, check_scope
from orchestration.settings import DBT_PROJECT_DIR


def seed_values(seed: str, column: str) -> list[str]:
    """A column of one of the dbt project's seeds: the vocabularies live there, once."""
    with (DBT_PROJECT_DIR / "seeds" / f"{seed}.csv").open(encoding="utf-8", newline="") as rows:
        return [row[column] for row in csv.DictReader(rows)]


VERIFICATION_LEVELS = seed_values("verification_levels", "verification_level")
TONES = seed_values("tone_weights", "tone")
# a mention whose type is not in the vocabulary is kept, as entity type 'unknown'
ENTITY_TYPES = [*seed_values("entity_types", "entity_type"), "unknown"]
QUALITY_FLAGS = [
    "source_count_mismatch",
    "sources_list_mismatch",
    "status_inconsistent",
    "unknown_stated_status",
    "unknown_tone",
    "unknown_entity_type",
    "unknown_category",
    "conflicting_duplicate",
    "malformed_source_report",
    "malformed_entity",
]

Expectation = tuple[str, str, dict[str, Any], Severity]

SUITES: dict[str, list[Expectation]] = {
    "fct_events": [
        ("event_id_unique", "ExpectColumnValuesToBeUnique", {"column": "event_id"}, "ERROR"),
        ("event_id_not_null", "ExpectColumnValuesToNotBeNull", {"column": "event_id"}, "ERROR"),
        ("extracted_at_not_null", "ExpectColumnValuesToNotBeNull", {"column": "extracted_at"}, "ERROR"),
        (
            "score_in_unit_interval",
            "ExpectColumnValuesToBeBetween",
            {"column": "confidence_score", "min_value": 0, "max_value": 1},
            "ERROR",
        ),
        (
            "level_in_vocabulary",
            "ExpectColumnValuesToBeInSet",
            {"column": "verification_level", "value_set": VERIFICATION_LEVELS},
            "ERROR",
        ),
        (
            "outlets_not_fewer_than_independent_sources",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "n_outlets", "column_B": "n_independent_sources", "or_equal": True},
            "ERROR",
        ),
        (
            "reports_not_fewer_than_outlets",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "n_source_reports", "column_B": "n_outlets", "or_equal": True},
            "ERROR",
        ),
        (
            "story_id_all_digits",
            "ExpectColumnValuesToMatchRegex",
            {"column": "source_story_id", "regex": r"^[0-9]+$"},
            "ERROR",
        ),
        (
            "mostly_consistent_source_counts",
            "ExpectColumnValuesToBeInSet",
            {"column": "source_count_consistent", "value_set": [True], "mostly": 0.8},
            "WARN",
        ),
    ],
    "fct_claims": [
        ("claim_id_unique", "ExpectColumnValuesToBeUnique", {"column": "claim_id"}, "ERROR"),
        ("outlet_id_not_null", "ExpectColumnValuesToNotBeNull", {"column": "outlet_id"}, "ERROR"),
        (
            "tone_mostly_in_vocabulary",
            "ExpectColumnValuesToBeInSet",
            {"column": "tone", "value_set": TONES, "mostly": 0.95},
            "WARN",
        ),
    ],
    "fct_event_versions": [
        (
            "one_version_per_extraction",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["event_id", "valid_from"]},
            "ERROR",
        ),
    ],
    "dim_entities": [
        ("entity_id_unique", "ExpectColumnValuesToBeUnique", {"column": "entity_id"}, "ERROR"),
        (
            "entity_type_in_vocabulary",
            "ExpectColumnValuesToBeInSet",
            {"column": "entity_type", "value_set": ENTITY_TYPES},
            "ERROR",
        ),
    ],
    "dim_outlets": [
        ("outlet_id_unique", "ExpectColumnValuesToBeUnique", {"column": "outlet_id"}, "ERROR"),
    ],
    "audit_quarantine": [
        ("reason_code_not_null", "ExpectColumnValuesToNotBeNull", {"column": "reason_code"}, "ERROR"),
    ],
}


def suite_columns(table: str) -> list[str]:
    """The columns `table`'s suite reads, in first-use order: only these are fetched for GX
    (fetching whole rows, headlines and claim texts included, cost more than validating them)."""
    columns: dict[str, None] = {}
    for _, _, kwargs, _ in SUITES[table]:
        for key in ("column", "column_A", "column_B"):
            if key in kwargs:
                columns[kwargs[key]] = None
        for column in kwargs.get("column_list", []):
            columns[column] = None
    return list(columns)


def _select(table: str, where: str) -> str:
    """Only the columns the table's suite reads."""
    return f"select {', '.join(suite_columns(table))} from marts.{table} where {where}"


# What each suite validates: the run's batch (orchestration/incremental.py), or everything.
BATCH_SQL: dict[str, str] = {table: _select(table, where) for table, where in CHECK_BATCH_FILTERS.items()}
WHOLE_SQL: dict[str, str] = {table: _select(table, "true") for table in CHECK_BATCH_FILTERS}


def check_queries(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, str]]:
    """("batch" | "whole", table -> query) for this run (incremental.check_scope)."""
    scope = check_scope(con)
    return scope, BATCH_SQL if scope == "batch" else WHOLE_SQL
