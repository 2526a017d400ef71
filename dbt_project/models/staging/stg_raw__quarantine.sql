with

quarantine as (
    select * from {{ source('raw', 'quarantine') }}
),

final as (
    select
        load_id,
        source_file,
        content_sha256,
        line_number,
        reason_code,
        detail,
        raw_text,
        {{ to_utc('loaded_at') }} as loaded_at
    from quarantine
)

select * from final
