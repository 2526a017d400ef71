-- The landing manifest: one row per distinct file content loaded, with its line accounting
-- (lines_read = rows_loaded + rows_quarantined, checked before publish).
with

file_loads as (
    select * from {{ ref('stg_raw__file_loads') }}
),

final as (
    select
        content_sha256,
        load_id,
        source_file,
        file_format,
        size_bytes,
        lines_read,
        rows_loaded,
        rows_quarantined,
        loaded_at
    from file_loads
)

select * from final
