-- One row per extraction of an event (its versions), ordered in time. The latest extracted_at is
-- current; each version is valid until the next one was extracted.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
with

selected as (
    select * from {{ ref('int_event_records_ranked') }}
    where is_selected and {{ changed_events_only() }}
),

final as (
    select
        version_id,
        event_id,
        record_id,
        source_story_id,
        category,
        is_known_category,
        headline,
        location_name_as_written,
        region,
        stated_status,
        stated_status_as_written,
        is_known_stated_status,
        verification_summary,
        verification_assessment,
        stated_source_count,
        extractor_version,
        source_format,
        source_file,
        line_number,
        loaded_at,
        has_conflicting_contents,
        extracted_at,
        extracted_at as valid_from,
        lead(extracted_at) over (partition by event_id order by extracted_at) as valid_to,
        cast(row_number() over (partition by event_id order by extracted_at) as bigint) as version_number,
        lead(extracted_at) over (partition by event_id order by extracted_at) is null as is_current
    from selected
)

select * from final
