-- One row per source report (outlet, tone, claim) of each landed record.
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

reports as (
    {{ json_array_items('records', 'record_id', 'record', '$.source_reports', 'report_index', 'report') }}
),

final as (
    select
        record_id,
        report_index,
        {{ json_text('report', '$.outlet') }} as outlet_as_written,
        lower({{ json_text('report', '$.tone') }}) as tone,
        regexp_replace({{ json_text('report', '$.claim') }}, '\s+', ' ', 'g') as claim_text
    from reports
)

select * from final
