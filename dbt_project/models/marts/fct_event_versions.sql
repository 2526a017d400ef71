-- Every extraction of every event, with its corroboration metrics and quality flags.
-- valid_from/valid_to bound the period in which the version was the platform's latest word.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
with

versions as (
    select * from {{ ref('int_event_versions_sequenced') }}
    where {{ changed_events_only() }}
),

scored as (
    select * from {{ ref('int_event_versions_scored') }}
    where {{ changed_events_only() }}
),

flags as (
    select * from {{ ref('int_event_versions_flagged') }}
    where {{ changed_events_only() }}
),

locations as (
    select mention_name, entity_id
    from {{ ref('int_entity_mentions_resolved') }}
    where entity_type = 'location'
),

flag_lists as (
    select
        version_id,
        {{ array_agg_ordered('reason_code', 'reason_code') }} as quality_flags,
        -- contract rule 3: stated count and the `sources` list both agree with the reports
        max(case when reason_code in ('source_count_mismatch', 'sources_list_mismatch') then 1 else 0 end) = 1
            as has_source_count_flag,
        -- contract rule 4: the stated status is one we know and agrees with our corroboration
        max(case when reason_code in ('status_inconsistent', 'unknown_stated_status') then 1 else 0 end) = 1
            as has_status_flag
    from flags
    group by version_id
),

final as (
    select
        versions.version_id,
        versions.event_id,
        versions.version_number,
        versions.source_story_id,
        versions.category,
        versions.headline,
        locations.entity_id as location_entity_id,
        versions.location_name_as_written,
        versions.region,
        versions.extracted_at,
        versions.valid_from,
        versions.valid_to,
        versions.is_current,
        coalesce(versions.stated_status, versions.stated_status_as_written) as stated_status,
        versions.verification_summary,
        versions.verification_assessment,
        versions.stated_source_count,
        scored.n_source_reports,
        scored.n_outlets,
        scored.n_independent_sources,
        scored.n_certain,
        scored.n_likely,
        scored.n_possible,
        scored.n_doubtful,
        scored.confidence_score,
        scored.verification_level,
        not coalesce(flag_lists.has_source_count_flag, false) as source_count_consistent,
        not coalesce(flag_lists.has_status_flag, false) as status_consistent,
        coalesce(flag_lists.quality_flags, {{ empty_string_array() }}) as quality_flags,
        versions.extractor_version,
        versions.source_format,
        versions.source_file,
        versions.line_number,
        versions.loaded_at
    from versions
    inner join scored
        on scored.version_id = versions.version_id
    left join flag_lists
        on flag_lists.version_id = versions.version_id
    left join locations
        on locations.mention_name = versions.location_name_as_written
)

select * from final
