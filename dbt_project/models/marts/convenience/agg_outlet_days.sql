-- One row per outlet and day (UTC) of its events' first extraction: how many events it reported,
-- in what tone, how many an independent outlet (another ownership group) reported too, and the
-- sum of their confidence scores. agg_outlet_scorecards adds these days up.
-- Incremental: rebuilds the days the changed events touch (int_event_days_changed). Every event
-- counts on the day of its first extraction, so a day's rows need only that day's events.
{{ config(materialized='incremental', incremental_strategy='replace_changed_days', on_schema_change='fail') }}
-- depends_on: {{ ref('int_event_days_changed') }}
with

events as (
    select
        event_id,
        confidence_score,
        first_extracted_at,
        cast({{ dbt.date_trunc('day', 'first_extracted_at') }} as date) as event_date
    from {{ ref('fct_events') }}
    where {{ changed_days_only('first_extracted_at') }}
),

claims as (
    select event_id, outlet_id, tone from {{ ref('fct_claims') }}
    where event_id in (select events.event_id from events)
),

outlets as (
    select outlet_id, ownership_group from {{ ref('dim_outlets') }}
),

-- One row per event and outlet that reported it: its claims by tone and its ownership group.
outlet_events as (
    select
        claims.event_id,
        claims.outlet_id,
        outlets.ownership_group,
        count(*) as n_claims,
        sum(case when claims.tone = 'certain' then 1 else 0 end) as n_certain,
        sum(case when claims.tone = 'likely' then 1 else 0 end) as n_likely,
        sum(case when claims.tone = 'possible' then 1 else 0 end) as n_possible,
        sum(case when claims.tone = 'doubtful' then 1 else 0 end) as n_doubtful
    from claims
    inner join outlets
        on outlets.outlet_id = claims.outlet_id
    group by claims.event_id, claims.outlet_id, outlets.ownership_group
),

-- An outlet's event is corroborated when another ownership group reported it too: the
-- outlet's own group is one of the event's groups, so two or more means someone independent.
event_groups as (
    select
        event_id,
        count(distinct ownership_group) as n_groups
    from outlet_events
    group by event_id
),

final as (
    select
        events.event_date,
        outlet_events.outlet_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_events,
        cast(sum(case when event_groups.n_groups > 1 then 1 else 0 end) as {{ dbt.type_bigint() }})
            as n_corroborated_events,
        cast(sum(outlet_events.n_claims) as {{ dbt.type_bigint() }}) as n_claims,
        cast(sum(outlet_events.n_certain) as {{ dbt.type_bigint() }}) as n_certain,
        cast(sum(outlet_events.n_likely) as {{ dbt.type_bigint() }}) as n_likely,
        cast(sum(outlet_events.n_possible) as {{ dbt.type_bigint() }}) as n_possible,
        cast(sum(outlet_events.n_doubtful) as {{ dbt.type_bigint() }}) as n_doubtful,
        -- exact (decimal) so that the scorecard's mean over any days is the same whatever the
        -- batches the days were built in
        cast(sum(cast(events.confidence_score as {{ dbt.type_numeric() }})) as decimal(38, 6))
            as sum_event_confidence,
        min(events.first_extracted_at) as first_reported_at,
        max(events.first_extracted_at) as last_reported_at
    from outlet_events
    inner join event_groups
        on event_groups.event_id = outlet_events.event_id
    inner join events
        on events.event_id = outlet_events.event_id
    group by events.event_date, outlet_events.outlet_id
)

select * from final
