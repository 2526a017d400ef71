{{ config(meta={"dagster": {"ref": {"name": "fct_event_versions"}}}) }}
-- Nothing disappears: every loaded record is the selected delivery of an event version, a
-- harmless duplicate of one (same content), or a quarantined conflicting duplicate.
-- An incremental run checks the records of the events it rebuilt (int_events_changed): every
-- other record belongs to an event the run left as the build that last changed it checked it.
-- depends_on: {{ ref('int_events_changed') }}
{%- set scoped = given_changed_since_batch() is not none %}
with

ranked as (
    select * from {{ ref('int_event_records_ranked') }}
    {% if scoped -%}
    where event_id in (select event_id from {{ ref('int_events_changed') }})
    {%- endif %}
),

versions as (
    select published.version_id, sequenced.record_id
    from {{ ref('fct_event_versions') }} as published
    inner join {{ ref('int_event_versions_sequenced') }} as sequenced
        on sequenced.version_id = published.version_id
    {% if scoped -%}
    where published.event_id in (select event_id from {{ ref('int_events_changed') }})
    {%- endif %}
),

quarantined as (
    select content_sha256, line_number from {{ ref('audit_quarantine') }}
    where quarantine_stage = 'modelling'
),

final as (
    select ranked.record_id, ranked.source_file, ranked.line_number
    from ranked
    left join versions on versions.record_id = ranked.record_id
    left join quarantined
        on quarantined.content_sha256 = ranked.content_sha256
        and quarantined.line_number = ranked.line_number
    where not (
        (ranked.is_selected and versions.record_id is not null)
        or (not ranked.is_selected and not ranked.conflicts_with_selected)
        or (not ranked.is_selected and quarantined.line_number is not null)
    )
)

select * from final
