-- The entity registry: every spelling (name as written, entity type) ever seen, with the entity
-- id it was given when it first arrived and how it was matched. A registered spelling never
-- changes entity: new aliases, new rules and re-runs only decide where *new* spellings go, and
-- a later merge or split is a recorded decision (seed entity_resolution_decisions, applied in
-- int_entity_mentions_resolved), never a silent re-key. Hence `full_refresh: false`: a full
-- refresh of the warehouse keeps the registry.
--
-- New spellings are resolved in layers, blocked by entity type (docs/entity-resolution.md):
--   1. key match: the spelling's match key (macros/name_keys.sql: normalised, descriptors and
--      titles dropped, romanised for places and people) equals a curated alias's (seed
--      entity_aliases) or a registered spelling's: exact / normalized / rule / transliteration
--      / curated_alias, score 1;
--   2. structural rules, when exactly one entity fits: a person's surname alone, initial or
--      without a middle name (surname), an oblast's adjective or nickname (rule), a weapon's
--      designation or name alone (designation), a unit or organisation without its country
--      adjective (country_implied);
--   3. fuzzy: one edit between romanised keys (similarity at least the review floor), or two on
--      keys of 8+ letters (similarity at least the threshold), where numbers, designators
--      (oblast, river, army, brigade…), country adjectives, variant letters and weapon codes
--      agree exactly, keys have 5+ letters, and a place is never matched to a longer name that
--      starts with it (Pokrovsk/Pokrovske); candidates are blocked (target_blocks);
--   4. otherwise a new entity; near or ambiguous candidates are kept in review_candidates
--      (published as review_entity_matches) for a person to decide.
-- New spellings sharing a match key form one group and resolve together; a group may attach to
-- another new group only if that group is more frequent (then by key), so one run's spellings
-- find each other without cycles.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    spark_stages=['keyed', 'groups', 'key_matched', 'features', 'pairs', 'scored', 'resolved_pairs', 'decided'],
    post_hook="{{ drop_stages() }}",
) }}

