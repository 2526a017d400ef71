{{ config(meta={"dagster": {"ref": {"name": "audit_loads"}}}) }}
-- Run-level invariant: for every landed file, lines read = rows loaded + rows quarantined, and
-- the manifest's counts are the rows actually present in the raw tables.
with

loads as (
    select * from {{ ref('audit_loads') }}
),

loaded as (
    select content_sha256, count(*) as n_rows
    from {{ source('raw', 'event_records') }}
    group by content_sha256
),

quarantined as (
    select content_sha256, count(*) as n_rows
    from {{ source('raw', 'quarantine') }}
    group by content_sha256
),

final as (
    select loads.*, coalesce(loaded.n_rows, 0) as rows_in_raw, coalesce(quarantined.n_rows, 0) as rows_in_quarantine
    from loads
    left join loaded on loaded.content_sha256 = loads.content_sha256
    left join quarantined on quarantined.content_sha256 = loads.content_sha256
)

select *
from final
where lines_read <> rows_loaded + rows_quarantined
   or rows_loaded <> rows_in_raw
   or rows_quarantined <> rows_in_quarantine
