-- One row per landed record with typed, trimmed top-level fields and a content fingerprint. The
-- JSON document itself stays in raw (stg_raw__record_documents reads it there): copying it here
-- would write the largest column of the warehouse twice.
-- Incremental: each run parses only the files landed since the last build (raw is append-only;
-- its load_sequence numbers file contents in load order, and a constant bound on it lets DuckDB
-- skip the row groups of older files), so the cost of this JSON-heavy model follows the new
-- data. It is
-- a pure function of the record: vocabularies (seeds) are applied downstream, where a seed
-- change takes effect without a full refresh.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

records as (
    select * from {{ source('raw', 'event_records') }}
    {% if is_incremental() %}
    where load_sequence > {{ staged_load_sequence() }}
    {% endif %}
),

{%- set paths = [
    '$.event_id', '$.category', '$.headline', '$.location.name', '$.location.region',
    '$.verification.status', '$.verification.summary', '$.verification.source_count',
    '$.verification.assessment', '$.extraction.extracted_at', '$.extraction.source_story_id',
    '$.extraction.extractor_version', '$.sources', '$.entities', '$.source_reports',
] %}

-- Each build's new rows get the next batch number: the child models pick up exactly the batches
-- they have not seen (a counter, not a clock).
batch as (
    select
        {% if is_incremental() %}
        (select coalesce(max(staging_batch), 0) + 1 from {{ this }})
        {% else %}
        1
        {% endif %} as staging_batch
),

-- Each record is parsed once for all its top-level fields (see the json_texts macro).
extracted as (
    select
        records.*,
        batch.staging_batch,
        {{ json_texts('record', paths) }} as texts
    from records
    cross join batch
),

typed as (
    select
        {{ record_key('content_sha256', 'line_number') }} as record_id,
        staging_batch,
        load_id,
        source_file,
        content_sha256,
        line_number,
        load_sequence,
        source_format,
        {{ to_utc('loaded_at') }} as loaded_at,
        extra_fields,
        {{ json_list_text('texts', paths, '$.event_id') }} as delivered_event_id,
        regexp_replace({{ json_list_text('texts', paths, '$.category') }}, '\s+', ' ', 'g') as category_as_written,
        regexp_replace({{ json_list_text('texts', paths, '$.headline') }}, '\s+', ' ', 'g') as headline,
        {{ json_list_text('texts', paths, '$.location.name') }} as location_name_as_written,
        {{ json_list_text('texts', paths, '$.location.region') }} as region,
        regexp_replace({{ json_list_text('texts', paths, '$.verification.status') }}, '\s+', ' ', 'g') as stated_status_as_written,
        {{ json_list_text('texts', paths, '$.verification.summary') }} as verification_summary,
        try_cast({{ json_list_text('texts', paths, '$.verification.source_count') }} as bigint) as stated_source_count,
        {{ json_list_text('texts', paths, '$.verification.assessment') }} as verification_assessment,
        {{ utc_timestamp(json_list_text('texts', paths, '$.extraction.extracted_at')) }} as extracted_at,
        {{ json_list_text('texts', paths, '$.extraction.source_story_id') }} as source_story_id,
        {{ json_list_text('texts', paths, '$.extraction.extractor_version') }} as extractor_version,
        -- What a record says, independent of how it was delivered: a page and its export twin,
        -- or a re-delivered line, share it; two different contents for one extraction do not.
        -- (Arrays come back as minified JSON text, so formatting does not change the key.)
        {{ dbt.hash(
            "concat_ws('|', "
            ~ json_list_text('texts', paths, '$.category') ~ ", "
            ~ json_list_text('texts', paths, '$.headline') ~ ", "
            ~ json_list_text('texts', paths, '$.location.name') ~ ", "
            ~ "coalesce(" ~ json_list_text('texts', paths, '$.location.region') ~ ", ''), "
            ~ json_list_text('texts', paths, '$.verification.status') ~ ", "
            ~ json_list_text('texts', paths, '$.verification.source_count') ~ ", "
            ~ json_list_text('texts', paths, '$.sources') ~ ", "
            ~ json_list_text('texts', paths, '$.entities') ~ ", "
            ~ json_list_text('texts', paths, '$.source_reports') ~ ")"
        ) }} as content_fingerprint
    from extracted
),

final as (
    select * from typed
)

select * from final