{#- A run without new spellings adds nothing; it need not compare every registered key. -#}
{%- set nothing_new = is_incremental() and query_constant(
    "select count(*) from (select mention_name, entity_type from " ~ ref('int_entity_spellings_counted')
    ~ " except select mention_name, entity_type from " ~ this ~ ")", default=1) | int == 0 -%}
{%- set fuzzy_threshold = 0.95 -%}
{%- set review_floor = 0.85 -%}
{%- set designators = 'oblast|raion|river|dam|npp|bridge|island|fleet|army|division|brigade|regiment|battalion|corps'
    ~ '|legion|ministry|council|service|court|committee|agency|guard|staff|force|parliament|airborne|marine|tank'
    ~ '|assault|mechanized|artillery|navy|police' -%}
{%- set countries = 'russian|ukrainian|belarusian|american|us|german|french|british|polish|chechen|iranian|turkish'
    ~ '|european|nato|un' -%}
{#- Words that name no one unit or organisation in particular: they do not block candidates. -#}
{%- set common_words = (designators ~ '|' ~ countries
    ~ '|national|special|purpose|general|security|defense|combined|arms|state|forces|operations|main|directorate'
    ~ '|intelligence|armed|air|naval|volunteer|center|office|presidential|international|committee').split('|') -%}

{% if nothing_new %}
select * from {{ this }} where 1 = 0  -- noqa: AM04
{% else %}
with

batch as (
    select {{ current_staging_batch() }} as registered_batch
),

counted as (
    select mention_name, entity_type, n_mentions from {{ ref('int_entity_spellings_counted') }}
),

curated as (
    select entity_type, alias, canonical_name from {{ ref('entity_aliases') }}
    union all
    -- official renamings and re-designations: the former name is an alias of the current one
    select entity_type, former_name, current_name from {{ ref('entity_renamings') }}
),

registered as (
    {% if is_incremental() %}
    select mention_name, entity_type, entity_id from {{ this }}
    {% else %}
    select
        cast(null as {{ dbt.type_string() }}) as mention_name,
        cast(null as {{ dbt.type_string() }}) as entity_type,
        cast(null as {{ dbt.type_string() }}) as entity_id
    where 1 = 0
    {% endif %}
),

new_spellings as (
    select counted.mention_name, counted.entity_type, counted.n_mentions
    from counted
    left join registered
        on registered.mention_name = counted.mention_name
        and registered.entity_type = counted.entity_type
    where registered.mention_name is null
),

curated_names as (
    -- canonical names match themselves too, so "Vovchansk" finds its curated entity
    select entity_type, alias as name, canonical_name from curated
    union
    select entity_type, canonical_name, canonical_name from curated  -- noqa: AL08
),

name_keys as (
    select * from {{ ref('int_entity_names_keyed') }}
),

-- Every name any layer compares, with its keys: new spellings, registered spellings, curated names.
names as (
    select
        'new' as side, entity_type, mention_name as name, n_mentions,
        cast(null as {{ dbt.type_string() }}) as entity_id,
        cast(null as {{ dbt.type_string() }}) as canonical_name
    from new_spellings
    {% if is_incremental() %}
    union all
    select
        'registered', registered.entity_type, registered.mention_name,
        coalesce(counted.n_mentions, 0), registered.entity_id, null
    from registered
    left join counted
        on counted.mention_name = registered.mention_name
        and counted.entity_type = registered.entity_type
    {% endif %}
    union all
    select 'curated', entity_type, name, 0, null, canonical_name
    from curated_names
),

keyed_names as (
    select
        names.*, name_keys.base_key, name_keys.core_key, name_keys.match_key, name_keys.fuzzy_key,
        coalesce(name_keys.place_key, name_keys.match_key) as place_key, name_keys.qualifier_level,
        name_keys.qualifier_stem, name_keys.qualifier_key, name_keys.region_stem, name_keys.is_acronym,
        name_keys.initials, name_keys.short_initials, name_keys.honorific_words,
        name_keys.bare_honorific_words, name_keys.unit_words
    from names
    inner join name_keys
        on name_keys.name = names.name
        and name_keys.entity_type = names.entity_type
),

raion_regions as (
    -- a raion's oblast (seed raion_oblasts), by the stems qualifiers are compared by
    select distinct
        {{ qualifier_stem(entity_base_key('raion')) }} as raion_stem,
        {{ qualifier_stem(entity_base_key('oblast')) }} as region_stem
    from {{ ref('raion_oblasts') }}
),

oblast_stems as (
    -- the regions named among the places compared (Donetsk Oblast, Харківська область)
    select distinct entity_type, region_stem
    from keyed_names
    where entity_type = 'location' and place_key like '% oblast' and region_stem <> ''
),

keyed as (
    -- a bare place named like a region is taken to be in it: "Donetsk" is in Donetsk Oblast,
    -- so "Donetsk, Rostov Oblast" is another place (macros/name_keys.sql: qualifiers)
    select
        keyed_names.side, keyed_names.entity_type, keyed_names.name, keyed_names.n_mentions,
        keyed_names.entity_id, keyed_names.canonical_name, keyed_names.base_key, keyed_names.core_key,
        keyed_names.match_key, keyed_names.fuzzy_key, keyed_names.place_key,
        coalesce(keyed_names.qualifier_level, case when oblast_stems.region_stem is not null then 'region' end)
            as qualifier_level,
        coalesce(keyed_names.qualifier_stem, oblast_stems.region_stem) as qualifier_stem,
        coalesce(keyed_names.qualifier_key, oblast_stems.region_stem) as qualifier_key,
        -- the oblast the qualifier puts the place in: an oblast's own stem, a raion's from the
        -- gazetteer ("Siversk, Bakhmut Raion" is in Donetsk Oblast)
        case
            when keyed_names.qualifier_level = 'raion' then raion_regions.region_stem
            when coalesce(keyed_names.qualifier_level, 'region') = 'region'
                then coalesce(keyed_names.qualifier_stem, oblast_stems.region_stem)
        end as qualifier_region_stem,
        -- an organisation's acronym (its letters, with and without the country), or the
        -- initials an acronym of the name would spell: the acronym layer meets one with the other
        {{ initials_list('keyed_names', true) }} as acronym_initials,
        {{ initials_list('keyed_names', false) }} as name_initials,
        coalesce(keyed_names.honorific_words, {{ empty_string_array() }}) as honorific_words,
        coalesce(keyed_names.bare_honorific_words, {{ empty_string_array() }}) as bare_honorific_words,
        coalesce(keyed_names.unit_words, {{ empty_string_array() }}) as unit_words
    from keyed_names
    left join oblast_stems
        on keyed_names.qualifier_level is null
        and keyed_names.place_key not like '% %'
        and oblast_stems.entity_type = keyed_names.entity_type
        and oblast_stems.region_stem = keyed_names.region_stem
    left join raion_regions
        on keyed_names.qualifier_level = 'raion'
        and raion_regions.raion_stem = keyed_names.qualifier_stem
),

curated_ids as (
    -- a curated entity's id hashes its canonical name's match key, as a new entity's does
    select distinct
        entity_type, canonical_name,
        {{ dbt.hash("entity_type || ':' || match_key") }} as entity_id
    from keyed
    where side = 'curated' and name = canonical_name
),

-- Layer 1: match keys equal. Curated names come first, then registered spellings.
key_targets as (
    select
        keyed.entity_type, keyed.match_key, curated_ids.entity_id, keyed.name as matched_name,
        keyed.core_key as matched_core_key, keyed.base_key as matched_base_key, keyed.canonical_name as curated_name,
        keyed.fuzzy_key, keyed.place_key, keyed.qualifier_level, keyed.qualifier_stem, keyed.qualifier_key,
        keyed.qualifier_region_stem, keyed.acronym_initials, keyed.name_initials, keyed.honorific_words,
        keyed.bare_honorific_words, keyed.unit_words, 'curated_alias' as layer, 1 as layer_rank
    from keyed
    inner join curated_ids
        on curated_ids.entity_type = keyed.entity_type
        and curated_ids.canonical_name = keyed.canonical_name
    where keyed.side = 'curated'
    union all
    select
        entity_type, match_key, entity_id, name, core_key, base_key, null, fuzzy_key, place_key,
        qualifier_level, qualifier_stem, qualifier_key, qualifier_region_stem, acronym_initials, name_initials,
        honorific_words, bare_honorific_words, unit_words, 'registered', 2
    from keyed
    where side = 'registered'
),

anchors as (
    -- each group's anchor: its most frequent spelling, then the shortest, then the first in byte
    -- order; decided by the data alone, never by the order a batch's rows arrive in
    select entity_type, match_key, name as anchor_name, base_key as anchor_base_key
    from (
        select
            entity_type, match_key, name, base_key,
            row_number() over (
                partition by entity_type, match_key order by n_mentions desc, length(name), name
            ) as anchor_rank
        from keyed
        where side = 'new'
    ) as ranked
    where anchor_rank = 1
),

groups as (
    select
        keyed.entity_type,
        keyed.match_key,
        sum(keyed.n_mentions) as n_mentions,
        anchors.anchor_name,
        anchors.anchor_base_key,
        min(keyed.fuzzy_key) as fuzzy_key,
        min(keyed.place_key) as place_key,
        min(keyed.qualifier_level) as qualifier_level,
        min(keyed.qualifier_stem) as qualifier_stem,
        min(keyed.qualifier_key) as qualifier_key,
        min(keyed.qualifier_region_stem) as qualifier_region_stem,
        {{ list_union_agg('keyed.acronym_initials') }} as acronym_initials,
        {{ list_union_agg('keyed.name_initials') }} as name_initials,
        {{ list_union_agg('keyed.honorific_words') }} as honorific_words,
        {{ list_union_agg('keyed.bare_honorific_words') }} as bare_honorific_words,
        {{ list_union_agg('keyed.unit_words') }} as unit_words,
        {{ dbt.hash("keyed.entity_type || ':' || keyed.match_key") }} as group_entity_id
    from keyed
    inner join anchors
        on anchors.entity_type = keyed.entity_type
        and anchors.match_key = keyed.match_key
    where keyed.side = 'new'
    group by keyed.entity_type, keyed.match_key, anchors.anchor_name, anchors.anchor_base_key
),

key_matched as (
    select entity_type, match_key, entity_id, matched_name, matched_core_key, matched_base_key, curated_name, layer
    from (
        select
            groups.entity_type, groups.match_key, key_targets.entity_id, key_targets.matched_name,
            key_targets.matched_core_key, key_targets.matched_base_key, key_targets.curated_name, key_targets.layer,
            row_number() over (
                partition by groups.entity_type, groups.match_key
                order by
                    key_targets.layer_rank,
                    case when key_targets.matched_name = key_targets.curated_name then 0 else 1 end,
                    case when key_targets.matched_name = groups.anchor_name then 0 else 1 end,
                    key_targets.entity_id,
                    key_targets.matched_name
            ) as target_rank
        from groups
        inner join key_targets
            on key_targets.entity_type = groups.entity_type
            and key_targets.match_key = groups.match_key
    ) as ranked
    where target_rank = 1
),

known_words as (
    -- a known key's acronyms and initials (organisations), honorifics and words (units): its
    -- registered and curated names', and those of the run's new spellings that matched it (ПС
    -- ЗСУ meets Повітряні сили ЗСУ when that spelling matched the curated Ukrainian Air Force by
    -- key in the same run)
    select
        entity_type, match_key, entity_id,
        {{ list_union_agg('acronym_initials') }} as acronym_initials,
        {{ list_union_agg('name_initials') }} as name_initials,
        {{ list_union_agg('honorific_words') }} as honorific_words,
        {{ list_union_agg('bare_honorific_words') }} as bare_honorific_words,
        {{ list_union_agg('unit_words') }} as unit_words
    from (
        select
            entity_type, match_key, entity_id, acronym_initials, name_initials, honorific_words,
            bare_honorific_words, unit_words
        from key_targets
        where entity_type in ('organization', 'military_unit')
        union all
        select
            keyed.entity_type, keyed.match_key, key_matched.entity_id, keyed.acronym_initials, keyed.name_initials,
            keyed.honorific_words, keyed.bare_honorific_words, keyed.unit_words
        from keyed
        inner join key_matched
            on key_matched.entity_type = keyed.entity_type
            and key_matched.match_key = keyed.match_key
        where keyed.side = 'new' and keyed.entity_type in ('organization', 'military_unit')
    ) as words
    group by entity_type, match_key, entity_id
),

-- What the later layers compare a key by.
features as (
    select
        *,
        {{ list_size('tokens') }} as n_tokens,
        {{ list_first('tokens') }} as first_token,
        -- an oblast's adjective as its city's stem: Kharkivska/Kurskaya oblast → harkivs/kursk
        -- (and without a final -iv/-ov, which romanisation makes of Dnipropetrov(shchyna))
        case when {{ list_last('tokens') }} = 'oblast'
            then {{ re_replace_first(re_replace_first(re_replace_first(list_first('tokens'),
                '([sz])kaia$', '\\1k'), '([sz])ka$', '\\1'), '(.{4,})[oie]v$', '\\1') }}
        end as oblast_stem,
        {{ list_last('tokens') }} as last_token,
        {{ join_texts(list_sorted(list_keep('tokens', 't', 'length(t) = 1')), ' ') }} as variant_letters,
        -- two- and three-letter words: acronyms and model codes (ВКС РФ / ВС РФ, IRIS-T SLM / SLS)
        {{ join_texts(list_sorted(list_keep('tokens', 't',
            'length(t) between 2 and 3 and not ' ~ re_matches('t', '[0-9]'))), ' ') }} as short_words,
        {{ list_keep('tokens', 't', 'not ' ~ re_matches('t', '[0-9]') ~ ' and length(t) > 1') }} as name_words,
        {{ list_keep('tokens', 't', 'not ' ~ list_has(text_list(common_words), 't')) }} as distinctive_words,
        {{ list_sorted(list_map(list_keep('tokens', 't', re_matches('t', '[0-9]')),
            't', re_replace_first('t', '^[a-z]{5,}', ''))) }} as designation_codes,
        {{ join_texts(list_sorted(re_extract_all('match_key', '[0-9]+')), ' ') }} as numbers,
        {{ join_texts(list_sorted(re_extract_all('match_key', '\\b(' ~ designators ~ ')\\b')), ' ') }} as designators,
        {{ join_texts(list_sorted(re_extract_all('match_key', '\\b(' ~ countries ~ ')\\b')), ' ') }} as countries,
        trim({{ re_replace_all(re_replace_all('match_key', '\\b(' ~ countries ~ ')\\b', ''), '  +', ' ') }})
            as countryless_key,
        case when {{ list_size(list_keep('tokens', 't', re_matches('t', '[0-9]'))) }} = 1
            then {{ list_first(list_keep('tokens', 't', re_matches('t', '[0-9]'))) }}
        end as designation
    from (
        select *, {{ split_text('match_key', ' ') }} as tokens
        from (
            -- the targets a group without a key match may join: every known entity's keys (one
            -- row per key and entity), and the other new groups without one (as their own
            -- prospective entity; a group with a key match is there already, under its known
            -- entity's key)
            select
                known.entity_type, known.match_key, known.entity_id, known.target_name, known.curated_name,
                known.fuzzy_key, known.place_key, known.qualifier_level, known.qualifier_stem, known.qualifier_key,
                known.qualifier_region_stem,
                coalesce(known_words.acronym_initials, {{ empty_string_array() }}) as acronym_initials,
                coalesce(known_words.name_initials, {{ empty_string_array() }}) as name_initials,
                coalesce(known_words.honorific_words, {{ empty_string_array() }}) as honorific_words,
                coalesce(known_words.bare_honorific_words, {{ empty_string_array() }})
                    as bare_honorific_words,
                coalesce(known_words.unit_words, {{ empty_string_array() }}) as unit_words,
                'known' as target_side,
                cast(null as bigint) as n_mentions
            from (
                select entity_type, match_key, entity_id, min(matched_name) as target_name,
                    max(curated_name) as curated_name, min(fuzzy_key) as fuzzy_key, min(place_key) as place_key,
                    min(qualifier_level) as qualifier_level, min(qualifier_stem) as qualifier_stem,
                    min(qualifier_key) as qualifier_key, min(qualifier_region_stem) as qualifier_region_stem
                from key_targets
                group by entity_type, match_key, entity_id
            ) as known
            left join known_words
                on known_words.entity_type = known.entity_type
                and known_words.match_key = known.match_key
                and known_words.entity_id = known.entity_id
            union all
            select
                groups.entity_type, groups.match_key, groups.group_entity_id, groups.anchor_name, null,
                groups.fuzzy_key, groups.place_key, groups.qualifier_level, groups.qualifier_stem,
                groups.qualifier_key, groups.qualifier_region_stem, groups.acronym_initials, groups.name_initials,
                groups.honorific_words, groups.bare_honorific_words, groups.unit_words, 'new', groups.n_mentions
            from groups
            left join key_matched
                on key_matched.entity_type = groups.entity_type
                and key_matched.match_key = groups.match_key
            where key_matched.match_key is null
        ) as targets
    ) as tokenised
),

frequent_words as (
    -- a word in more than 50 keys of a type (brigade, company, bureau) blocks nothing either
    select entity_type, {{ list_agg('word') }} as words
    from (
        select entity_type, word, count(*) as n_keys
        from (select entity_type, {{ unnest_list('distinctive_words') }} as word from features) as words
        group by entity_type, word
    ) as counted_words
    where n_keys > 50
    group by entity_type
),

place_regions as (
    -- every qualifier a place name is written with (or implies) among the names compared
    select distinct
        entity_type, place_key, match_key, qualifier_level, qualifier_stem, qualifier_key, qualifier_region_stem
    from features
    where entity_type = 'location' and qualifier_level is not null
),

conflicted_places as (
    -- a place name that two qualifiers of one level tell apart (Andriivka, Bakhmut Raion and
    -- Andriivka, Bucha Raion): the name alone, or a qualifier of another level, could mean
    -- either, so only a spelling with an agreeing qualifier may join one of them
    select distinct one.entity_type, one.place_key
    from place_regions as one
    inner join place_regions as other
        on other.entity_type = one.entity_type
        and other.place_key = one.place_key
        and other.match_key > one.match_key
        -- a raion and an oblast can be told apart by their names too: Pokrovske, Bakhmut Raion
        -- and Pokrovske, Dnipropetrovsk Oblast may be two places
        and (other.qualifier_level = one.qualifier_level
            or (other.qualifier_level <> 'country' and one.qualifier_level <> 'country'))
    where not {{ qualifiers_agree('one', 'other') }}
        -- unless the gazetteer puts the raion in the oblast (Bakhmut Raion, Donetsk Oblast)
        and not {{ regions_agree('one', 'other') }}
),

blockable as (
    -- units and organisations (keys of sorted, common words) meet by the first or last three
    -- letters of a word of their own (the unit's number, the organisation's name), also as
    -- romanised (Werchowna/Verkhovna: verhovna)
    select
        *,
        entity_type in ('military_unit', 'organization') and {{ list_size('own_words') }} > 0 as word_blocked,
        -- the fuzzy key is the match key romanised word by word: its words at the own words' places
        {{ list_map(list_keep(list_positions('tokens'), 'i', list_has('own_words', list_at('tokens', 'i'))),
            'i', list_at(split_text('fuzzy_key', ' '), 'i')) }} as own_romanised_words
    from (
        select features.*, {{ list_keep('features.distinctive_words', 'w',
            'not ' ~ list_has('coalesce(frequent_words.words, ' ~ empty_string_array() ~ ')', 'w')) }} as own_words
        from features
        left join frequent_words
            on frequent_words.entity_type = features.entity_type
    ) as worded
),

unmatched as (
    select blockable.*
    from blockable
    left join key_matched
        on key_matched.entity_type = blockable.entity_type
        and key_matched.match_key = blockable.match_key
    where blockable.target_side = 'new' and key_matched.match_key is null
),

-- Blocking keys: a group is compared with a target only when they share one. Equality joins
-- on these, not one join with a disjunction, which would compare every pair of a type. Fuzzy
-- candidates share their first or last three letters and a length within 2 (at most two
-- edits apart); the structural layers' candidates share a surname, designation, country-less
-- key, oblast stem or (weapons) a name word, whatever their lengths. A typo
-- in a short name can touch both its first and last three letters (Krusk, Oedsa): keys of up
-- to 8 letters also meet by first letter, last letter and length (±1 for the group).
{%- set word_blocks = list_concat(list_concat(
    list_map('own_words', 'w', "'tp:' || left(w, 3)"),
    list_map('own_romanised_words', 'w', "'tr:' || left(w, 3)")),
    list_map('own_words', 'w', "'ts:' || right(w, 3)")) %}
target_blocks as (
    select entity_type, match_key, entity_id, {{ unnest_list(list_unique(list_keep(
        list_concat(list_concat(list_concat(list_concat(list_literal([
            "case when not word_blocked then 'p:' || left(fuzzy_key, 3) || " ~ as_text('length(fuzzy_key)') ~ " end",
            "case when not word_blocked then 's:' || right(fuzzy_key, 3) || " ~ as_text('length(fuzzy_key)') ~ " end",
            "case when not word_blocked and length(fuzzy_key) <= 8
                then 'f:' || left(fuzzy_key, 1) || right(fuzzy_key, 1) || " ~ as_text('length(fuzzy_key)') ~ " end",
            "case when entity_type = 'person' and n_tokens > 1 then 'lp:' || left(last_token, 3) end",
            "case when entity_type = 'person' and n_tokens > 1 then 'ls:' || right(last_token, 3) end",
            "case when entity_type = 'weapon_system' then 'd:' || designation end",
            "case when entity_type in ('military_unit', 'organization') then 'c:' || countryless_key end",
            "'o:' || left(oblast_stem, 3)",
            "case when entity_type = 'location' then 'q:' || place_key end",
        ]),
            "case when entity_type = 'weapon_system' then " ~ list_map('name_words', 'w', "'w:' || w")
            ~ " else " ~ empty_string_array() ~ " end"),
            directed_blocks('a', 'name_initials', 'acronym_initials')),
            directed_blocks('h', 'honorific_words', 'bare_honorific_words', 4)),
            "case when word_blocked then " ~ word_blocks ~ " else " ~ empty_string_array() ~ " end"),
        'b', 'b is not null'))) }} as block
    from blockable
),

{% set length_near = "(length(fuzzy_key) + d)" -%}
group_blocks as (
    select entity_type, match_key, {{ unnest_list(list_unique(list_keep(
        list_concat(list_concat(list_concat(list_literal([
            "case when entity_type = 'person' and n_tokens = 1 then 'lp:' || left(match_key, 3) end",
            "case when entity_type = 'person' then 'ls:' || right(last_token, 3) end",
            "case when entity_type = 'weapon_system' and n_tokens = 1 then 'w:' || match_key end",
            "case when entity_type = 'weapon_system' then 'd:' || designation end",
            "case when entity_type in ('military_unit', 'organization') then 'c:' || countryless_key end",
            "'o:' || left(oblast_stem, 3)",
            "case when entity_type = 'location' then 'q:' || place_key end",
        ]),
            directed_blocks('a', 'acronym_initials', 'name_initials')),
            directed_blocks('h', 'bare_honorific_words', 'honorific_words', 4)),
            "case when word_blocked then " ~ word_blocks ~ " else "
            ~ list_concat(list_concat(
                list_map(list_literal(['-2', '-1', '0', '1', '2']), 'd', "'p:' || left(fuzzy_key, 3) || " ~ as_text(length_near)),
                list_map(list_literal(['-2', '-1', '0', '1', '2']), 'd', "'s:' || right(fuzzy_key, 3) || " ~ as_text(length_near))),
                "case when length(fuzzy_key) <= 9 then "
                ~ list_map(list_literal(['-1', '0', '1']), 'd',
                    "'f:' || left(fuzzy_key, 1) || right(fuzzy_key, 1) || " ~ as_text(length_near))
                ~ " else " ~ empty_string_array() ~ " end")
            ~ " end"),
        'b', 'b is not null'))) }} as block
    from unmatched
),

candidate_pairs as (
    select distinct
        group_blocks.entity_type, group_blocks.match_key, target_blocks.match_key as target_key,
        target_blocks.entity_id
    from group_blocks
    inner join target_blocks
        on target_blocks.entity_type = group_blocks.entity_type
        and target_blocks.block = group_blocks.block
        and target_blocks.match_key <> group_blocks.match_key
),

pairs as (
    -- the blocked candidates; a new group only looks up to more frequent groups
    select
        g.entity_type,
        g.match_key,
        t.match_key as target_key,
        t.entity_id as target_entity_id,
        t.target_name,
        t.curated_name,
        t.target_side,
        case
            when g.entity_type = 'person' and g.n_tokens = 1 and t.n_tokens > 1
                and damerau_levenshtein(g.match_key, t.last_token)
                <= case when length(g.match_key) < 6 then 0 else 1 end
                then 'surname'
            when g.entity_type = 'person' and g.n_tokens > 1 and t.n_tokens > 1 and g.n_tokens <> t.n_tokens
                and g.first_token = t.first_token and g.last_token = t.last_token
                then 'surname'
            when g.entity_type = 'person' and g.n_tokens = 2 and t.n_tokens >= 2 and length(g.first_token) = 1
                and length(t.first_token) > 1 and left(t.first_token, 1) = g.first_token and g.last_token = t.last_token
                then 'surname'
            when g.entity_type = 'location' and g.designators = 'oblast' and t.designators = 'oblast'
                and g.n_tokens = 2 and t.n_tokens = 2 and least(length(g.oblast_stem), length(t.oblast_stem)) >= 3
                and ({{ text_starts_with('t.oblast_stem', 'g.oblast_stem') }}
                    or {{ text_starts_with('g.oblast_stem', 't.oblast_stem') }})
                then 'rule'
            when g.entity_type = 'weapon_system' and g.designation is not null and g.designation = t.designation
                and g.numbers = t.numbers and g.variant_letters = t.variant_letters
                -- one side is the bare designation, or both name it alike (S-350 Vityaz is not
                -- Supercam S350)
                and ({{ list_size('g.name_words') }} = 0 or {{ list_size('t.name_words') }} = 0
                    or {{ lists_overlap('g.name_words', 't.name_words') }})
                then 'designation'
            when g.entity_type = 'weapon_system' and g.n_tokens = 1 and g.numbers = '' and t.designation is not null
                and {{ list_has('t.tokens', 'g.match_key') }}
                then 'designation'
            when g.entity_type in ('military_unit', 'organization') and g.countryless_key = t.countryless_key
                and (g.countries = '' or t.countries = '')
                then 'country_implied'
            -- an organisation's acronym and a long form whose initials spell it (with or without
            -- the country), of no other country
            when g.entity_type = 'organization'
                and ({{ lists_overlap('g.acronym_initials', 't.name_initials') }}
                    or {{ lists_overlap('g.name_initials', 't.acronym_initials') }})
                and (g.countries = '' or t.countries = '' or g.countries = t.countries)
                then 'acronym'
            -- a unit named by its honorific alone and the unit named after it
            when g.entity_type = 'military_unit' and ({{ honorific_fits('g', 't') }} or {{ honorific_fits('t', 'g') }})
                then 'honorific'
            -- the same place name, one side (or both) qualified, and no qualifier of one level
            -- naming another region
            when g.entity_type = 'location' and g.place_key = t.place_key
                and (g.qualifier_level is not null or t.qualifier_level is not null)
                and not {{ qualifiers_clash('g', 't') }} and not {{ regions_clash('g', 't') }}
                then 'qualifier'
            else 'fuzzy'
        end as layer,
        -- both qualified at one level, naming the same region, or a raion in the oblast named
        coalesce(g.qualifier_level = t.qualifier_level and {{ qualifiers_agree('g', 't') }}, false)
            or {{ regions_agree('g', 't') }} as qualifiers_agree,
        conflicted_places.place_key is not null as place_is_shared,
        jaro_winkler_similarity(g.fuzzy_key, t.fuzzy_key) as similarity,
        g.fuzzy_key as group_fuzzy_key,
        t.fuzzy_key as target_fuzzy_key,
        least(length(g.fuzzy_key), length(t.fuzzy_key)) as shorter_length,
        g.numbers = t.numbers
            and g.designators = t.designators
            and g.countries = t.countries
            and g.variant_letters = t.variant_letters
            -- a weapon's designation code is exact: FAB-500 and KAB-500 are different bombs (a
            -- name glued to its number, Krasuha-2/Krasukha-2, may have a typo in the name)
            and not (g.entity_type = 'weapon_system' and g.designation_codes <> t.designation_codes)
            and not (g.entity_type in ('location', 'person') and g.n_tokens <> t.n_tokens)
            and not (
                g.entity_type = 'location'
                and ({{ text_starts_with('g.match_key', 't.match_key') }}
                    or {{ text_starts_with('t.match_key', 'g.match_key') }})
            )
            -- the same for a place's first word when a qualifier follows (Toretsk / Torez,
            -- Donetsk Oblast)
            and not (
                g.entity_type = 'location' and g.first_token <> t.first_token
                and ({{ text_starts_with('g.first_token', 't.first_token') }}
                    or {{ text_starts_with('t.first_token', 'g.first_token') }})
            )
            -- an acronym or a model code is exact: one letter makes another organisation or model
            and not (g.entity_type in ('organization', 'weapon_system') and g.short_words <> t.short_words)
            -- a qualifier naming another region of the same level (Bakhmut Raion / Bucha Raion),
            -- or a raion of another oblast (Bucha Raion / Donetsk Oblast)
            and not {{ qualifiers_clash('g', 't') }}
            and not {{ regions_clash('g', 't') }}
            as own_guards_pass,
        g.place_key as group_place_key,
        t.place_key as target_place_key
    from candidate_pairs
    inner join unmatched as g
        on g.entity_type = candidate_pairs.entity_type
        and g.match_key = candidate_pairs.match_key
    inner join features as t
        on t.entity_type = candidate_pairs.entity_type
        and t.match_key = candidate_pairs.target_key
        and t.entity_id = candidate_pairs.entity_id
    left join conflicted_places
        on conflicted_places.entity_type = g.entity_type
        and conflicted_places.place_key = g.place_key
    where t.target_side = 'known'
        or t.n_mentions > g.n_mentions
        or (t.n_mentions = g.n_mentions and t.match_key < g.match_key)
),

