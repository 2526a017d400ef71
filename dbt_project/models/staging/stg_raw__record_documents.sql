-- The landed JSON documents, addressable by the keys of stg_raw__event_records. A view: the
-- documents are only read by audit_quarantine (for the few superseded deliveries), never copied.
{{ config(materialized='view') }}

with

records as (
    select * from {{ source('raw', 'event_records') }}
),

final as (
    select
        content_sha256,
        line_number,
        record
    from records
)

select * from final
