-- Nothing is published from an empty warehouse: at least one event must exist. (A whole-table
-- check; Great Expectations validates the batch of a run, which may hold no event.)
{{ config(meta={"dagster": {"ref": {"name": "fct_events"}}}) }}

select 'fct_events is empty' as problem
where not exists (select 1 from {{ ref('fct_events') }})
