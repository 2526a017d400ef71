-- The events the event-grained models rebuild on this run (macros/incremental.sql): every event
-- whose records were re-ranked since the last publish (var changed_since_batch), the former ids of
-- re-identified records (those events lose rows or vanish), and the events whose place now
-- has another canonical name. Rebuilt whole on every run; small on an incremental run.
with

ranked as (
    select event_id, previous_event_id, location_name_as_written, rebuilt_batch
    from {{ ref('int_event_records_ranked') }}
),

renamed_places as (
    select mention_name
    from {{ ref('int_entity_mentions_resolved') }}
    where entity_type = 'location'
        and canonical_name_batch > {{ changed_since_batch() }}
),

changed as (
    select event_id from ranked
    where rebuilt_batch > {{ changed_since_batch() }}

    union

    select previous_event_id from ranked
    where rebuilt_batch > {{ changed_since_batch() }} and previous_event_id is not null

    union

    select ranked.event_id
    from ranked
    inner join renamed_places
        on renamed_places.mention_name = ranked.location_name_as_written
),

final as (
    select event_id from changed
)

select * from final
