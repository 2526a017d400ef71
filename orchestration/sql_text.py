"""Quoting for the few SQL texts the pipeline composes. Identifiers come from DuckDB's catalog or
from constants, never from data; string literals are paths and day names the pipeline made."""

from __future__ import annotations


def quote_identifier(identifier: str) -> str:
    """A DuckDB (and PostgreSQL) quoted identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def quote_spark_literal(value: str) -> str:
    """A Spark SQL string literal: Spark reads a backslash as an escape, and two quotes in a row
    as two adjacent literals (`'a''b'` is `ab`), so both are escaped with a backslash."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
