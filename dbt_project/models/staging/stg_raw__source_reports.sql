-- One row per source report (outlet, tone, claim) of each landed record.
-- Incremental: only the records of staging batches not processed yet (see new_list_items).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

reports as (
    {{ new_list_items('source_reports', 'report_index', 'report') }}
),

final as (
    select
        record_id,
        report_index,
        staging_batch,
        {{ clean_text('report.outlet') }} as outlet_as_written,
        lower({{ clean_text('report.tone') }}) as tone,
        {{ collapsed_text('report.claim') }} as claim_text
    from reports
)

select * from final
