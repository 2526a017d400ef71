-- One row per entity mention of each landed record, name as written (whitespace collapsed).
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

mentions as (
    select
        records.record_id,
        item.mention_index,
        item.mention
    from records
    cross join lateral (
        select
            cast(generate_subscripts(json_extract(records.record, '$.entities[*]'), 1) as bigint) as mention_index,
            unnest(json_extract(records.record, '$.entities[*]')) as mention
    ) as item
),

final as (
    select
        record_id,
        mention_index,
        regexp_replace({{ json_text('mention', '$.name') }}, '\s+', ' ', 'g') as mention_name,
        lower({{ json_text('mention', '$.type') }}) as entity_type_as_written
    from mentions
)

select * from final
