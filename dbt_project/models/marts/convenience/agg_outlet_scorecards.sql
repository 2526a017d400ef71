-- One row per outlet that made at least one claim: how much it reports, in what tone, and how
-- often an independent outlet (another ownership group) reported the same event. The sums of
-- the outlet's days (agg_outlet_days, incremental by day), so a run's cost follows the days its
-- events touch, not the history; the outlets' attributes come from dim_outlets.
with

outlets as (
    select * from {{ ref('dim_outlets') }}
),

days as (
    select
        outlet_id,
        sum(n_events) as n_events,
        sum(n_corroborated_events) as n_corroborated_events,
        sum(n_claims) as n_claims,
        sum(n_certain) as n_certain,
        sum(n_likely) as n_likely,
        sum(n_possible) as n_possible,
        sum(n_doubtful) as n_doubtful,
        sum(sum_event_confidence) as sum_event_confidence,
        min(first_reported_at) as first_reported_at,
        max(last_reported_at) as last_reported_at
    from {{ ref('agg_outlet_days') }}
    group by outlet_id
),

final as (
    select
        outlets.outlet_id,
        outlets.outlet_name,
        outlets.ownership_group,
        outlets.reliability_tier,
        outlets.is_registered,
        cast(days.n_events as {{ dbt.type_bigint() }}) as n_events,
        cast(days.n_claims as {{ dbt.type_bigint() }}) as n_claims,
        cast(days.n_corroborated_events as {{ dbt.type_bigint() }}) as n_corroborated_events,
        cast(days.n_corroborated_events as {{ type_double() }}) / days.n_events as corroboration_rate,
        cast(days.n_certain as {{ type_double() }}) / days.n_claims as share_certain,
        cast(days.n_likely as {{ type_double() }}) / days.n_claims as share_likely,
        cast(days.n_possible as {{ type_double() }}) / days.n_claims as share_possible,
        cast(days.n_doubtful as {{ type_double() }}) / days.n_claims as share_doubtful,
        -- the same double on both engines (DuckDB divides a decimal as doubles, Spark exactly)
        {{ exact_mean('days.sum_event_confidence', 'days.n_events') }} as avg_event_confidence,
        days.first_reported_at,
        days.last_reported_at
    from outlets
    inner join days
        on days.outlet_id = outlets.outlet_id
)

select * from final
