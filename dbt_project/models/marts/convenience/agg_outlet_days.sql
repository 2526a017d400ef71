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

outlet_events as (
    select distinct
        claims.event_id,
        claims.outlet_id,
        outlets.ownership_group
    from claims
    inner join outlets
        on outlets.outlet_id = claims.outlet_id
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

reach as (
    select
        events.event_date,
        outlet_events.outlet_id,
        count(*) as n_events,
        sum(case when event_groups.n_groups > 1 then 1 else 0 end) as n_corroborated_events,
        -- exact (decimal) so that the scorecard's mean over any days is the same whatever the
        -- batches the days were built in
        sum(cast(events.confidence_score as {{ dbt.type_numeric() }})) as sum_event_confidence,
        min(events.first_extracted_at) as first_reported_at,
        max(events.first_extracted_at) as last_reported_at
    from outlet_events
    inner join event_groups
        on event_groups.event_id = outlet_events.event_id
    inner join events
        on events.event_id = outlet_events.event_id
    group by events.event_date, outlet_events.outlet_id
),

tones as (
    select
        events.event_date,
        claims.outlet_id,
        count(*) as n_claims,
        sum(case when claims.tone = 'certain' then 1 else 0 end) as n_certain,
        sum(case when claims.tone = 'likely' then 1 else 0 end) as n_likely,
        sum(case when claims.tone = 'possible' then 1 else 0 end) as n_possible,
        sum(case when claims.tone = 'doubtful' then 1 else 0 end) as n_doubtful
    from claims
    inner join events
        on events.event_id = claims.event_id
    group by events.event_date, claims.outlet_id
),

final as (
    select
        reach.event_date,
        reach.outlet_id,
        cast(reach.n_events as {{ dbt.type_bigint() }}) as n_events,
        cast(reach.n_corroborated_events as {{ dbt.type_bigint() }}) as n_corroborated_events,
        cast(tones.n_claims as {{ dbt.type_bigint() }}) as n_claims,
        cast(tones.n_certain as {{ dbt.type_bigint() }}) as n_certain,
        cast(tones.n_likely as {{ dbt.type_bigint() }}) as n_likely,
        cast(tones.n_possible as {{ dbt.type_bigint() }}) as n_possible,
        cast(tones.n_doubtful as {{ dbt.type_bigint() }}) as n_doubtful,
        cast(reach.sum_event_confidence as decimal(38, 6)) as sum_event_confidence,
        reach.first_reported_at,
        reach.last_reported_at
    from reach
    inner join tones
        on
            tones.event_date = reach.event_date
            and tones.outlet_id = reach.outlet_id
)

select * from final
