-- Contract §3 consistency rules (and vocabulary rules) checked per event version: one row per
-- (version, reason code) that applies. A clean version has no rows here.
-- Import CTEs name only the columns the rules read: the rules run as one union of joins whose
-- hash tables are alive together, so narrow inputs keep the model within small memory limits.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
-- depends_on: {{ ref('int_event_records_ranked') }}
with

versions as (
    select
        version_id, event_id, record_id, stated_source_count, stated_status,
        is_known_stated_status, is_known_category, has_conflicting_contents
    from {{ ref('int_event_versions_sequenced') }}
    where {{ changed_events_only() }}
),

scored as (
    select version_id, n_outlets, n_independent_sources from {{ ref('int_event_versions_scored') }}
    where {{ changed_events_only() }}
),

stated_rules as (
    select * from {{ ref('stated_statuses') }}
),

claims as (
    select version_id, event_id, outlet_id, is_known_tone from {{ ref('int_claims_resolved') }}
    where {{ changed_events_only() }}
),

reports as (
    select record_id, outlet_as_written, claim_text from {{ ref('stg_raw__source_reports') }}
    where {{ changed_records_batches_only() }}
),

mentions as (
    select record_id, mention_name, entity_type_as_written from {{ ref('stg_raw__entity_mentions') }}
    where {{ changed_records_batches_only() }}
),

entity_types as (
    select entity_type from {{ ref('entity_types') }}
),

listed as (
    select record_id, outlet_as_written from {{ ref('stg_raw__listed_sources') }}
    where {{ changed_records_batches_only() }}
),

outlets as (
    select outlet_as_written, outlet_id from {{ ref('int_outlet_names_resolved') }}
),

listed_outlets as (
    select distinct versions.version_id, versions.event_id, outlets.outlet_id
    from versions
    inner join listed on listed.record_id = versions.record_id
    inner join outlets on outlets.outlet_as_written = listed.outlet_as_written
),

reported_outlets as (
    select distinct version_id, event_id, outlet_id from claims
),

-- rule 3b: `sources` and the outlets of `source_reports` name the same set
outlet_set_differences as (
    select coalesce(l.version_id, r.version_id) as version_id, coalesce(l.event_id, r.event_id) as event_id
    from listed_outlets as l
    full outer join reported_outlets as r
        on r.version_id = l.version_id and r.outlet_id = l.outlet_id
    where l.outlet_id is null or r.outlet_id is null
),

flags as (
    -- rule 3: stated source count = distinct normalised outlets among the reports
    select versions.version_id, versions.event_id, 'source_count_mismatch' as reason_code
    from versions inner join scored on scored.version_id = versions.version_id
    where versions.stated_source_count is null or versions.stated_source_count <> scored.n_outlets

    union all
    select distinct version_id, event_id, 'sources_list_mismatch' from outlet_set_differences

    -- rule 4: the stated status agrees with the corroboration we compute
    union all
    select versions.version_id, versions.event_id, 'status_inconsistent'
    from versions
    inner join scored on scored.version_id = versions.version_id
    inner join stated_rules on stated_rules.stated_status = versions.stated_status
    where scored.n_independent_sources < stated_rules.min_independent_sources
        or scored.n_independent_sources > coalesce(stated_rules.max_independent_sources, scored.n_independent_sources)

    union all
    select version_id, event_id, 'unknown_stated_status' from versions where not is_known_stated_status

    -- rule 5: vocabularies of tone and entity type (and the contract's category list)
    union all
    select distinct version_id, event_id, 'unknown_tone' from claims where not is_known_tone

    union all
    select distinct versions.version_id, versions.event_id, 'unknown_entity_type'
    from versions
    inner join mentions on mentions.record_id = versions.record_id
    left join entity_types on entity_types.entity_type = mentions.entity_type_as_written
    where entity_types.entity_type is null

    union all
    select version_id, event_id, 'unknown_category' from versions where not is_known_category

    -- rule 6: one extraction delivered with two different contents
    union all
    select version_id, event_id, 'conflicting_duplicate' from versions where has_conflicting_contents

    -- reports and entities that cannot be attributed
    union all
    select distinct versions.version_id, versions.event_id, 'malformed_source_report'
    from versions
    inner join reports on reports.record_id = versions.record_id
    where reports.outlet_as_written is null or reports.claim_text is null

    union all
    select distinct versions.version_id, versions.event_id, 'malformed_entity'
    from versions
    inner join mentions on mentions.record_id = versions.record_id
    where mentions.mention_name is null
),

final as (
    select distinct event_id, version_id, reason_code from flags
)

select * from final
