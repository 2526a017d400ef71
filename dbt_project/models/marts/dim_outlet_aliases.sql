-- Every outlet spelling seen in the data or listed in the registry, the outlet it means, how it
-- was matched, and the outlet's ownership group (outlets of one group count as one independent
-- source in the confidence metrics).
with

resolved as (
    select outlet_as_written as alias, outlet_key, outlet_id, match_method, match_score
    from {{ ref('int_outlet_names_resolved') }}
),

registry_aliases as (
    select alias, outlet_id from {{ ref('outlet_aliases') }}
),

outlets as (
    select outlet_id, ownership_group from {{ ref('dim_outlets') }}
),

unseen_registry_aliases as (
    select
        registry_aliases.alias,
        {{ outlet_key('registry_aliases.alias') }} as outlet_key,
        registry_aliases.outlet_id,
        'registry_alias' as match_method,
        1.0 as match_score
    from registry_aliases
    left join resolved
        on resolved.alias = registry_aliases.alias
    where resolved.alias is null
),

aliases as (
    select alias, outlet_key, outlet_id, match_method, match_score from resolved
    union all
    select alias, outlet_key, outlet_id, match_method, match_score from unseen_registry_aliases
),

final as (
    select
        aliases.alias,
        aliases.outlet_key,
        aliases.outlet_id,
        outlets.ownership_group,
        aliases.match_method,
        cast(aliases.match_score as double) as match_score
    from aliases
    inner join outlets
        on outlets.outlet_id = aliases.outlet_id
)

select * from final
