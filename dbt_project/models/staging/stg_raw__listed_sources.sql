-- One row per outlet named in a record's `sources` list (the platform's confirming outlets).
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

listed as (
    select
        records.record_id,
        item.listed_index,
        item.outlet
    from records
    cross join lateral (
        select
            cast(generate_subscripts(json_extract(records.record, '$.sources[*]'), 1) as bigint) as listed_index,
            unnest(json_extract(records.record, '$.sources[*]')) as outlet
    ) as item
),

final as (
    select
        record_id,
        listed_index,
        nullif(trim(json_extract_string(outlet, '$')), '') as outlet_as_written
    from listed
)

select * from final
