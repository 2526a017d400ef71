-- Every outlet spelling seen in reports or `sources` lists, resolved to an outlet through the
-- registry (canonical names, aliases, domains; all compared by outlet_key). A spelling the
-- registry does not know becomes an unregistered outlet of its own, keyed by its normalised form
-- so that its variants ("Kharkiv Today", "kharkivtoday.com") still meet.
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

final as (
    select
        keyed.outlet_as_written,
        keyed.outlet_key,
        coalesce(
            registry_keys.outlet_id,
            'unregistered_' || coalesce(nullif(keyed.outlet_key, ''), {{ dbt.hash('keyed.outlet_as_written') }})
        ) as outlet_id,
        case
            when registry.outlet_name = keyed.outlet_as_written then 'exact'
            when registry_keys.outlet_id is not null then 'registry_alias'
            else 'unregistered'
        end as match_method,
        batch.rebuilt_batch
    from keyed
    cross join batch
    left join registry_keys
        on registry_keys.outlet_key = keyed.outlet_key
    left join registry
        on registry.outlet_id = registry_keys.outlet_id
)

select * from final