region_clashes as (
    -- two place names a letter apart whose spellings put them in different regions of one
    -- level (Podilsk, Odesa Oblast / Podolsk, Moscow Oblast): another place, not a typo
    select distinct pairs.entity_type, pairs.match_key, pairs.target_key
    from pairs
    inner join place_regions as one
        on one.entity_type = pairs.entity_type
        and one.place_key = pairs.group_place_key
    inner join place_regions as other
        on other.entity_type = pairs.entity_type
        and other.place_key = pairs.target_place_key
        and other.qualifier_level = one.qualifier_level
    where pairs.layer = 'fuzzy' and pairs.group_place_key <> pairs.target_place_key
        and not {{ qualifiers_agree('one', 'other') }}
),

close_pairs as (
    -- nothing below the review floor can be merged or reviewed: the edit distance, and the
    -- ranking below, only for the rest
    select
        pairs.*,
        damerau_levenshtein(pairs.group_fuzzy_key, pairs.target_fuzzy_key) as edits,
        pairs.own_guards_pass and region_clashes.match_key is null as guards_pass
    from pairs
    left join region_clashes
        on region_clashes.entity_type = pairs.entity_type
        and region_clashes.match_key = pairs.match_key
        and region_clashes.target_key = pairs.target_key
    where pairs.layer <> 'fuzzy' or pairs.similarity >= {{ review_floor }}
),

