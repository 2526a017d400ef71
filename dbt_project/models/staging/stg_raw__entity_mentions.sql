-- One row per entity mention of each landed record, name as written (whitespace collapsed).
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

mentions as (
    {{ json_array_items('records', 'record_id', 'record', '$.entities', 'mention_index', 'mention') }}
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
