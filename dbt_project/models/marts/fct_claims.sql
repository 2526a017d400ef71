-- One row per source report of each event's current version: who claimed what, how surely.
with

claims as (
    select * from {{ ref('int_claims_resolved') }}
    where is_current
),

final as (
    select
        claim_id,
        event_id,
        outlet_id,
        outlet_as_written,
        tone,
        is_known_tone,
        claim_text,
        report_index,
        version_id,
        extracted_at
    from claims
)

select * from final