scored as (
    select
        *,
        case
            when layer = 'surname' then 0.9
            when layer = 'rule' then 0.95
            when layer = 'designation' then 0.95
            when layer = 'country_implied' then 0.9
            when layer = 'acronym' then 0.9
            when layer = 'honorific' then 0.9
            when layer = 'qualifier' and qualifiers_agree then 0.97
            when layer = 'qualifier' then 0.93
            else similarity
        end as score,
        -- a shared place name joins only through an agreeing qualifier
        layer = 'qualifier' and (qualifiers_agree or not place_is_shared)
        or layer not in ('fuzzy', 'qualifier') or (
            -- short keys are acronyms (ICC/ICRC), where one letter is another name
            guards_pass and shorter_length >= 5
            and (edits <= 1 and similarity >= {{ review_floor }}
                or edits = 2 and shorter_length >= 8 and similarity >= {{ fuzzy_threshold }})
        ) as acceptable
    from close_pairs
),

acceptable_pairs as (
    select *, max(score) over (partition by entity_type, match_key) as best_score
    from scored
    where acceptable
),

first_choices as (
    -- each group's best acceptable target before ambiguity is judged
    select entity_type, match_key, target_entity_id
    from (
        select
            entity_type, match_key, target_entity_id,
            row_number() over (
                partition by entity_type, match_key
                order by score desc, case when target_side = 'known' then 0 else 1 end, target_key, target_entity_id
            ) as choice_rank
        from acceptable_pairs
    ) as ranked
    where choice_rank = 1
),

