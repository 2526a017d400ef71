-- Every spelling seen in the data (per type) and the entity it resolves to, with how.
with

resolved as (
    select * from {{ ref('int_entity_mentions_resolved') }}
),

final as (
    select
        mention_name as alias,
        entity_type,
        entity_id,
        match_method,
        n_mentions
    from resolved
)

select * from final
