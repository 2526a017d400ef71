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

{#- The distinct elements of a list column over a group (the union of its lists). -#}
{% macro list_union_agg(expr) -%}
    {{ return(adapter.dispatch('list_union_agg')(expr)) }}
{%- endmacro %}

{% macro default__list_union_agg(expr) -%}
    list_distinct(flatten(list({{ expr }})))
{%- endmacro %}

{#- The product of a double column over a group, the same for the same rows whatever order the
    engine's threads meet them in: the factors are multiplied in ascending order. (exp(sum(ln(x)))
    rounds differently with the order its sum is added in: the same input published 0.8806 in one
    build and 0.8807 in another.) -#}
{% macro ordered_product(expr) -%}
    {{ return(adapter.dispatch('ordered_product', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__ordered_product(expr) -%}
    list_reduce(list({{ expr }} order by {{ expr }}), lambda product, factor: product * factor)
{%- endmacro %}
