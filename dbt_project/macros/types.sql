{#- A 64-bit float in every engine. dbt's type_float() renders FLOAT, which DuckDB and
    PostgreSQL read as a 32-bit REAL: ratios and averages would lose digits. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'event_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- The mean of a double column, the same for the same rows whatever order they are added in,
    and on both engines. A sum of doubles depends on the order DuckDB's threads add them (last
    bits), and the same data must publish the same bytes: summed as decimals (6 places: scores
    have 4) it is exact. That sum is then one double (rounded once, alike everywhere) divided by
    the count: the engines' own means of decimals differ in the last bit (DuckDB's avg of 0.56,
    0.56, 0.56 is 0.5599999999999999, Spark's 0.56). -#}
{% macro exact_avg(expression) -%}
    {{ exact_mean('sum(cast(' ~ expression ~ ' as ' ~ dbt.type_numeric() ~ '))', 'count(' ~ expression ~ ')') }}
{%- endmacro %}

{#- A mean from an exact decimal sum and a count: the sum as one double, divided (null for no
    rows), which both engines compute alike. -#}
{% macro exact_mean(decimal_sum, count) -%}
    (cast({{ decimal_sum }} as {{ type_double() }}) / nullif({{ count }}, 0))
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

{#- `expr` (a double) rounded to `places` decimals, to the same bit on both engines. DuckDB rounds
    the double's exact binary value (0.97795 is 0.977949999…: 0.9779). Spark's round(x, n) rounds
    its shortest decimal text (0.978), and round(x * 10^n) / 10^n differs too where the product
    rounds onto a tie. So on Spark the product's rounding error is computed exactly (Dekker's
    product: `x` split into two halves whose products with 10^n are exact) and decides the ties.
    264,295 values (scores, ties, negatives) rounded alike when measured; the Spark tests compare
    44,294 of them (tests/integration/test_spark_engine.py). -#}
{% macro round_places(expr, places) -%}
    {{ return(adapter.dispatch('round_places', 'event_warehouse')(expr, places)) }}
{%- endmacro %}

{% macro duckdb__round_places(expr, places) -%}
    round({{ expr }}, {{ places }})
{%- endmacro %}

{% macro spark__round_places(expr, places) -%}
    {%- set scale = 10 ** places -%}
    {%- set high = '(r.split - (r.split - x))' -%}
    {%- set error = '((' ~ high ~ ' * ' ~ scale ~ ' - r.scaled) + (x - ' ~ high ~ ') * ' ~ scale ~ ')' -%}
    {{ bound(expr, 'x', bound("named_struct('scaled', x * " ~ scale ~ ", 'split', 134217729.0D * x)", 'r', "case
        when r.scaled - floor(r.scaled) <> 0.5D then round(r.scaled)
        when " ~ error ~ " < 0 then r.scaled - 0.5D
        when " ~ error ~ " > 0 then r.scaled + 0.5D
        else round(r.scaled)
    end / " ~ scale)) }}
{%- endmacro %}
