-- Every distinct (name as written, entity type) with the entity it means now: the id the
-- registry gave it (int_entity_spellings_registered), unless a recorded decision (seed
-- entity_resolution_decisions) later merged that entity into another or split the spelling
-- off into an entity of its own. The registered id is kept beside the effective one, so a
-- decision is visible, never a silent re-key. Decisions are seeds, so adding one changes the
-- transform fingerprint and the next build re-keys the facts in a full refresh.
-- Each entity's canonical name is its curated name when a curated alias matched it, else its
-- most frequent spelling. Grain (mention_name, entity_type); rebuilt whole on every run (one
-- row per distinct spelling, not per mention).
with

counted as (
    select * from {{ ref('int_entity_spellings_counted') }}
),

registered as (
    select * from {{ ref('int_entity_spellings_registered') }}
),

decisions as (
    select * from {{ ref('entity_resolution_decisions') }}
),

merge_decisions as (
    select
        decisions.entity_type,
        merged.entity_id as from_entity_id,
        surviving.entity_id as into_entity_id
    from decisions
    inner join registered as merged
        on merged.entity_type = decisions.entity_type
        and merged.mention_name = decisions.mention_name
    inner join registered as surviving
        on surviving.entity_type = decisions.entity_type
        and surviving.mention_name = decisions.target_name
    where decisions.decision = 'merge'
),

splits as (
    select entity_type, mention_name from decisions where decision = 'split'
),

decided as (
    select
        registered.mention_name,
        registered.entity_type,
        registered.entity_id as registered_entity_id,
        case
            when splits.mention_name is not null
                then {{ dbt.hash("registered.entity_type || ':split:' || registered.mention_name") }}
            else coalesce(merge_decisions.into_entity_id, registered.entity_id)
        end as entity_id,
        case
            when splits.mention_name is not null then 'split'
            when merge_decisions.into_entity_id is not null then 'merged'
        end as decision,
        registered.match_method,
        registered.match_score,
        case when splits.mention_name is null then registered.curated_name end as curated_name,
        counted.n_mentions
    from registered
    inner join counted
        on counted.mention_name = registered.mention_name
        and counted.entity_type = registered.entity_type
    left join splits
        on splits.entity_type = registered.entity_type
        and splits.mention_name = registered.mention_name
    left join merge_decisions
        on merge_decisions.entity_type = registered.entity_type
        and merge_decisions.from_entity_id = registered.entity_id
),

named as (
    select
        *,
        coalesce(
            max(curated_name) over (partition by entity_id),
            first_value(mention_name) over (
                partition by entity_id order by n_mentions desc, mention_name
            )
        ) as canonical_name
    from decided
),

name_keys as (
    select name, entity_type, base_key, core_key, match_key from {{ ref('int_entity_names_keyed') }}
),

final as (
    -- how the spelling relates to its entity's canonical name, which does not depend on the
    -- order spellings arrived in; the registered method (fuzzy, surname, curated alias…) and
    -- score where the keys do not meet
    select
        named.entity_id,
        named.mention_name,
        named.entity_type,
        named.canonical_name,
        case
            when named.mention_name = named.canonical_name then 'exact'
            when spelling.base_key = canonical.base_key then 'normalized'
            when named.match_method = 'curated_alias' then 'curated_alias'
            when spelling.core_key = canonical.core_key then 'rule'
            when spelling.match_key = canonical.match_key then 'transliteration'
            else named.match_method
        end as match_method,
        case when spelling.match_key = canonical.match_key then 1.0 else named.match_score end as match_score,
        named.registered_entity_id,
        named.decision,
        named.n_mentions
    from named
    inner join name_keys as spelling
        on spelling.name = named.mention_name
        and spelling.entity_type = named.entity_type
    inner join name_keys as canonical
        on canonical.name = named.canonical_name
        and canonical.entity_type = named.entity_type
)

select * from final
