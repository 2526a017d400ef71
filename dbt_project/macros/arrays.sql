{#- Ordered array aggregation; dbt's cross-database macros have listagg (strings) but no array_agg.
    `order_by` is one or more expressions, each ascending (negate a number to sort it down). -#}
{% macro array_agg_ordered(expr, order_by) -%}
    {{ return(adapter.dispatch('array_agg_ordered')(expr, order_by)) }}
{%- endmacro %}

{% macro default__array_agg_ordered(expr, order_by) -%}
    array_agg({{ expr }} order by {{ order_by }})
{%- endmacro %}

{#- collect_list drops nulls and takes no order: the items travel in structs (never null), sorted
    by their order key first. -#}
{% macro spark__array_agg_ordered(expr, order_by) -%}
    transform(array_sort(collect_list(struct(struct({{ order_by }}) as sort_key, {{ expr }} as item))), pair -> pair.item)
{%- endmacro %}

{% macro empty_string_array() -%}
    {{ return(adapter.dispatch('empty_string_array')()) }}
{%- endmacro %}

{% macro default__empty_string_array() -%}
    cast([] as {{ dbt.type_string() }}[])
{%- endmacro %}

{% macro spark__empty_string_array() -%}
    cast(array() as array<string>)
{%- endmacro %}

{#- The distinct elements of a list column over a group (the union of its lists). -#}
{% macro list_union_agg(expr) -%}
    {{ return(adapter.dispatch('list_union_agg')(expr)) }}
{%- endmacro %}

{% macro default__list_union_agg(expr) -%}
    list_distinct(flatten(list({{ expr }})))
{%- endmacro %}

{% macro spark__list_union_agg(expr) -%}
    array_distinct(flatten(collect_list({{ expr }})))
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

{#- The same products on Spark: its collect_list drops nulls, where DuckDB's product would be
    null, so a group with a null factor is null here too. -#}
{% macro spark__ordered_product(expr) -%}
    case when count({{ expr }}) = count(*) then
        aggregate(array_sort(collect_list({{ expr }})), cast(1 as double), (product, factor) -> product * factor)
    end
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
    '[' || {{ join_texts(list, ', ') }} || ']'
{%- endmacro %}

{#- The texts of `list` joined by `separator` (a constant; null items left out). -#}
{% macro join_texts(list, separator) -%}
    {{ return(adapter.dispatch('join_texts', 'event_warehouse')(list, separator)) }}
{%- endmacro %}

{% macro duckdb__join_texts(list, separator) -%}
    array_to_string({{ list }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__join_texts(list, separator) -%}
    array_join({{ list }}, '{{ separator }}')
{%- endmacro %}

{#- `body` with `name` bound to the value of `expr`, computed once (a one-item list mapped):
    SQL has no `let`. -#}
{% macro bound(expr, name, body) -%}
    {{ list_first(list_map(list_literal([expr]), name, body)) }}
{%- endmacro %}

{% macro duckdb__list_of(expr) -%}
    [{{ expr }}]
{%- endmacro %}

{% macro spark__list_of(expr) -%}
    array({{ expr }})
{%- endmacro %}

{% macro duckdb__list_first(list) -%}
    {{ list }}[1]
{%- endmacro %}

{% macro spark__list_first(list) -%}
    element_at({{ list }}, 1)
{%- endmacro %}

{#- The list of the SQL expressions `items`. -#}
{% macro list_literal(items) -%}
    {{ adapter.dispatch('list_of', 'event_warehouse')(items | join(', ')) }}
{%- endmacro %}

{#- The number of items of a list (a text's length is length() on both engines). -#}
{% macro list_size(list) -%}
    {{ return(adapter.dispatch('list_size', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_size(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_size(list) -%}
    size({{ list }})
{%- endmacro %}

{#- Whether `list` has the item `item`. -#}
{% macro list_has(list, item) -%}
    {{ return(adapter.dispatch('list_has', 'event_warehouse')(list, item)) }}
{%- endmacro %}

{% macro duckdb__list_has(list, item) -%}
    list_contains({{ list }}, {{ item }})
{%- endmacro %}

{% macro spark__list_has(list, item) -%}
    array_contains({{ list }}, {{ item }})
{%- endmacro %}

{#- The first item of a list (null when it is empty). -#}
{% macro list_first(list) -%}
    {{ return(adapter.dispatch('list_first', 'event_warehouse')(list)) }}
{%- endmacro %}

{#- The last two items of a list (all of them when it has fewer). -#}
{% macro list_last_two(list) -%}
    {{ return(adapter.dispatch('list_last_two', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_last_two(list) -%}
    {{ list }}[-2:]
{%- endmacro %}

{% macro spark__list_last_two(list) -%}
    case when size({{ list }}) <= 2 then {{ list }} else slice({{ list }}, -2, 2) end
{%- endmacro %}

{#- The distinct items of a list, and sorted. -#}
{% macro list_unique(list) -%}
    {{ return(adapter.dispatch('list_unique', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_unique(list) -%}
    list_distinct({{ list }})
{%- endmacro %}

{% macro spark__list_unique(list) -%}
    array_distinct({{ list }})
{%- endmacro %}

{% macro list_sorted(list) -%}
    {{ return(adapter.dispatch('list_sorted', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_sorted(list) -%}
    list_sort({{ list }})
{%- endmacro %}

{% macro spark__list_sorted(list) -%}
    array_sort({{ list }})
{%- endmacro %}

{#- Two lists one after the other. -#}
{% macro list_concat(first, second) -%}
    {{ return(adapter.dispatch('list_concat', 'event_warehouse')(first, second)) }}
{%- endmacro %}

{% macro duckdb__list_concat(first, second) -%}
    list_concat({{ first }}, {{ second }})
{%- endmacro %}

{% macro spark__list_concat(first, second) -%}
    concat({{ first }}, {{ second }})
{%- endmacro %}

{#- `text` split at every `separator` (a constant text, not a pattern; '' splits it into its
    characters). Spark's split takes a regular expression: the separator is quoted. -#}
{% macro split_text(text, separator) -%}
    {{ return(adapter.dispatch('split_text', 'event_warehouse')(text, separator)) }}
{%- endmacro %}

{% macro duckdb__split_text(text, separator) -%}
    string_split({{ text }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__split_text(text, separator) -%}
    {%- if separator == '' -%}
        split({{ text }}, '', -1)
    {%- else -%}
        split({{ text }}, '{{ '[' ~ separator ~ ']' if separator | length == 1 else separator }}', -1)
    {%- endif -%}
{%- endmacro %}

{#- Whether the text `text` starts with the text `prefix`. -#}
{% macro text_starts_with(text, prefix) -%}
    {{ return(adapter.dispatch('text_starts_with', 'event_warehouse')(text, prefix)) }}
{%- endmacro %}

{% macro duckdb__text_starts_with(text, prefix) -%}
    starts_with({{ text }}, {{ prefix }})
{%- endmacro %}

{% macro spark__text_starts_with(text, prefix) -%}
    startswith({{ text }}, {{ prefix }})
{%- endmacro %}

{#- The list of the constant texts `texts` (the project's vocabularies, never data). -#}
{% macro text_list(texts) -%}
    {%- set quoted = [] -%}
    {%- for text in texts -%}
        {%- do quoted.append("'" ~ text | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ list_literal(quoted) }}
{%- endmacro %}

{#- The last item of a list (null when it is empty). -#}
{% macro list_last(list) -%}
    {{ return(adapter.dispatch('list_last', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_last(list) -%}
    {{ list }}[-1]
{%- endmacro %}

{% macro spark__list_last(list) -%}
    try_element_at({{ list }}, -1)
{%- endmacro %}

{#- The item at the 1-based position `index` (null past the end). Spark's `[]` counts from 0. -#}
{% macro list_at(list, index) -%}
    {{ return(adapter.dispatch('list_at', 'event_warehouse')(list, index)) }}
{%- endmacro %}

{% macro duckdb__list_at(list, index) -%}
    {{ list }}[{{ index }}]
{%- endmacro %}

{% macro spark__list_at(list, index) -%}
    try_element_at({{ list }}, {{ index }})
{%- endmacro %}

{#- The positions 1, 2, … of a list's items (empty for an empty list: Spark's sequence(1, 0)
    would count down). -#}
{% macro list_positions(list) -%}
    {{ return(adapter.dispatch('list_positions', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__list_positions(list) -%}
    range(1, len({{ list }}) + 1)
{%- endmacro %}

{% macro spark__list_positions(list) -%}
    case when size({{ list }}) > 0 then sequence(1, size({{ list }})) else cast(array() as array<int>) end
{%- endmacro %}

{#- Whether two lists have an item in common (null items never count). -#}
{% macro lists_overlap(first, second) -%}
    {{ return(adapter.dispatch('lists_overlap', 'event_warehouse')(first, second)) }}
{%- endmacro %}

{% macro duckdb__lists_overlap(first, second) -%}
    list_has_any({{ first }}, {{ second }})
{%- endmacro %}

{#- arrays_overlap is null, not false, when the lists share nothing and one has a null. -#}
{% macro spark__lists_overlap(first, second) -%}
    coalesce(arrays_overlap({{ first }}, {{ second }}), false)
{%- endmacro %}

{#- One row per item of a list column (in a select list; none for an empty or null list). -#}
{% macro unnest_list(list) -%}
    {{ return(adapter.dispatch('unnest_list', 'event_warehouse')(list)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__unnest_list(list) -%}
    explode({{ list }})
{%- endmacro %}

{#- A group's values as a list in no particular order (for membership tests only; null values
    left out). -#}
{% macro list_agg(expr) -%}
    {{ return(adapter.dispatch('list_agg', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__list_agg(expr) -%}
    list({{ expr }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{% macro spark__list_agg(expr) -%}
    collect_list({{ expr }})
{%- endmacro %}

{#- A struct of the named fields `fields` (a dict: field name → SQL expression, in order). -#}
{% macro struct_of(fields) -%}
    {{ return(adapter.dispatch('struct_of', 'event_warehouse')(fields)) }}
{%- endmacro %}

{% macro duckdb__struct_of(fields) -%}
    { {%- for name, expr in fields.items() %}'{{ name }}': {{ expr }}{{ ', ' if not loop.last }}{% endfor -%} }
{%- endmacro %}

{% macro spark__struct_of(fields) -%}
    named_struct({%- for name, expr in fields.items() %}'{{ name }}', {{ expr }}{{ ', ' if not loop.last }}{% endfor -%})
{%- endmacro %}
