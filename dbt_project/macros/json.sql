{#- JSON access for staging, the only layer that reads the raw JSON records. -#}
{% macro json_text(column, path) -%}
    nullif(trim(json_extract_string({{ column }}, '{{ path }}')), '')
{%- endmacro %}

{#- ISO-8601 UTC text (validated at landing) → timestamp without time zone, in UTC. -#}
{% macro utc_timestamp(expr) -%}
    cast(timezone('UTC', try_cast({{ expr }} as timestamptz)) as timestamp)
{%- endmacro %}