resolved_pairs as (
    -- a new group as a target stands for where it is itself going: "Medvedev" is not
    -- ambiguous between Dmitry Medvedev and the typo "Dmitry Medvdev" that joins him
    select
        acceptable_pairs.*,
        case when acceptable_pairs.target_side = 'new'
            then coalesce(first_choices.target_entity_id, acceptable_pairs.target_entity_id)
            else acceptable_pairs.target_entity_id
        end as resolved_entity_id
    from acceptable_pairs
    left join first_choices
        on first_choices.entity_type = acceptable_pairs.entity_type
        and first_choices.match_key = acceptable_pairs.target_key
),

closeness as (
    -- ambiguous when another entity scores within 0.02 of the best
    select entity_type, match_key, count(distinct resolved_entity_id) as n_close_entities
    from resolved_pairs
    where score >= best_score - 0.02
    group by entity_type, match_key
),

best as (
    select
        *,
        row_number() over (
            partition by entity_type, match_key
            order by score desc, case when target_side = 'known' then 0 else 1 end, target_key, target_entity_id
        ) as target_rank
    from resolved_pairs
),

attached as (
    select
        best.entity_type, best.match_key, best.target_entity_id, best.target_name, best.curated_name,
        best.target_side, best.layer, best.score
    from best
    inner join closeness
        on closeness.entity_type = best.entity_type
        and closeness.match_key = best.match_key
    where best.target_rank = 1 and closeness.n_close_entities = 1
),

