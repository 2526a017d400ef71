-- Every spelling seen (per type), the entity it resolves to, how it relates to the entity's
-- canonical name (or how it was matched) and how sure the match is; with the id the registry
-- first gave it when a later decision moved it.
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
        match_score,
        registered_entity_id,
        decision,
        n_mentions
    from resolved
)

select * from final
