-- Every record that did not make it into the facts, with a reason:
--   * stage 'landing': could not be loaded (malformed, missing fields, invalid metadata);
--   * stage 'modelling': a second, different content for an extraction already delivered
--     (contract rule 6); the selected one is in the facts, flagged `conflicting_duplicate`.
with

landing as (
    select * from {{ ref('stg_raw__quarantine') }}
),

ranked as (
    select * from {{ ref('int_event_records_ranked') }}
),

documents as (
    select content_sha256, line_number, record from {{ ref('stg_raw__record_documents') }}
),

conflicting as (
    select
        ranked.load_id,
        ranked.source_file,
        ranked.content_sha256,
        ranked.line_number,
        'conflicting_duplicate' as reason_code,
        'event ' || ranked.event_id || ' extracted at '
            || cast(ranked.extracted_at as {{ dbt.type_string() }})
            || ' was also delivered with different content' as detail,
        cast(documents.record as {{ dbt.type_string() }}) as raw_text,
        ranked.loaded_at
    from ranked
    inner join documents
        on documents.content_sha256 = ranked.content_sha256
        and documents.line_number = ranked.line_number
    where not ranked.is_selected and ranked.conflicts_with_selected
),

unioned as (
    select *, 'landing' as quarantine_stage from landing
    union all
    select *, 'modelling' as quarantine_stage from conflicting
),

final as (
    select
        {{ dbt.hash(
            "content_sha256 || ':' || coalesce(cast(line_number as " ~ dbt.type_string() ~ "), '')"
            ~ " || ':' || reason_code"
        ) }} as quarantine_id,
        source_file,
        line_number,
        reason_code,
        detail,
        raw_text,
        quarantine_stage,
        content_sha256,
        load_id,
        loaded_at
    from unioned
)

select * from final
