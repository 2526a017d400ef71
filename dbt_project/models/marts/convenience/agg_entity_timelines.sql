-- One row per entity and day it was named: in an event's entity list or as the event's place.
-- "Entity timeline for Kupiansk" is one filter on canonical_name.
-- Incremental: rebuilds the days the changed events touch (int_event_days_changed);
-- the post-hook renames the other days' rows of an entity whose name or type changed (an
-- uncurated place is named by its most frequent spelling, which new data can change).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_days',
    on_schema_change='fail',
    post_hook="{{ rename_timeline_entities() }}",
) }}
-- depends_on: {{ ref('int_event_days_changed') }}
with

events as (
    select event_id, location_entity_id, first_extracted_at, verification_level, confidence_score
    from {{ ref('fct_events') }}
    where {{ changed_days_only('first_extracted_at') }}
),

bridge as (
    select event_id, entity_id from {{ ref('bridge_event_entities') }}
    {% if is_incremental() -%}
        where event_id in (select event_id from events)
    {%- endif %}
),

entities as (
    select * from {{ ref('dim_entities') }}
),

event_entities as (
    select event_id, entity_id from bridge
    union
    select event_id, location_entity_id as entity_id from events
),

named as (
    select
        event_entities.entity_id,
        cast({{ dbt.date_trunc('day', 'events.first_extracted_at') }} as date) as event_date,
        events.verification_level,
        events.confidence_score,
        case when events.location_entity_id = event_entities.entity_id then 1 else 0 end as is_place
    from event_entities
    inner join events
        on events.event_id = event_entities.event_id
),

final as (
    select
        named.entity_id,
        entities.entity_type,
        entities.canonical_name,
        named.event_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_events,
        cast(sum(named.is_place) as {{ dbt.type_bigint() }}) as n_events_located_here,
        cast(sum(case when named.verification_level = 'verified' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as n_verified_events,
        {{ exact_avg('named.confidence_score') }} as avg_confidence_score
    from named
    inner join entities
        on entities.entity_id = named.entity_id
    group by named.entity_id, entities.entity_type, entities.canonical_name, named.event_date
)

select * from final
