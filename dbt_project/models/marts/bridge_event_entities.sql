-- Which entities each event (current version) names, and how it wrote them.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
-- depends_on: {{ ref('int_event_records_ranked') }}
with

versions as (
    select version_id, event_id, record_id
    from {{ ref('int_event_versions_sequenced') }}
    where is_current and {{ changed_events_only() }}
),

mentions as (
    select * from {{ ref('stg_raw__entity_mentions') }}
    where {{ changed_records_batches_only() }} and mention_name is not null
),

entity_types as (
    select entity_type from {{ ref('entity_types') }}
),

resolved as (
    select mention_name, entity_type, entity_id from {{ ref('int_entity_mentions_resolved') }}
),

final as (
    select distinct
        versions.event_id,
        resolved.entity_id,
        mentions.mention_name,
        resolved.entity_type
    from versions
    inner join mentions
        on mentions.record_id = versions.record_id
    left join entity_types
        on entity_types.entity_type = mentions.entity_type_as_written
    inner join resolved
        on resolved.mention_name = mentions.mention_name
        and resolved.entity_type = coalesce(entity_types.entity_type, 'unknown')
)

select * from final
