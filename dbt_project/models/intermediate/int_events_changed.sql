-- The events the event-grained models rebuild on this run (macros/incremental.sql): every event
-- whose records were re-ranked since the last publish (changed_since_batch()), and the former
-- ids of re-identified records (those events lose rows or vanish). A place or entity whose
-- canonical name is re-elected changes no event: the facts hold entity ids, names live in the
-- dims. Rebuilt whole on every run; small on an incremental run.
with

ranked as (
    select event_id, previous_event_id, rebuilt_batch
    from {{ ref('int_event_records_ranked') }}
    where rebuilt_batch > {{ changed_since_batch() }}
),

changed as (
    select event_id from ranked

    union

    select previous_event_id from ranked
    where previous_event_id is not null
),

final as (
    select event_id from changed
)

select * from final
