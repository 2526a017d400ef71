-- One row per source report of each event's current version: who claimed what, how surely.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
with

claims as (
    select * from {{ ref('int_claims_resolved') }}
    where is_current and {{ changed_events_only() }}
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
