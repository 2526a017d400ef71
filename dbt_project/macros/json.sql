{#- JSON access for staging, the only layer that reads the raw JSON records. -#}
{% macro json_text(column, path) -%}
    nullif(trim(json_extract_string({{ column }}, '{{ path }}')), '')
{%- endmacro %}

{#- ISO-8601 UTC text (validated at landing) → timestamp without time zone, in UTC. -#}
{% macro utc_timestamp(expr) -%}
    {{ to_utc('try_cast(' ~ expr ~ ' as timestamptz)') }}
{%- endmacro %}

{#- Every published timestamp is a plain timestamp in UTC: BI tools disagree about time zones. -#}
{% macro to_utc(expr) -%}
    cast(timezone('UTC', {{ expr }}) as timestamp)
{%- endmacro %}

{#- One row per item of the JSON array at `path` in `relation`.`column`, with its 1-based
    position: the shape every child staging model (reports, entities, listed sources) needs. -#}
{% macro json_array_items(relation, key_column, json_column, path, index_name, item_name) -%}
    select
        {{ relation }}.{{ key_column }},
        item.{{ index_name }},
        item.{{ item_name }}
    from {{ relation }}
    cross join lateral (
        select
            cast(generate_subscripts(json_extract({{ relation }}.{{ json_column }}, '{{ path }}[*]'), 1) as bigint) as {{ index_name }},
            unnest(json_extract({{ relation }}.{{ json_column }}, '{{ path }}[*]')) as {{ item_name }}
    ) as item
{%- endmacro %}
