{#- JSON access for staging, the only layer that reads the raw JSON records. -#}

{#- The shape staging reads a record in (contract §1), for one `from_json` parse per record: every
    field as text (a number or object comes back as its JSON text, an item that is not an
    object as an item whose fields are null, exactly as path extraction would), the three
    arrays as typed lists that the child staging models unnest without parsing again. Fields
    outside the shape stay in raw (and in extra_fields). -#}
{% macro record_shape() -%}
    {"event_id": "VARCHAR", "category": "VARCHAR", "headline": "VARCHAR",
     "location": {"name": "VARCHAR", "region": "VARCHAR"},
     "verification": {"status": "VARCHAR", "summary": "VARCHAR", "source_count": "VARCHAR",
                      "assessment": "VARCHAR"},
     "sources": ["VARCHAR"],
     "entities": [{"name": "VARCHAR", "type": "VARCHAR"}],
     "source_reports": [{"outlet": "VARCHAR", "tone": "VARCHAR", "claim": "VARCHAR"}],
     "extraction": {"extracted_at": "VARCHAR", "source_story_id": "VARCHAR",
                    "extractor_version": "VARCHAR"}}
{%- endmacro %}

{#- A text field: trimmed, empty as null. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{#- A text field with every run of whitespace collapsed to one space (`clean_text` first). The
    regular expression runs only on the few texts that need it (two whitespace characters in a
    row, or one that is not a space: exactly what `\s+` → ' ' changes); run on every claim and
    mention name it was the most expensive step of staging. -#}
{% macro collapsed_text(expr) -%}
    {%- set text = clean_text(expr) -%}
    case
        when contains({{ text }}, '  ') or contains({{ text }}, chr(9)) or contains({{ text }}, chr(10))
            or contains({{ text }}, chr(12)) or contains({{ text }}, chr(13))
            then regexp_replace({{ text }}, '\s+', ' ', 'g')
        else {{ text }}
    end
{%- endmacro %}

{#- A typed list as text that tells any two different lists apart, for the content fingerprint:
    each item's `fields` (or the item itself) as `length:text`, `~` for null, so no text can
    pass for a separator. (to_json would do, but it ran out of memory at small memory limits.) -#}
{% macro list_key(list_column, fields=none) -%}
    cast(list_transform({{ list_column }}, lambda item:
        {%- for field in (fields or [none]) %}
        {{ ' || ' if not loop.first }}{{ list_item_key('item' ~ ('.' ~ field if field else '')) }}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{% macro list_item_key(expr) -%}
    coalesce(length({{ expr }}) || ':' || {{ expr }}, '~')
{%- endmacro %}

{#- ISO-8601 UTC text (validated at landing) → timestamp without time zone, in UTC. -#}
{% macro utc_timestamp(expr) -%}
    {{ to_utc('try_cast(' ~ expr ~ ' as timestamptz)') }}
{%- endmacro %}

{#- Every published timestamp is a plain timestamp in UTC: BI tools disagree about time zones. -#}
{% macro to_utc(expr) -%}
    {{ return(adapter.dispatch('to_utc', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__to_utc(expr) -%}
    cast(timezone('UTC', {{ expr }}) as timestamp)
{%- endmacro %}

{#- Spark's timestamp is an instant shown in the session's time zone, which the engine pins to
    UTC (orchestration/spark_engine.py): as timestamp_ntz it is that UTC wall-clock time. -#}
{% macro spark__to_utc(expr) -%}
    cast({{ expr }} as timestamp_ntz)
{%- endmacro %}

{#- A landed record's key: its file's content hash and its line. -#}
{% macro record_key(sha_column, line_column) -%}
    {{ dbt.hash(sha_column ~ " || ':' || cast(" ~ line_column ~ " as varchar)") }}
{%- endmacro %}

{#- One row per item of the list column `list_column` of the new staging batches' records (those
    the calling child model has not processed yet: a constant bound, so DuckDB skips the row
    groups of older batches), with its 1-based position: the shape every child staging model
    (reports, entities, listed sources) needs. The two unnests in one select list are zipped
    (item i with position i). -#}
{% macro new_list_items(list_column, index_name, item_name) -%}
    select
        record_id,
        staging_batch,
        cast(unnest(generate_series(1, len({{ list_column }}))) as bigint) as {{ index_name }},
        unnest({{ list_column }}) as {{ item_name }}
    from {{ ref('stg_raw__event_records') }}
    {%- if is_incremental() %}
    where staging_batch > {{ own_max('staging_batch') }}
    {%- endif %}
{%- endmacro %}
