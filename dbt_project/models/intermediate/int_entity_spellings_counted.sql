-- Every distinct (name as written, entity type) with how many mentions use it so far.
-- Event locations are counted too, so that the facts carry the place's entity id.
-- An entity type outside the vocabulary is kept as 'unknown' (and the event flagged).
-- Incremental: a run counts the mentions of the new staging batches and adds them to the
-- counts of the spellings they use; other spellings stay as they are.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['entity_type', 'mention_name'],
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
    {% endif %}  -- noqa: LT02
),

event_locations as (
    select location_name_as_written as mention_name, 'location' as entity_type_as_written
    from {{ ref('stg_raw__event_records') }}
    where location_name_as_written is not null
    {% if is_incremental() %}
        and staging_batch > {{ own_max('rebuilt_batch') }}
    {% endif %}  -- noqa: LT02
),

entity_types as (
    select entity_type from {{ ref('entity_types') }}
),

mentions as (
    select * from entity_mentions
    union all
    select * from event_locations
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

{% if is_incremental() %}
previous_counts as (
    select previous.mention_name, previous.entity_type, previous.n_mentions
    from {{ this }} as previous
    inner join new_counts
        on new_counts.mention_name = previous.mention_name
        and new_counts.entity_type = previous.entity_type
),

counted as (
    select mention_name, entity_type, sum(n_mentions) as n_mentions
    from (
        select * from new_counts
        union all
        select * from previous_counts
    ) as counts
    group by mention_name, entity_type
),
{% else %}
counted as (
    select * from new_counts
),
{% endif %}

final as (
    select
        counted.mention_name,
        counted.entity_type,
        cast(counted.n_mentions as bigint) as n_mentions,
        batch.rebuilt_batch
    from counted
    cross join batch
)

select * from final
