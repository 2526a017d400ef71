-- One row per outlet named in a record's `sources` list (the platform's confirming outlets).
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

listed as (
    {{ json_array_items('records', 'record_id', 'record', '$.sources', 'listed_index', 'outlet') }}
),

final as (
    select
        record_id,
        listed_index,
        nullif(trim(json_extract_string(outlet, '$')), '') as outlet_as_written
    from listed
)

select * from final
