"""The cross-database macros of dbt's `dbt` namespace that the models call, as dbt-duckdb renders them."""


def hash(field: str) -> str:  # shadows the builtin: dbt's name
    return f"md5(cast({field} as varchar))"


def type_string() -> str:
    return "varchar"


def type_bigint() -> str:
    return "bigint"


def type_numeric() -> str:
    return "numeric(28, 6)"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"
