-- The days (UTC, of an extraction) that the changed events touch, which the day-grained
-- convenience marts rebuild (macros/incremental.sql, replace_changed_days): the day of every
-- extraction of each changed event, and of every record that a re-identified event's former id
-- had. An event's first extraction, before and after this run, is one of them. Every day when
-- int_events_changed holds every event. Rebuilt whole on every run, once for all the marts
-- that read it.
with

changed as (
    select event_id from {{ ref('int_events_changed') }}
),

records as (
    select event_id, previous_event_id, extracted_at
    from {{ ref('int_event_records_ranked') }}
),

touched as (
    select records.extracted_at
    from records
    where
        records.event_id in (select changed.event_id from changed)
        or records.previous_event_id in (select changed.event_id from changed)
),

final as (
    select distinct cast({{ dbt.date_trunc('day', 'extracted_at') }} as date) as event_date
    from touched
)

select * from final