review as (
    -- near misses, guard-blocked look-alikes and ambiguous ties of groups left as new entities,
    -- each candidate name once (its best pair)
    select
        entity_type,
        match_key,
        {{ array_agg_ordered(struct_of({
            'candidate_name': 'target_name', 'candidate_entity_id': 'target_entity_id',
            'score': round_places('score', 4), 'reason': 'reason'}), '-score, target_name') }} as review_candidates
    from (
        select
            scored.entity_type,
            scored.match_key,
            scored.target_name,
            scored.target_entity_id,
            scored.score,
            case
                -- a shared place name (two places of that name) without an agreeing qualifier
                -- could be either: ambiguous too
                when scored.acceptable or (scored.layer = 'qualifier' and scored.place_is_shared) then 'ambiguous'
                when not scored.guards_pass then 'guard_failed'
                else 'below_threshold'
            end as reason,
            row_number() over (
                partition by scored.entity_type, scored.match_key, scored.target_name
                order by scored.score desc, scored.target_entity_id
            ) as pair_rank
        from scored
        left join attached
            on attached.entity_type = scored.entity_type
            and attached.match_key = scored.match_key
        where attached.match_key is null
            and scored.score >= {{ review_floor }}
    ) as candidates
    where pair_rank = 1
    group by entity_type, match_key
),

