-- One row per event: its current version (latest extracted_at) with confidence metrics.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
with

versions as (
    select * from {{ ref('fct_event_versions') }}
    where {{ changed_events_only() }}
),

first_extractions as (
    select event_id, min(extracted_at) as first_extracted_at, count(*) as n_versions
    from versions
    group by event_id
),

final as (
    select
        versions.event_id,
        versions.source_story_id,
        versions.category,
        versions.headline,
        versions.location_entity_id,
        versions.location_name_as_written,
        versions.region,
        versions.extracted_at,
        first_extractions.first_extracted_at,
        first_extractions.n_versions,
        versions.stated_status,
        versions.stated_source_count,
        versions.n_source_reports,
        versions.n_outlets,
        versions.n_independent_sources,
        versions.n_certain,
        versions.n_likely,
        versions.n_possible,
        versions.n_doubtful,
        versions.confidence_score,
        versions.verification_level,
        versions.source_count_consistent,
        versions.status_consistent,
        versions.quality_flags,
        versions.version_id as current_version_id
    from versions
    inner join first_extractions
        on first_extractions.event_id = versions.event_id
    where versions.is_current
)

select * from final
