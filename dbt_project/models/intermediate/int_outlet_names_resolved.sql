-- Every outlet spelling seen in reports or `sources` lists, resolved to an outlet through the
-- registry: canonical names, aliases and domains compared by outlet_key ("The Kyiv Independent",
-- "kyivindependent.com"), then a guarded fuzzy match for typos (one edit, keys of 6 letters or
-- more, exactly one registered outlet that close: "Reuters"/"Reutres"; short keys are
-- abbreviations, where one letter is another outlet). A spelling the registry does not know
-- becomes an unregistered outlet of its own, keyed by its normalised form so that its variants
-- ("Kharkiv Today", "kharkivtoday.com") still meet.
-- Incremental: a spelling resolves the same way whatever else was seen, so a run only appends
-- the spellings of the new staging batches that are not here yet.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

batch as (
    select {{ current_staging_batch() }} as rebuilt_batch
),

registry as (
    select * from {{ ref('outlet_registry') }}
),

aliases as (
    select * from {{ ref('outlet_aliases') }}
),

reports as (
    select outlet_as_written from {{ ref('stg_raw__source_reports') }}
    {% if is_incremental() %}
    where staging_batch > {{ own_max('rebuilt_batch') }}
    {% endif %}
),

listed as (
    select outlet_as_written from {{ ref('stg_raw__listed_sources') }}
    {% if is_incremental() %}
    where staging_batch > {{ own_max('rebuilt_batch') }}
    {% endif %}
),

spellings as (
    select outlet_as_written from reports where outlet_as_written is not null
    union
    select outlet_as_written from listed where outlet_as_written is not null
    {% if is_incremental() %}
    except
    select outlet_as_written from {{ this }}
    {% endif %}
),

registry_keys as (
    select distinct outlet_id, {{ outlet_key('alias') }} as outlet_key
    from (
        select outlet_id, outlet_name as alias from registry
        union all
        select outlet_id, alias from aliases
    ) as names
),

keyed as (
    select
        outlet_as_written,
        {{ outlet_key('outlet_as_written') }} as outlet_key
    from spellings
),

key_matched as (
    select keyed.outlet_as_written, keyed.outlet_key, registry_keys.outlet_id
    from keyed
    left join registry_keys
        on registry_keys.outlet_key = keyed.outlet_key
),

fuzzy_candidates as (
    select
        key_matched.outlet_as_written,
        registry_keys.outlet_id,
        max(jaro_winkler_similarity(key_matched.outlet_key, registry_keys.outlet_key)) as similarity
    from key_matched
    inner join registry_keys
        on damerau_levenshtein(key_matched.outlet_key, registry_keys.outlet_key) = 1
        and least(length(key_matched.outlet_key), length(registry_keys.outlet_key)) >= 6
    where key_matched.outlet_id is null
    group by key_matched.outlet_as_written, registry_keys.outlet_id
),

fuzzy_matched as (
    select outlet_as_written, min(outlet_id) as outlet_id, max(similarity) as similarity
    from fuzzy_candidates
    group by outlet_as_written
    having count(*) = 1
),

final as (
    select
        key_matched.outlet_as_written,
        key_matched.outlet_key,
        coalesce(
            key_matched.outlet_id,
            fuzzy_matched.outlet_id,
            'unregistered_'
            || coalesce(nullif(key_matched.outlet_key, ''), {{ dbt.hash('key_matched.outlet_as_written') }})
        ) as outlet_id,
        case
            when registry.outlet_name = key_matched.outlet_as_written then 'exact'
            when key_matched.outlet_id is not null then 'registry_alias'
            when fuzzy_matched.outlet_id is not null then 'fuzzy'
            else 'unregistered'
        end as match_method,
        case
            when key_matched.outlet_id is not null then 1.0
            else fuzzy_matched.similarity
        end as match_score,
        batch.rebuilt_batch
    from key_matched
    cross join batch
    left join fuzzy_matched
        on fuzzy_matched.outlet_as_written = key_matched.outlet_as_written
    left join registry
        on registry.outlet_id = key_matched.outlet_id
)

select * from final