-- One decision per new group: key match, else attached, else its own new entity. An attachment
-- to another new group follows that group's own decision, up to four hops (each hop goes to a
-- more frequent group, or an as frequent one with a smaller key, so no chain loops: a place's
-- qualified spellings chain to it, "Бахмут Донецької області" → "Bakhmut, Donetsk Oblast" →
-- "Bakhmut, Donetks Oblast" → "Bakhmut").
decided as (
    select
        groups.entity_type,
        groups.match_key,
        groups.anchor_name,
        groups.anchor_base_key,
        groups.group_entity_id,
        coalesce(key_matched.curated_name, attached.curated_name) as curated_name,
        coalesce(key_matched.entity_id, attached.target_entity_id, groups.group_entity_id) as entity_id,
        case
            when key_matched.layer is not null then key_matched.layer
            when attached.layer is not null then attached.layer
            else 'new'
        end as layer,
        coalesce(key_matched.matched_name, attached.target_name) as matched_name,
        key_matched.matched_core_key,
        key_matched.matched_base_key,
        attached.score as attached_score,
        attached.target_side
    from groups
    left join key_matched
        on key_matched.entity_type = groups.entity_type
        and key_matched.match_key = groups.match_key
    left join attached
        on attached.entity_type = groups.entity_type
        and attached.match_key = groups.match_key
),

