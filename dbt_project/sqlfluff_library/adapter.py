"""`adapter.dispatch`: the DuckDB implementation of a dispatched macro, else its default.

ordered_product renders, for the linter only, with the arrow form of its lambda: sqlfluff's
DuckDB grammar has no Python-style lambda (`lambda a, b: a * b`, macros/arrays.sql).
"""

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

LINT_RENDERINGS: dict[str, Callable[..., str]] = {
    "ordered_product": lambda expr: f"list_reduce(list({expr} order by {expr}), (product, factor) -> product * factor)",
}


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Callable[..., Any]:
    if macro_name in LINT_RENDERINGS:
        return LINT_RENDERINGS[macro_name]
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro  # type: ignore[no-any-return]  # Jinja's context holds Any
    raise KeyError(f"no duckdb__ or default__ implementation of macro {macro_name!r}")
