-- One row per source report (outlet, tone, claim) of each landed record.
-- Incremental: only the records of staging batches not processed yet (see new_staged_records).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

records as (
    {{ new_staged_records() }}
),

reports as (
    {{ json_array_items('records', 'record_id', 'record', '$.source_reports', 'report_index', 'report') }}
),

final as (
    select
        record_id,
        report_index,
        staging_batch,
        {{ json_text('report', '$.outlet') }} as outlet_as_written,
        lower({{ json_text('report', '$.tone') }}) as tone,
        regexp_replace({{ json_text('report', '$.claim') }}, '\s+', ' ', 'g') as claim_text
    from reports
)

select * from final
