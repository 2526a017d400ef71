-- Every landed record with its event id resolved and its rank among the deliveries of the same
-- extraction (event_id, extracted_at).
--   * A rendered page carries no event id: when an export line of the same source story has the
--     same headline, the page is that event (the export's id wins); otherwise it keeps the id
--     derived from story and headline at landing.
--   * Several deliveries of one extraction: exports beat pages, then the latest load wins.
--     Same content delivered twice is a harmless duplicate; different contents break contract
--     rule 6 and are flagged (and the losers quarantined by audit_quarantine).
-- Incremental (macros/incremental.sql): an event id depends only on the records of its story,
-- and a rank only on the records of its event. A run re-identifies the records of every story
-- that received new records, and re-ranks them together with the other records (of other
-- stories) that share their events, old or new ids. Every other row stays as it is.
-- `previous_event_id` keeps the id a record had before its last change, so that the
-- event-grained models can drop the old event.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='record_id',
    on_schema_change='fail',
) }}

{%- set record_columns = [
    'record_id', 'staging_batch', 'load_id', 'source_file', 'content_sha256', 'line_number',
    'source_format', 'loaded_at', 'delivered_event_id', 'category_as_written', 'headline',
    'location_name_as_written', 'region', 'stated_status_as_written', 'verification_summary',
    'stated_source_count', 'verification_assessment', 'extracted_at', 'source_story_id',
    'extractor_version', 'content_fingerprint', 'category', 'is_known_category', 'stated_status',
    'is_known_stated_status', 'event_id',
] %}

with

staged as {{ inlined() }} (
    select * from {{ ref('stg_raw__event_records') }}
),

categories as (
    select category from {{ ref('event_categories') }}
),

statuses as (
    select stated_status from {{ ref('stated_statuses') }}
),

batch as (
    select {{ current_staging_batch() }} as rebuilt_batch
),

{% if is_incremental() %}
previous as {{ inlined() }} (
    select * from {{ this }}
),

touched_stories as (
    select distinct source_story_id
    from staged
    where staging_batch > {{ own_max('rebuilt_batch') }}
),
{% endif %}

-- Vocabulary mapping (here, not in the incremental staging model, so a seed change applies on
-- the next full build): anything outside the vocabulary is kept as written and flagged downstream.
records as (
    select
        staged.*,
        coalesce(categories.category, staged.category_as_written) as category,
        categories.category is not null as is_known_category,
        statuses.stated_status as stated_status,
        statuses.stated_status is not null as is_known_stated_status
    from staged
    left join categories
        on lower(categories.category) = lower(staged.category_as_written)
    left join statuses
        on lower(statuses.stated_status) = lower(staged.stated_status_as_written)
    {% if is_incremental() %}
    where staged.source_story_id in (select source_story_id from touched_stories)
    {% endif %}
),

export_event_ids as (
    select
        source_story_id,
        lower(headline) as headline_key,
        min(delivered_event_id) as export_event_id
    from records
    where source_format = 'export'
    group by source_story_id, lower(headline)
),

identified as (
    select
        records.*,
        case
            when records.source_format = 'page'
                then coalesce(export_event_ids.export_event_id, records.delivered_event_id)
            else records.delivered_event_id
        end as event_id
    from records
    left join export_event_ids
        on records.source_format = 'page'
        and export_event_ids.source_story_id = records.source_story_id
        and export_event_ids.headline_key = lower(records.headline)
),

{% if is_incremental() %}
-- Records of untouched stories keep their ids; those sharing an event with a touched record
-- (under its new or its former id) are re-ranked with it.
touched_events as (
    select event_id from identified
    union
    select event_id from previous
    where source_story_id in (select source_story_id from touched_stories)
),

scope as (
    select {{ record_columns | join(', ') }} from identified
    union all
    select {{ record_columns | join(', ') }} from previous
    where event_id in (select event_id from touched_events)
        and source_story_id not in (select source_story_id from touched_stories)
),
{% else %}
scope as (
    select {{ record_columns | join(', ') }} from identified
),
{% endif %}

contents_per_extraction as (
    select
        event_id,
        extracted_at,
        count(distinct content_fingerprint) as n_distinct_contents
    from scope
    group by event_id, extracted_at
),

ranked as (
    select
        scope.*,
        row_number() over (
            partition by scope.event_id, scope.extracted_at
            order by
                case scope.source_format when 'export' then 0 else 1 end,
                scope.loaded_at desc,
                scope.source_file desc,
                scope.line_number desc
        ) as delivery_rank,
        contents_per_extraction.n_distinct_contents > 1 as has_conflicting_contents
    from scope
    inner join contents_per_extraction
        on contents_per_extraction.event_id = scope.event_id
        and contents_per_extraction.extracted_at = scope.extracted_at
),

final as (
    select
        ranked.*,
        {{ dbt.hash("ranked.event_id || '|' || " ~ as_text('ranked.extracted_at')) }} as version_id,
        ranked.delivery_rank = 1 as is_selected,
        ranked.content_fingerprint <> first_value(ranked.content_fingerprint) over (
            partition by ranked.event_id, ranked.extracted_at order by ranked.delivery_rank
        ) as conflicts_with_selected,
        {% if is_incremental() %}
        case
            when previous.event_id <> ranked.event_id then previous.event_id
            else previous.previous_event_id
        end as previous_event_id,
        {% else %}
        cast(null as {{ dbt.type_string() }}) as previous_event_id,
        {% endif %}
        batch.rebuilt_batch
    from ranked
    cross join batch
    {% if is_incremental() %}
    left join previous  -- noqa: ST11
        on previous.record_id = ranked.record_id
    {% endif %}
)

select * from final
