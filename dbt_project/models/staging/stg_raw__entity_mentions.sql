-- One row per entity mention of each landed record, name as written (whitespace collapsed).
-- Incremental: only the records of staging batches not processed yet (see new_list_items).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

mentions as (
    {{ new_list_items('entities', 'mention_index', 'mention') }}
),

final as (
    select
        record_id,
        mention_index,
        staging_batch,
        {{ collapsed_text('mention.name') }} as mention_name,
        lower({{ clean_text('mention.type') }}) as entity_type_as_written
    from mentions
)

select * from final
