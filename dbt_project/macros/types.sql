{#- A 64-bit float in every engine. dbt's type_float() renders FLOAT, which DuckDB and
    PostgreSQL read as a 32-bit REAL: ratios and averages would lose digits. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'event_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{#- The mean of a double column, the same for the same rows whatever order they are added in.
    A sum of doubles depends on the order DuckDB's threads add them (last bits), and the same
    data must publish the same bytes; summed as decimals (6 places: scores have 4) it is exact. -#}
{% macro exact_avg(expression) -%}
    cast(avg(cast({{ expression }} as {{ dbt.type_numeric() }})) as {{ type_double() }})
{%- endmacro %}

{#- `expr` as text in every engine (Spark has no bare `varchar`). -#}
{% macro as_text(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A Spark string literal of `text`: backslashes and quotes escaped with a backslash (Spark reads
    `'a''b'` as `ab`, and a lone backslash as an escape). Seeds' values and regular expressions
    (macros/regex.sql) are written with it; Python's twin is orchestration/sql_text.py. -#}
{% macro spark_string_literal(text) -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
