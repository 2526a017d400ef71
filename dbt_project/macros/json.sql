{#- JSON access for staging, the only layer that reads the raw JSON records. -#}
{% macro json_text(column, path) -%}
    nullif(trim(json_extract_string({{ column }}, '{{ path }}')), '')
{%- endmacro %}

{#- Several fields of one JSON document in one parse: a list of their texts, in `paths` order.
    A call per field would re-parse the document each time (costly in time, and in memory:
    DuckDB holds a vector of parsed documents per call). Read items with `json_list_text`. -#}
{% macro json_texts(column, paths) -%}
    json_extract_string({{ column }}, [{% for path in paths %}'{{ path }}'{{ ", " if not loop.last }}{% endfor %}])
{%- endmacro %}

{#- The text at `path` from a `json_texts` list (same `paths`), trimmed, empty as null. -#}
{% macro json_list_text(list_column, paths, path) -%}
    nullif(trim({{ list_column }}[{{ paths.index(path) + 1 }}]), '')
{%- endmacro %}

{#- ISO-8601 UTC text (validated at landing) → timestamp without time zone, in UTC. -#}
{% macro utc_timestamp(expr) -%}
    {{ to_utc('try_cast(' ~ expr ~ ' as timestamptz)') }}
{%- endmacro %}

{#- Every published timestamp is a plain timestamp in UTC: BI tools disagree about time zones. -#}
{% macro to_utc(expr) -%}
    cast(timezone('UTC', {{ expr }}) as timestamp)
{%- endmacro %}

{#- A landed record's key: its file's content hash and its line. -#}
{% macro record_key(sha_column, line_column) -%}
    {{ dbt.hash(sha_column ~ " || ':' || cast(" ~ line_column ~ " as varchar)") }}
{%- endmacro %}

{#- Import CTE body of the incremental child staging models (reports, mentions, listed sources):
    the landed documents of every staging batch the calling model has not processed yet. The
    documents are selected by file (a handful of content hashes), never by joining a record-sized
    table: the JSON is read once, straight from raw, and only from the row groups of the new
    files (a constant lower bound on load_sequence). -#}
{% macro new_staged_records() -%}
    {%- if is_incremental() -%}
        {%- set own_batch = query_constant('select max(staging_batch) from ' ~ this) -%}
        {%- set first_new_file = query_constant(
            'select min(load_sequence) from ' ~ ref('stg_raw__event_records')
            ~ ' where staging_batch > ' ~ own_batch
        ) -%}
    {%- endif %}
    select
        {{ record_key('documents.content_sha256', 'documents.line_number') }} as record_id,
        files.staging_batch,
        documents.record
    from {{ ref('stg_raw__record_documents') }} as documents
    inner join (
        select distinct content_sha256, staging_batch
        from {{ ref('stg_raw__event_records') }}
        {%- if is_incremental() %}
        where staging_batch > {{ own_batch }}
        {%- endif %}
    ) as files
        on files.content_sha256 = documents.content_sha256
    {%- if is_incremental() %}
    where documents.load_sequence >= {{ first_new_file }}
    {%- endif %}
{%- endmacro %}

{#- One row per item of the JSON array at `path` in `relation`.`column`, with its 1-based
    position: the shape every child staging model (reports, entities, listed sources) needs.
    The array is extracted once per record; the two unnests in one select list are zipped
    (item i with position i). -#}
{% macro json_array_items(relation, key_column, json_column, path, index_name, item_name) -%}
    select
        {{ key_column }},
        staging_batch,
        cast(unnest(generate_series(1, len(items))) as bigint) as {{ index_name }},
        unnest(items) as {{ item_name }}
    from (
        select {{ key_column }}, staging_batch, json_extract({{ json_column }}, '{{ path }}[*]') as items
        from {{ relation }}
    ) as arrays
{%- endmacro %}
