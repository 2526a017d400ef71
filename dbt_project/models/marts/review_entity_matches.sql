-- Spellings the resolver left as new entities although something looked close: one row per
-- (spelling, candidate) with the candidate's score and why it was not merged (ambiguous: two
-- entities scored alike; guard_failed: numbers, designators, country or a longer place name
-- disagree; below_threshold). A curator answers with a row in seed entity_resolution_decisions.
with

registered as (
    select * from {{ ref('int_entity_spellings_registered') }}
    where review_candidates is not null
),

resolved as (
    select mention_name, entity_type, entity_id from {{ ref('int_entity_mentions_resolved') }}
),

candidates as (
    select
        mention_name,
        entity_type,
        {{ unnest_list('review_candidates') }} as candidate
    from registered
),

final as (
    select
        candidates.mention_name,
        candidates.entity_type,
        resolved.entity_id,
        candidates.candidate.candidate_name as candidate_name,
        candidates.candidate.candidate_entity_id as candidate_entity_id,
        cast(candidates.candidate.score as double) as score,
        candidates.candidate.reason as reason
    from candidates
    inner join resolved
        on resolved.mention_name = candidates.mention_name
        and resolved.entity_type = candidates.entity_type
)

select * from final
