-- One row per entity mention of each landed record, name as written (whitespace collapsed).
-- Incremental: only the records of staging batches not processed yet (see new_staged_records).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

records as (
    {{ new_staged_records() }}
),

mentions as (
    {{ json_array_items('records', 'record_id', 'record', '$.entities', 'mention_index', 'mention') }}
),

final as (
    select
        record_id,
        mention_index,
        staging_batch,
        regexp_replace({{ json_text('mention', '$.name') }}, '\s+', ' ', 'g') as mention_name,
        lower({{ json_text('mention', '$.type') }}) as entity_type_as_written
    from mentions
)

select * from final
