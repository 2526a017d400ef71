-- Every distinct (name as written, entity type) resolved to one canonical entity per type:
--   1. a curated alias (seed entity_aliases) whose match key equals the mention's;
--   2. otherwise the mention's own match key (case, accents, punctuation, "the", defence/defense,
--      and for places and people the romanisation rules of macros/name_keys.sql).
-- The entity id hashes the type and the canonical key: the same name resolves to the same id on
-- every run. Names no seed knows take the most frequent spelling as their canonical name.
-- An entity type outside the vocabulary is kept as 'unknown' (and the event flagged).
-- Event locations are resolved here too, so that fct_events carries the canonical place name.
with

entity_mentions as (
    select mention_name, entity_type_as_written from {{ ref('stg_raw__entity_mentions') }}
    where mention_name is not null
),

event_locations as (
    select location_name_as_written as mention_name, 'location' as entity_type_as_written
    from {{ ref('stg_raw__event_records') }}
),

mentions as (
    select * from entity_mentions
    union all
    select * from event_locations
),

entity_types as (
    select entity_type from {{ ref('entity_types') }}
),

curated as (
    select * from {{ ref('entity_aliases') }}
),

typed as (
    select
        mentions.mention_name,
        coalesce(entity_types.entity_type, 'unknown') as entity_type,
        count(*) as n_mentions
    from mentions
    left join entity_types
        on entity_types.entity_type = mentions.entity_type_as_written
    group by mentions.mention_name, coalesce(entity_types.entity_type, 'unknown')
),

keyed as (
    select
        *,
        {{ entity_match_key('mention_name', 'entity_type') }} as match_key,
        {{ entity_base_key('mention_name') }} as base_key
    from typed
),

curated_names as (
    -- canonical names match themselves too, so "Vovchansk" finds its curated canonical name
    select entity_type, alias as name, canonical_name, true as via_alias from curated
    union all
    select distinct entity_type, canonical_name, canonical_name, false from curated
),

curated_keys as (
    -- one row per key; where an alias spells the canonical name's own key, the canonical wins
    select entity_type, alias_key, canonical_name, canonical_key, via_alias
    from (
        select
            entity_type,
            {{ entity_match_key('name', 'entity_type') }} as alias_key,
            canonical_name,
            {{ entity_match_key('canonical_name', 'entity_type') }} as canonical_key,
            via_alias,
            row_number() over (
                partition by entity_type, {{ entity_match_key('name', 'entity_type') }}
                order by case when via_alias then 1 else 0 end, canonical_name
            ) as key_rank
        from curated_names
    ) as ranked
    where key_rank = 1
),

matched as (
    select
        keyed.*,
        coalesce(curated_keys.canonical_key, keyed.match_key) as canonical_key,
        curated_keys.canonical_name as curated_name,
        coalesce(curated_keys.via_alias, false) as via_curated_alias
    from keyed
    left join curated_keys
        on curated_keys.entity_type = keyed.entity_type
        and curated_keys.alias_key = keyed.match_key
),

named as (
    select
        *,
        coalesce(
            curated_name,
            first_value(mention_name) over (
                partition by entity_type, canonical_key
                order by n_mentions desc, mention_name
            )
        ) as canonical_name
    from matched
),

final as (
    select
        {{ dbt.hash("entity_type || ':' || canonical_key") }} as entity_id,
        mention_name,
        entity_type,
        canonical_name,
        canonical_key,
        n_mentions,
        case
            when mention_name = canonical_name then 'exact'
            when via_curated_alias then 'curated_alias'
            when base_key = {{ entity_base_key('canonical_name') }} then 'normalized'
            else 'transliteration'
        end as match_method
    from named
)

select * from final
