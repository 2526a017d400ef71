-- The match keys (macros/name_keys.sql) of every name the entity resolver compares: each
-- distinct spelling seen, and each curated name (seeds entity_aliases, entity_renamings).
-- Computed once per name: the key rules are long chains of regular expressions, and the
-- resolver compares every new spelling with every registered one on every run. A change to
-- the rules or the seeds changes the transform fingerprint, so the next build is a full
-- refresh that keys every name again.
-- Incremental: a run keys only the names not keyed yet, and when there are none it does not
-- even plan the key expressions (about a second: they are hundreds of regular expressions).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set nothing_new = is_incremental() and query_constant(
    "select count(*) from (select mention_name, entity_type from " ~ ref('int_entity_spellings_counted')
    ~ " except select name, entity_type from " ~ this ~ ")", default=1) | int == 0 -%}

{% if nothing_new %}
select * from {{ this }} where 1 = 0  -- noqa: AM04
{% else %}

with

spellings as (
    select mention_name as name, entity_type from {{ ref('int_entity_spellings_counted') }}
),

curated as (
    select entity_type, alias as name from {{ ref('entity_aliases') }}
    union
    select entity_type, canonical_name from {{ ref('entity_aliases') }}
    union
    select entity_type, former_name from {{ ref('entity_renamings') }}
    union
    select entity_type, current_name from {{ ref('entity_renamings') }}
),

given_names as (
    select variant, canonical from {{ ref('given_name_variants') }}
),

names as (
    select name, entity_type from spellings
    union
    select name, entity_type from curated
    {% if is_incremental() %}
    except
    select name, entity_type from {{ this }}
    {% endif %}
),

-- Each name's base key once; for people, units and weapons the base their core key starts from
-- (macros/name_keys.sql: entity_prepared_base); a place's qualifier ("Andriivka, Bakhmut
-- Raion", "Бахмут Донецької області") and the name without it (location_qualifier).
prepared as (
    select
        name,
        entity_type,
        {{ entity_base_key('name') }} as base_key,
        case when entity_type in ('person', 'military_unit', 'weapon_system')
            then {{ entity_prepared_base('name', 'entity_type') }}
        end as prepared_base,
        case when entity_type = 'location' then {{ location_head('name') }} end as head,
        case when entity_type = 'location' then {{ location_qualifier('name') }} end as qualifier_text,
        -- an organisation's acronym, or the initials an acronym of it would spell, with and
        -- without its country (ДПСУ = Державна прикордонна служба України; ПС ФСБ = Пограничная
        -- служба ФСБ России)
        case when entity_type = 'organization' then {{ is_acronym_form('name') }} end as is_acronym,
        case when entity_type = 'organization' then {{ organization_initials('name') }} end as initials,
        case when entity_type = 'organization' then {{ organization_initials('name', true) }} end
            as short_initials
    from names
),

qualified as (
    -- the qualifier's words, folded (only for the names that have one)
    select
        *,
        case when qualifier_text is not null
            then {{ split_text(entity_base_key('qualifier_text'), ' ') }}
        end as qualifier_words,
        -- the name without its qualifier, as the base key is of the whole name
        case when qualifier_text is not null then {{ entity_base_key('head') }} end as head_base_key,
        -- a unit's honorific ("… named after Hetman Ivan Mazepa", "Ivan Mazepa Brigade") and the
        -- words of its whole name: a unit named by its honorific alone meets the named unit
        case when entity_type = 'military_unit' then {{ unit_honorific_words('base_key', true) }} end
            as honorific_words,
        case when entity_type = 'military_unit' then {{ unit_honorific_words('base_key', false) }} end
            as bare_honorific_words,
        -- (words of four letters or more: an ordinal's ending, -ma, -ta, is no word to match)
        case when entity_type = 'military_unit'
            then {{ list_keep(split_text('base_key', ' '), 'w', 'length(w) >= 4') }}
        end
            as unit_words
    from prepared
),

cored as (
    select
        name,
        entity_type,
        base_key,
        {{ entity_core_from_base('coalesce(prepared_base, base_key)', 'entity_type') }} as core_key,
        case when qualifier_words is not null
            then {{ romanised_key(location_core_from_base('head_base_key')) }}
        end as place_key,
        case when qualifier_words is not null then {{ qualifier_level('qualifier_words') }} end as qualifier_level,
        case when qualifier_words is not null then {{ qualifier_name('qualifier_words') }} end as qualifier_name,
        case when entity_type = 'location'
            then {{ qualifier_stem(qualifier_name(split_text('coalesce(head_base_key, base_key)', ' '))) }}
        end as region_stem,
        is_acronym,
        initials,
        short_initials,
        honorific_words,
        bare_honorific_words,
        unit_words
    from qualified
),

romanised as (
    -- entity_match_key, on the core key computed once
    select
        *,
        case when entity_type in ('location', 'person') then {{ romanised_key('core_key') }} else core_key end
            as romanised_match_key
    from cored
),

given_name_keys as (
    -- romanised like the names they replace; one canonical per variant key
    select {{ romanised_key('variant') }} as variant_key, min({{ romanised_key('canonical') }}) as canonical_key
    from given_names
    group by {{ romanised_key('variant') }}
),

matched as (
    -- a person's given name in one romanisation (Vladimir/Wladimir/Volodymyr → volodymyr)
    select
        cored.name,
        cored.entity_type,
        cored.base_key,
        cored.core_key,
        cored.place_key,
        cored.qualifier_level,
        cored.qualifier_name,
        cored.region_stem,
        cored.is_acronym,
        cored.initials,
        cored.short_initials,
        cored.honorific_words,
        cored.bare_honorific_words,
        cored.unit_words,
        case
            when given_name_keys.canonical_key is not null
                then given_name_keys.canonical_key
                    || substr(cored.romanised_match_key, length(split_part(cored.romanised_match_key, ' ', 1)) + 1)
            else cored.romanised_match_key
        end as match_key
    from romanised as cored
    left join given_name_keys
        on cored.entity_type = 'person'
        and cored.romanised_match_key like '% %'
        and given_name_keys.variant_key = split_part(cored.romanised_match_key, ' ', 1)
),

final as (
    select
        name,
        entity_type,
        base_key,
        core_key,
        match_key,
        -- similarity is measured on romanised keys for every type: "Werchowna Rada", "Lantset"
        -- and "Panzir" are German or Russian spellings of an organisation's or weapon's name
        {{ romanised_key('match_key') }} as fuzzy_key,
        -- a place named with a qualifier: the name's own key, and the qualifier's level, stem
        -- and name (the resolver compares qualifiers: int_entity_spellings_registered).
        -- Null when there is none, or when it only described the place ("Dnipro (city)").
        case when has_qualifier then place_key end as place_key,
        case when has_qualifier then qualifier_level end as qualifier_level,
        case when has_qualifier then {{ qualifier_stem('qualifier_name') }} end as qualifier_stem,
        case when has_qualifier then {{ qualifier_key('qualifier_name') }} end as qualifier_key,
        -- a place's own name as a region's stem (Donetsk, Donetsk Oblast, Донецька область →
        -- donet): a bare city named like an oblast is taken to be in it
        region_stem,
        is_acronym,
        initials,
        short_initials,
        honorific_words,
        bare_honorific_words,
        unit_words
    from (
        select
            *,
            coalesce(place_key <> match_key and place_key <> '' and qualifier_name <> '', false) as has_qualifier
        from matched
    ) as with_qualifier
)

select * from final
{% endif %}
