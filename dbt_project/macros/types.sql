{#- A 64-bit float in every engine. dbt's type_float() renders FLOAT, which DuckDB and
    PostgreSQL read as a 32-bit REAL: ratios and averages would lose digits. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'event_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}
