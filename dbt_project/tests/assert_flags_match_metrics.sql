{{ config(meta={"dagster": {"ref": {"name": "fct_event_versions"}}}) }}
-- The published booleans and the published reason codes tell the same story: a count that
-- disagrees is never marked consistent, and nothing is inconsistent without a reason code.
with

versions as (
    select * from {{ ref('fct_event_versions') }}
),

final as (
    select event_id, version_id, stated_source_count, n_outlets, quality_flags
    from versions
    where (stated_source_count <> n_outlets and source_count_consistent)
       or (not source_count_consistent and {{ list_size('quality_flags') }} = 0)
       or (not status_consistent and {{ list_size('quality_flags') }} = 0)
)

select * from final
