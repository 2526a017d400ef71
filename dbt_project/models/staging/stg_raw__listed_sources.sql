-- One row per outlet named in a record's `sources` list (the platform's confirming outlets).
-- Incremental: only the records of staging batches not processed yet (see new_staged_records).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

records as (
    {{ new_staged_records() }}
),

listed as (
    {{ json_array_items('records', 'record_id', 'record', '$.sources', 'listed_index', 'outlet') }}
),

final as (
    select
        record_id,
        listed_index,
        staging_batch,
        nullif(trim(json_extract_string(outlet, '$')), '') as outlet_as_written
    from listed
)

select * from final
