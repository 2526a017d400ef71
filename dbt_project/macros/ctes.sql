{#- `name as {{ inlined() }} (select ...)`: a CTE that the query reads more than once but must
    not be computed once and kept. DuckDB materialises such CTEs whole and applies each reader's
    filter afterwards; over a history-sized table that copies every row on every incremental
    run. Inlined, each reader's filter reaches the table scan (and its min/max row-group
    skipping). Other engines inline by default: nothing is rendered for them. -#}
{% macro inlined() -%}
    {{ return(adapter.dispatch('inlined')()) }}
{%- endmacro %}

{% macro default__inlined() -%}
{%- endmacro %}

{% macro duckdb__inlined() -%}
    not materialized
{%- endmacro %}
