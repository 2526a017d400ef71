with

file_loads as (
    select * from {{ source('raw', 'file_loads') }}
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
        {{ to_utc('loaded_at') }} as loaded_at
    from file_loads
)

select * from final
