{#- Ordered array aggregation; dbt's cross-database macros have listagg (strings) but no array_agg. -#}
{% macro array_agg_ordered(expr, order_by) -%}
    {{ return(adapter.dispatch('array_agg_ordered')(expr, order_by)) }}
{%- endmacro %}

{% macro default__array_agg_ordered(expr, order_by) -%}
    array_agg({{ expr }} order by {{ order_by }})
{%- endmacro %}

{% macro empty_string_array() -%}
    {{ return(adapter.dispatch('empty_string_array')()) }}
{%- endmacro %}

{% macro default__empty_string_array() -%}
    cast([] as {{ dbt.type_string() }}[])
{%- endmacro %}