followed as (
    select
        decided.*,
        coalesce(
            fourth_hop.entity_id, third_hop.entity_id, second_hop.entity_id, first_hop.entity_id, decided.entity_id
        ) as final_entity_id,
        coalesce(
            decided.curated_name, first_hop.curated_name, second_hop.curated_name, third_hop.curated_name,
            fourth_hop.curated_name
        ) as final_curated_name
    from decided
    left join decided as first_hop
        on decided.target_side = 'new'
        and first_hop.group_entity_id = decided.entity_id
    left join decided as second_hop
        on first_hop.target_side = 'new'
        and second_hop.group_entity_id = first_hop.entity_id
    left join decided as third_hop
        on second_hop.target_side = 'new'
        and third_hop.group_entity_id = second_hop.entity_id
    left join decided as fourth_hop
        on third_hop.target_side = 'new'
        and fourth_hop.group_entity_id = third_hop.entity_id
),

final as (
    select
        spelling.name as mention_name,
        spelling.entity_type,
        followed.final_entity_id as entity_id,
        case
            -- a key match: to a curated alias, or else named by how far the spelling is from
            -- the name it matched (a curated canonical name or a registered spelling)
            when followed.layer = 'curated_alias' and followed.matched_name <> followed.curated_name
                then 'curated_alias'
            when followed.layer in ('curated_alias', 'registered') and spelling.name = followed.matched_name
                then 'exact'
            when followed.layer in ('curated_alias', 'registered') and spelling.base_key = followed.matched_base_key
                then 'normalized'
            when followed.layer in ('curated_alias', 'registered') and spelling.core_key = followed.matched_core_key
                then 'rule'
            when followed.layer in ('curated_alias', 'registered') then 'transliteration'
            when followed.layer <> 'new' then followed.layer
            when spelling.name = followed.anchor_name then 'new'
            when spelling.base_key = followed.anchor_base_key then 'normalized'
            else 'transliteration'
        end as match_method,
        case
            when followed.layer = 'new' and spelling.name = followed.anchor_name then null
            else cast(coalesce(followed.attached_score, 1.0) as double)
        end as match_score,
        case when spelling.name = followed.anchor_name and followed.layer = 'new'
            then null else coalesce(followed.matched_name, followed.anchor_name)
        end as matched_name,
        followed.final_curated_name as curated_name,
        spelling.match_key,
        review.review_candidates,
        batch.registered_batch
    from keyed as spelling
    inner join followed
        on followed.entity_type = spelling.entity_type
        and followed.match_key = spelling.match_key
    left join review
        on review.entity_type = spelling.entity_type
        and review.match_key = spelling.match_key
        and followed.layer = 'new'
    cross join batch
    where spelling.side = 'new'
)

select * from final
{% endif %}
