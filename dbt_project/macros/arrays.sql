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

{#- `list` with each item `item` (a name for use in `body`) replaced by `body`. Lambdas are
    spelled differently by the engines (DuckDB: `lambda x: …`; Spark: `x -> …`), and so are the
    list functions. -#}
{% macro list_map(list, item, body) -%}
    {{ return(adapter.dispatch('list_map', 'event_warehouse')(list, item, body)) }}
{%- endmacro %}

{% macro duckdb__list_map(list, item, body) -%}
    list_transform({{ list }}, lambda {{ item }}: {{ body }})
{%- endmacro %}

{% macro spark__list_map(list, item, body) -%}
    transform({{ list }}, {{ item }} -> {{ body }})
{%- endmacro %}

{#- The items of `list` for which `condition` (over `item`) holds, in order. -#}
{% macro list_keep(list, item, condition) -%}
    {{ return(adapter.dispatch('list_keep', 'event_warehouse')(list, item, condition)) }}
{%- endmacro %}

{% macro duckdb__list_keep(list, item, condition) -%}
    list_filter({{ list }}, lambda {{ item }}: {{ condition }})
{%- endmacro %}

{% macro spark__list_keep(list, item, condition) -%}
    filter({{ list }}, {{ item }} -> {{ condition }})
{%- endmacro %}

{#- A list of texts as one text, `[a, b]`: items joined by ', ' (null items left out). Not a cast:
    DuckDB quotes and escapes some items when it casts a list to text, Spark never does. -#}
{% macro list_text(list) -%}
    '[' || {{ adapter.dispatch('join_texts', 'event_warehouse')(list, ', ') }} || ']'
{%- endmacro %}

{% macro duckdb__join_texts(list, separator) -%}
    array_to_string({{ list }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__join_texts(list, separator) -%}
    array_join({{ list }}, '{{ separator }}')
{%- endmacro %}
