-- One row per outlet named in a record's `sources` list (the platform's confirming outlets).
-- Incremental: only the records of staging batches not processed yet (see new_list_items).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

listed as (
    {{ new_list_items('listed_sources', 'listed_index', 'outlet') }}
),

final as (
    select
        record_id,
        listed_index,
        staging_batch,
        {{ clean_text('outlet') }} as outlet_as_written
    from listed
)

select * from final
