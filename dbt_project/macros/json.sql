{#- JSON access for staging, the only layer that reads the raw JSON records. -#}

{#- One `from_json` parse per record into the shape staging reads (contract §1): every field as
    text (a number or object comes back as its JSON text, an item that is not an object as an
    item whose fields are null, exactly as path extraction would), the three arrays as typed
    lists that the child staging models unnest without parsing again. Fields outside the shape
    stay in raw (and in extra_fields). -#}
{% macro parse_record(expr) -%}
    {{ return(adapter.dispatch('parse_record', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_record(expr) -%}
    from_json({{ expr }}, '{"event_id": "VARCHAR", "category": "VARCHAR", "headline": "VARCHAR",
     "location": {"name": "VARCHAR", "region": "VARCHAR"},
     "verification": {"status": "VARCHAR", "summary": "VARCHAR", "source_count": "VARCHAR",
                      "assessment": "VARCHAR"},
     "sources": ["VARCHAR"],
     "entities": [{"name": "VARCHAR", "type": "VARCHAR"}],
     "source_reports": [{"outlet": "VARCHAR", "tone": "VARCHAR", "claim": "VARCHAR"}],
     "extraction": {"extracted_at": "VARCHAR", "source_story_id": "VARCHAR",
                    "extractor_version": "VARCHAR"}}')
{%- endmacro %}

{#- The same shape on Spark. Its string fields take a number or object as its JSON text, as
    DuckDB's VARCHAR does; but one item of an array of structs that is not an object would null
    the whole array, where DuckDB gives that item null fields. So the arrays of objects are read
    as variants and each item made a struct here (`_spark_object_items`); `transform` over a
    one-item array binds the parsed document to `d` for that. -#}
{% macro spark__parse_record(expr) -%}
    element_at(transform(array(from_json({{ expr }}, 'struct<event_id: string, category: string,
     headline: string,
     location: struct<name: string, region: string>,
     verification: struct<status: string, summary: string, source_count: string, assessment: string>,
     sources: array<string>, entities: array<variant>, source_reports: array<variant>,
     extraction: struct<extracted_at: string, source_story_id: string, extractor_version: string>>')),
     d -> named_struct(
        'event_id', d.event_id, 'category', d.category, 'headline', d.headline,
        'location', d.location, 'verification', d.verification, 'sources', d.sources,
        'entities', {{ _spark_object_items('d.entities', ['name', 'type']) }},
        'source_reports', {{ _spark_object_items('d.source_reports', ['outlet', 'tone', 'claim']) }},
        'extraction', d.extraction
    )), 1)
{%- endmacro %}

{#- Each variant item of `list` as a struct of `fields` (text): an object's fields (a field that
    is not a string as its JSON text), null fields for any other value, null for a JSON null. -#}
{% macro _spark_object_items(list, fields) -%}
    transform({{ list }}, item -> case
        when item is null or schema_of_variant(item) = 'VOID' then null
        when schema_of_variant(item) like 'OBJECT%' then named_struct(
            {%- for field in fields %}
            '{{ field }}', try_variant_get(item, '$.{{ field }}', 'string'){{ ',' if not loop.last }}
            {%- endfor %})
        else named_struct(
            {%- for field in fields %}
            '{{ field }}', cast(null as string){{ ',' if not loop.last }}
            {%- endfor %})
    end)
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
            then {{ re_replace_all(text, '[ \\t\\n\\f\\r]+', ' ') }}
        else {{ text }}
    end
{%- endmacro %}

{#- A typed list as text that tells any two different lists apart, for the content fingerprint:
    each item's `fields` (or the item itself) as `length:text`, `~` for null, so no text can
    pass for a separator. (to_json would do, but it ran out of memory at small memory limits.) -#}
{% macro list_key(list_column, fields=none) -%}
    {%- set parts = [] -%}
    {%- for field in (fields or [none]) -%}
        {%- do parts.append(list_item_key('item' ~ ('.' ~ field if field else ''))) -%}
    {%- endfor -%}
    {{ list_text(list_map(list_column, 'item', parts | join(' || '))) }}
{%- endmacro %}

{% macro list_item_key(expr) -%}
    coalesce(length({{ expr }}) || ':' || {{ expr }}, '~')
{%- endmacro %}

{#- ISO-8601 UTC text (validated at landing) → timestamp without time zone, in UTC. -#}
{% macro utc_timestamp(expr) -%}
    {{ to_utc('try_cast(' ~ expr ~ ' as ' ~ type_instant() ~ ')') }}
{%- endmacro %}

{#- A point in time (DuckDB's timestamptz; Spark's timestamp is one). -#}
{% macro type_instant() -%}
    {{ return(adapter.dispatch('type_instant', 'event_warehouse')()) }}
{%- endmacro %}

{% macro duckdb__type_instant() -%}
    timestamptz
{%- endmacro %}

{% macro spark__type_instant() -%}
    timestamp
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
    {{ dbt.hash(sha_column ~ " || ':' || " ~ as_text(line_column)) }}
{%- endmacro %}

{#- One row per item of the list column `list_column` of the new staging batches' records (those
    the calling child model has not processed yet: a constant bound, so DuckDB skips the row
    groups of older batches), with its 1-based position: the shape every child staging model
    (reports, entities, listed sources) needs. -#}
{% macro new_list_items(list_column, index_name, item_name) -%}
    {{ return(adapter.dispatch('new_list_items', 'event_warehouse')(list_column, index_name, item_name)) }}
{%- endmacro %}

{#- The two unnests in one select list are zipped (item i with position i). -#}
{% macro duckdb__new_list_items(list_column, index_name, item_name) -%}
    select
        record_id,
        staging_batch,
        cast(unnest(generate_series(1, len({{ list_column }}))) as bigint) as {{ index_name }},
        unnest({{ list_column }}) as {{ item_name }}
    from {{ ref('stg_raw__event_records') }}
    {{ _new_batches_only() }}
{%- endmacro %}

{#- posexplode numbers from 0, and a generator's output cannot feed an expression in its own
    select list: the position is made 1-based outside it. -#}
{% macro spark__new_list_items(list_column, index_name, item_name) -%}
    select
        record_id,
        staging_batch,
        cast(item_position + 1 as bigint) as {{ index_name }},
        {{ item_name }}
    from (
        select
            record_id,
            staging_batch,
            posexplode({{ list_column }}) as (item_position, {{ item_name }})
        from {{ ref('stg_raw__event_records') }}
        {{ _new_batches_only() }}
    ) as items
{%- endmacro %}

{% macro _new_batches_only() -%}
    {%- if is_incremental() -%}
    where staging_batch > {{ own_max('staging_batch') }}
    {%- endif -%}
{%- endmacro %}
