-- One row per canonical entity (per type).
with

resolved as (
    select * from {{ ref('int_entity_mentions_resolved') }}
),

final as (
    select
        entity_id,
        min(canonical_name) as canonical_name,
        min(entity_type) as entity_type,
        cast(count(*) as bigint) as n_aliases,
        cast(sum(n_mentions) as bigint) as n_mentions
    from resolved
    group by entity_id
)

select * from final
