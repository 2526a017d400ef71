-- One row per outlet that made at least one claim: how much it reports, in what tone, and how
-- often an independent outlet (another ownership group) reported the same event. Rebuilt whole
-- from the marts each build.
with

claims as (
    select event_id, outlet_id, tone from {{ ref('fct_claims') }}
),

outlets as (
    select * from {{ ref('dim_outlets') }}
),

events as (
    select event_id, confidence_score, first_extracted_at from {{ ref('fct_events') }}
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
        outlet_events.outlet_id,
        count(*) as n_events,
        sum(case when event_groups.n_groups > 1 then 1 else 0 end) as n_corroborated_events,
        {{ exact_avg('events.confidence_score') }} as avg_event_confidence,
        min(events.first_extracted_at) as first_reported_at,
        max(events.first_extracted_at) as last_reported_at
    from outlet_events
    inner join event_groups
        on event_groups.event_id = outlet_events.event_id
    inner join events
        on events.event_id = outlet_events.event_id
    group by outlet_events.outlet_id
),

tones as (
    select
        outlet_id,
        count(*) as n_claims,
        sum(case when tone = 'certain' then 1 else 0 end) as n_certain,
        sum(case when tone = 'likely' then 1 else 0 end) as n_likely,
        sum(case when tone = 'possible' then 1 else 0 end) as n_possible,
        sum(case when tone = 'doubtful' then 1 else 0 end) as n_doubtful
    from claims
    group by outlet_id
),

final as (
    select
        outlets.outlet_id,
        outlets.outlet_name,
        outlets.ownership_group,
        outlets.reliability_tier,
        outlets.is_registered,
        cast(reach.n_events as {{ dbt.type_bigint() }}) as n_events,
        cast(tones.n_claims as {{ dbt.type_bigint() }}) as n_claims,
        cast(reach.n_corroborated_events as {{ dbt.type_bigint() }}) as n_corroborated_events,
        cast(reach.n_corroborated_events as {{ type_double() }}) / reach.n_events as corroboration_rate,
        cast(tones.n_certain as {{ type_double() }}) / tones.n_claims as share_certain,
        cast(tones.n_likely as {{ type_double() }}) / tones.n_claims as share_likely,
        cast(tones.n_possible as {{ type_double() }}) / tones.n_claims as share_possible,
        cast(tones.n_doubtful as {{ type_double() }}) / tones.n_claims as share_doubtful,
        reach.avg_event_confidence,
        reach.first_reported_at,
        reach.last_reported_at
    from outlets
    inner join reach
        on reach.outlet_id = outlets.outlet_id
    inner join tones
        on tones.outlet_id = outlets.outlet_id
)

select * from final
