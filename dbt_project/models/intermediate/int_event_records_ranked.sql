-- Every landed record with its event id resolved and its rank among the deliveries of the same
-- extraction (event_id, extracted_at).
--   * A rendered page carries no event id: when an export line of the same source story has the
--     same headline, the page is that event (the export's id wins); otherwise it keeps the id
--     derived from story and headline at landing.
--   * Several deliveries of one extraction: exports beat pages, then the latest load wins.
--     Same content delivered twice is a harmless duplicate; different contents break contract
--     rule 6 and are flagged (and the losers quarantined by audit_quarantine).
with

staged as (
    select * from {{ ref('stg_raw__event_records') }}
),

categories as (
    select category from {{ ref('event_categories') }}
),

statuses as (
    select stated_status from {{ ref('stated_statuses') }}
),

-- Vocabulary mapping (here, not in the incremental staging model, so a seed change applies on
-- the next run): anything outside the vocabulary is kept as written and flagged downstream.
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

contents_per_extraction as (
    select
        event_id,
        extracted_at,
        count(distinct content_fingerprint) as n_distinct_contents
    from identified
    group by event_id, extracted_at
),

ranked as (
    select
        identified.*,
        row_number() over (
            partition by identified.event_id, identified.extracted_at
            order by
                case identified.source_format when 'export' then 0 else 1 end,
                identified.loaded_at desc,
                identified.source_file desc,
                identified.line_number desc
        ) as delivery_rank,
        contents_per_extraction.n_distinct_contents > 1 as has_conflicting_contents
    from identified
    inner join contents_per_extraction
        on contents_per_extraction.event_id = identified.event_id
        and contents_per_extraction.extracted_at = identified.extracted_at
),

final as (
    select
        ranked.*,
        {{ dbt.hash("ranked.event_id || '|' || cast(ranked.extracted_at as varchar)") }} as version_id,
        ranked.delivery_rank = 1 as is_selected,
        ranked.content_fingerprint <> first_value(ranked.content_fingerprint) over (
            partition by ranked.event_id, ranked.extracted_at order by ranked.delivery_rank
        ) as conflicts_with_selected
    from ranked
)

select * from final
