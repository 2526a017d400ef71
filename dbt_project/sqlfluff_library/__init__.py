"""What dbt adds to Jinja, as far as the models use it, for sqlfluff's jinja templater.

sqlfluff renders the models without dbt (its dbt templater needs a live profile). Its
`apply_dbt_builtins` supplies ref, source, config, var, is_incremental and this; this library
(`library_path` in .sqlfluff) adds the rest: its top-level names, and the modules `adapter` and
`dbt`, become Jinja globals. Rendered SQL only has to parse like the real one: nothing runs.
"""

# dbt is only parsing: macros that read the warehouse (query_constant) take their default.
execute = False


def env_var(name: str, default: str = "") -> str:
    return default
