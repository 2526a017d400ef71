-- One row per landed record with typed, trimmed top-level fields. Vocabulary mapping happens
-- here too (category, stated status); anything outside the vocabulary is kept as written and
-- flagged downstream.
with

records as (
    select * from {{ source('raw', 'event_records') }}
),

categories as (
    select category from {{ ref('event_categories') }}
),

statuses as (
    select stated_status from {{ ref('stated_statuses') }}
),

typed as (
    select
        {{ dbt.hash("content_sha256 || ':' || cast(line_number as varchar)") }} as record_id,
        load_id,
        source_file,
        content_sha256,
        line_number,
        source_format,
        {{ to_utc('loaded_at') }} as loaded_at,
        extra_fields,
        record,
        {{ json_text('record', '$.event_id') }} as delivered_event_id,
        regexp_replace({{ json_text('record', '$.category') }}, '\s+', ' ', 'g') as category_as_written,
        regexp_replace({{ json_text('record', '$.headline') }}, '\s+', ' ', 'g') as headline,
        {{ json_text('record', '$.location.name') }} as location_name_as_written,
        {{ json_text('record', '$.location.region') }} as region,
        regexp_replace({{ json_text('record', '$.verification.status') }}, '\s+', ' ', 'g') as stated_status_as_written,
        {{ json_text('record', '$.verification.summary') }} as verification_summary,
        try_cast(json_extract(record, '$.verification.source_count') as bigint) as stated_source_count,
        {{ json_text('record', '$.verification.assessment') }} as verification_assessment,
        {{ utc_timestamp(json_text('record', '$.extraction.extracted_at')) }} as extracted_at,
        {{ json_text('record', '$.extraction.source_story_id') }} as source_story_id,
        {{ json_text('record', '$.extraction.extractor_version') }} as extractor_version,
        -- What a record says, independent of how it was delivered: a page and its export twin,
        -- or a re-delivered line, share it; two different contents for one extraction do not.
        {{ dbt.hash(
            "concat_ws('|', "
            ~ json_text('record', '$.category') ~ ", "
            ~ json_text('record', '$.headline') ~ ", "
            ~ json_text('record', '$.location.name') ~ ", "
            ~ "coalesce(" ~ json_text('record', '$.location.region') ~ ", ''), "
            ~ json_text('record', '$.verification.status') ~ ", "
            ~ "cast(json_extract(record, '$.verification.source_count') as varchar), "
            ~ "cast(json(json_extract(record, '$.sources')) as varchar), "
            ~ "cast(json(json_extract(record, '$.entities')) as varchar), "
            ~ "cast(json(json_extract(record, '$.source_reports')) as varchar))"
        ) }} as content_fingerprint
    from records
),

final as (
    select
        typed.*,
        coalesce(categories.category, typed.category_as_written) as category,
        categories.category is not null as is_known_category,
        statuses.stated_status as stated_status,
        statuses.stated_status is not null as is_known_stated_status
    from typed
    left join categories
        on lower(categories.category) = lower(typed.category_as_written)
    left join statuses
        on lower(statuses.stated_status) = lower(typed.stated_status_as_written)
)

select * from final
