-- Events per day of first extraction, category and verification level: the daily chart and the
-- "how many, how sure" questions without a group-by.
-- Incremental: rebuilds the days the changed events touch (int_event_days_changed).
{{ config(materialized='incremental', incremental_strategy='replace_changed_days', on_schema_change='fail') }}
-- depends_on: {{ ref('int_event_days_changed') }}
with

events as (
    select * from {{ ref('fct_events') }}
    where {{ changed_days_only('first_extracted_at') }}
),

dated as (
    select
        cast({{ dbt.date_trunc('day', 'first_extracted_at') }} as date) as event_date,
        category,
        verification_level,
        confidence_score,
        n_independent_sources,
        case when source_count_consistent and status_consistent then 1 else 0 end as is_consistent
    from events
),

final as (
    select
        event_date,
        category,
        verification_level,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_events,
        {{ exact_avg('confidence_score') }} as avg_confidence_score,
        cast(avg(n_independent_sources) as {{ type_double() }}) as avg_independent_sources,
        cast(sum(is_consistent) as {{ dbt.type_bigint() }}) as n_metadata_consistent
    from dated
    group by event_date, category, verification_level
)

select * from final
