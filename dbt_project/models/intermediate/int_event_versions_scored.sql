-- Corroboration metrics, confidence score and verification level of every event version.
-- Method (docs/confidence.md; every weight is a seed):
--   outlet strength  s = base_source_weight × reliability weight of its tier × weight of its
--                        surest tone in this event
--   ownership group  p = 1 − Π(1 − d·s) over its outlets, strongest first, d = 1 for the first
--                        and same_group_discount for the others
--   score              = 1 − Π(1 − p) over groups (independent evidence, "noisy OR")
-- Products multiply their factors in ascending order (macros/arrays.sql: ordered_product), so a
-- score does not depend on the order in which the engine's threads meet an event's outlets.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
with

claims as (
    select * from {{ ref('int_claims_resolved') }}
    where {{ changed_events_only() }}
),

versions as (
    select version_id, event_id from {{ ref('int_event_versions_sequenced') }}
    where {{ changed_events_only() }}
),

registry as (
    select outlet_id, cast(reliability_tier as {{ dbt.type_string() }}) as reliability_tier, ownership_group
    from {{ ref('outlet_registry') }}
),

tiers as (
    select cast(reliability_tier as {{ dbt.type_string() }}) as reliability_tier, reliability_weight
    from {{ ref('reliability_tiers') }}
),

parameters as (
    select
        max(case when parameter = 'base_source_weight' then value end) as base_source_weight,
        max(case when parameter = 'same_group_discount' then value end) as same_group_discount
    from {{ ref('confidence_parameters') }}
),

levels as (
    select * from {{ ref('verification_levels') }}
),

outlet_tones as (
    select
        version_id,
        outlet_id,
        max(tone_weight) as max_tone_weight,
        max(case when tone in ('certain', 'likely') then 1 else 0 end) = 1 as is_assertive,
        max(case when tone = 'doubtful' then 1 else 0 end) = 1
            and max(case when tone in ('certain', 'likely', 'possible') then 1 else 0 end) = 0 as is_only_doubtful
    from claims
    group by version_id, outlet_id
),

outlet_strengths as (
    select
        outlet_tones.*,
        coalesce(registry.ownership_group, outlet_tones.outlet_id) as ownership_group,
        parameters.base_source_weight
            * coalesce(tiers.reliability_weight, unknown_tier.reliability_weight)
            * outlet_tones.max_tone_weight as strength,
        parameters.same_group_discount
    from outlet_tones
    cross join parameters
    left join registry
        on registry.outlet_id = outlet_tones.outlet_id
    left join tiers  -- noqa: AL04
        on tiers.reliability_tier = registry.reliability_tier
    cross join (select reliability_weight from tiers where reliability_tier = 'unknown') as unknown_tier
),

outlet_contributions as (
    select
        *,
        case
            when row_number() over (
                partition by version_id, ownership_group order by strength desc, outlet_id
            ) = 1 then strength
            else same_group_discount * strength
        end as contribution
    from outlet_strengths
),

group_evidence as (
    select
        version_id,
        ownership_group,
        1 - {{ ordered_product('1 - contribution') }} as evidence,
        max(case when is_assertive then 1 else 0 end) = 1 as is_assertive,
        min(case when is_only_doubtful then 1 else 0 end) = 1 as is_only_doubtful
    from outlet_contributions
    group by version_id, ownership_group
),

tone_counts as (
    select
        version_id,
        cast(count(*) as bigint) as n_source_reports,
        count(distinct outlet_id) as n_outlets,
        cast(sum(case when tone = 'certain' then 1 else 0 end) as bigint) as n_certain,
        cast(sum(case when tone = 'likely' then 1 else 0 end) as bigint) as n_likely,
        cast(sum(case when tone = 'possible' then 1 else 0 end) as bigint) as n_possible,
        cast(sum(case when tone = 'doubtful' then 1 else 0 end) as bigint) as n_doubtful
    from claims
    group by version_id
),

version_evidence as (
    select
        version_id,
        count(*) as n_independent_sources,
        {{ round_places('1 - ' ~ ordered_product('1 - evidence'), 4) }} as confidence_score,
        max(case when is_assertive then 1 else 0 end) = 1
            and max(case when is_only_doubtful then 1 else 0 end) = 1 as is_disputed
    from group_evidence
    group by version_id
),

metrics as (
    select
        versions.version_id,
        versions.event_id,
        coalesce(tone_counts.n_source_reports, 0) as n_source_reports,
        coalesce(tone_counts.n_outlets, 0) as n_outlets,
        coalesce(version_evidence.n_independent_sources, 0) as n_independent_sources,
        coalesce(tone_counts.n_certain, 0) as n_certain,
        coalesce(tone_counts.n_likely, 0) as n_likely,
        coalesce(tone_counts.n_possible, 0) as n_possible,
        coalesce(tone_counts.n_doubtful, 0) as n_doubtful,
        -- clamp away float noise so the score stays within [0, 1]
        least(greatest(coalesce(version_evidence.confidence_score, 0), 0), 1) as confidence_score,
        coalesce(version_evidence.is_disputed, false) as is_disputed
    from versions
    left join tone_counts
        on tone_counts.version_id = versions.version_id
    left join version_evidence
        on version_evidence.version_id = versions.version_id
),

leveled as (
    select
        metrics.*,
        levels.verification_level,
        row_number() over (partition by metrics.version_id order by levels.priority) as level_rank
    from metrics
    inner join levels
        on metrics.n_independent_sources >= levels.min_independent_sources
        and metrics.confidence_score >= levels.min_confidence_score
        and (not levels.requires_dispute or metrics.is_disputed)
),

final as (
    select
        version_id,
        event_id,
        n_source_reports,
        n_outlets,
        n_independent_sources,
        n_certain,
        n_likely,
        n_possible,
        n_doubtful,
        confidence_score,
        is_disputed,
        verification_level
    from leveled
    where level_rank = 1
)

select * from final
