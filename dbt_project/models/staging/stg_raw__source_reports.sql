-- One row per source report (outlet, tone, claim) of each landed record.
with

records as (
    select record_id, record from {{ ref('stg_raw__event_records') }}
),

reports as (
    select
        records.record_id,
        item.report_index,
        item.report
    from records
    cross join lateral (
        select
            cast(generate_subscripts(json_extract(records.record, '$.source_reports[*]'), 1) as bigint) as report_index,
            unnest(json_extract(records.record, '$.source_reports[*]')) as report
    ) as item
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
