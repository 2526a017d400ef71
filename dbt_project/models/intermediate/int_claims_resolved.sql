-- Source reports of every event version (selected delivery), with the outlet resolved and the
-- tone weighed. A report without an outlet or claim cannot be attributed: it is kept out of the
-- claims and its event is flagged `malformed_source_report`.
-- Incremental: rebuilds the rows of int_events_changed only (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='replace_changed_events', on_schema_change='fail') }}
-- depends_on: {{ ref('int_events_changed') }}
-- depends_on: {{ ref('int_event_records_ranked') }}
with

versions as (
    select version_id, event_id, record_id, extracted_at, is_current
    from {{ ref('int_event_versions_sequenced') }}
    where {{ changed_events_only() }}
),

reports as (
    select * from {{ ref('stg_raw__source_reports') }}
    where {{ changed_records_batches_only() }}
),

outlets as (
    select outlet_as_written, outlet_id from {{ ref('int_outlet_names_resolved') }}
),

tones as (
    select tone, tone_weight from {{ ref('tone_weights') }}
),

final as (
    select
        {{ dbt.hash("versions.version_id || '|' || " ~ as_text('reports.report_index')) }} as claim_id,
        versions.version_id,
        versions.event_id,
        versions.extracted_at,
        versions.is_current,
        reports.report_index,
        outlets.outlet_id,
        reports.outlet_as_written,
        reports.tone,
        tones.tone is not null as is_known_tone,
        coalesce(tones.tone_weight, 0) as tone_weight,
        reports.claim_text
    from versions
    inner join reports
        on reports.record_id = versions.record_id
    inner join outlets
        on outlets.outlet_as_written = reports.outlet_as_written
    left join tones
        on tones.tone = reports.tone
    where reports.claim_text is not null
)

select * from final
