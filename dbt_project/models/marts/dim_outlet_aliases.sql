-- Every outlet spelling seen in the data or listed in the registry, and the outlet it means.
with

resolved as (
    select outlet_as_written as alias, outlet_key, outlet_id, match_method
    from {{ ref('int_outlet_names_resolved') }}
),

registry_aliases as (
    select alias, outlet_id from {{ ref('outlet_aliases') }}
),

unseen_registry_aliases as (
    select
        registry_aliases.alias,
        {{ outlet_key('registry_aliases.alias') }} as outlet_key,
        registry_aliases.outlet_id,
        'registry_alias' as match_method
    from registry_aliases
    left join resolved
        on resolved.alias = registry_aliases.alias
    where resolved.alias is null
),

final as (
    select alias, outlet_key, outlet_id, match_method from resolved
    union all
    select alias, outlet_key, outlet_id, match_method from unseen_registry_aliases
)

select * from final
