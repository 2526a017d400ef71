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
