-- Every outlet: the registry's, plus unregistered outlets seen in the data (reliability
-- 'unknown', each its own ownership group so that it counts as independent).
with

registry as (
    select * from {{ ref('outlet_registry') }}
),

resolved as (
    select * from {{ ref('int_outlet_names_resolved') }}
),

unregistered as (
    select
        outlet_id,
        min(outlet_as_written) as outlet_name
    from resolved
    where match_method = 'unregistered'
    group by outlet_id
),

final as (
    select
        outlet_id,
        outlet_name,
        country,
        cast(reliability_tier as {{ dbt.type_string() }}) as reliability_tier,
        ownership_group,
        outlet_type,
        true as is_registered
    from registry
    union all
    select
        outlet_id,
        outlet_name,
        cast(null as {{ dbt.type_string() }}) as country,
        'unknown' as reliability_tier,
        outlet_id as ownership_group,
        cast(null as {{ dbt.type_string() }}) as outlet_type,
        false as is_registered
    from unregistered
)

select * from final
