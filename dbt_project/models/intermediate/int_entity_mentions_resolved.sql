-- Every distinct (name as written, entity type) resolved to one canonical entity per type:
--   1. a curated alias (seed entity_aliases) whose match key equals the mention's;
--   2. otherwise the mention's own match key (case, accents, punctuation, "the", defence/defense,
--      and for places and people the romanisation rules of macros/name_keys.sql).
-- The entity id hashes the type and the canonical key: the same name resolves to the same id on
-- every run. Names no seed knows take the most frequent spelling as their canonical name.
-- An entity type outside the vocabulary is kept as 'unknown' (and the event flagged).
-- Event locations are resolved here too, so that the facts carry the place's entity id.
-- Incremental (macros/incremental.sql): a run counts the mentions of the new staging batches,
-- adds them to the counts of the entities they belong to and re-elects those entities'
-- canonical names. Other entities stay as they are. The facts hold entity ids, never canonical
-- names, so a re-elected name changes dim rows only, not the events that name the entity.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='entity_id',
    on_schema_change='fail',
) }}

with

batch as (
    select {{ current_staging_batch() }} as rebuilt_batch
),

entity_mentions as (
    select mention_name, entity_type_as_written from {{ ref('stg_raw__entity_mentions') }}
    where mention_name is not null
    {% if is_incremental() %}
        and staging_batch > {{ own_max('rebuilt_batch') }}
    {% endif %}
),

event_locations as (
    select location_name_as_written as mention_name, 'location' as entity_type_as_written
    from {{ ref('stg_raw__event_records') }}
    where location_name_as_written is not null
    {% if is_incremental() %}
        and staging_batch > {{ own_max('rebuilt_batch') }}
    {% endif %}
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

new_counts as (
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
    from new_counts
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
        keyed.mention_name,
        keyed.entity_type,
        keyed.n_mentions,
        keyed.base_key,
        coalesce(curated_keys.canonical_key, keyed.match_key) as canonical_key,
        curated_keys.canonical_name as curated_name,
        coalesce(curated_keys.via_alias, false) as via_curated_alias
    from keyed
    left join curated_keys
        on curated_keys.entity_type = keyed.entity_type
        and curated_keys.alias_key = keyed.match_key
),

with_ids as (
    select
        {{ dbt.hash("entity_type || ':' || canonical_key") }} as entity_id,
        *
    from matched
),

{% if is_incremental() %}
-- The known spellings of the entities this run touches, with their counts so far.
previous as (
    select * from {{ this }}
    where entity_id in (select entity_id from with_ids)
),

counted as (
    select
        entity_id, mention_name, entity_type,
        sum(n_mentions) as n_mentions,
        min(base_key) as base_key,
        min(canonical_key) as canonical_key,
        min(curated_name) as curated_name,
        bool_or(via_curated_alias) as via_curated_alias
    from (
        select entity_id, mention_name, entity_type, n_mentions, base_key, canonical_key,
            curated_name, via_curated_alias
        from with_ids
        union all
        select entity_id, mention_name, entity_type, n_mentions, base_key, canonical_key,
            curated_name, via_curated_alias
        from previous
    ) as spellings
    group by entity_id, mention_name, entity_type
),
{% else %}
counted as (
    select * from with_ids
),
{% endif %}

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
    from counted
),

final as (
    select
        named.entity_id,
        named.mention_name,
        named.entity_type,
        named.canonical_name,
        named.canonical_key,
        named.base_key,
        named.curated_name,
        named.via_curated_alias,
        cast(named.n_mentions as bigint) as n_mentions,
        case
            when named.mention_name = named.canonical_name then 'exact'
            when named.via_curated_alias then 'curated_alias'
            when named.base_key = {{ entity_base_key('named.canonical_name') }} then 'normalized'
            else 'transliteration'
        end as match_method,
        batch.rebuilt_batch
    from named
    cross join batch
)

select * from final
