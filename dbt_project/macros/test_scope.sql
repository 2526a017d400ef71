{#- Generic tests on an incremental run check the rows the run wrote, not the whole history.
    (The Python side of the same scope, for the build plan, checks, audit and publish:
    orchestration/incremental.py.)

    A run passes `changed_since_batch` (the staging batch of the last publish; see
    macros/incremental.sql). Then a generic test (unique, not_null, relationships, accepted
    values, ...) on
      * a model with `rebuilt_batch` (records, names) checks the rows rebuilt since that
        publish: a row is replaced by key (delete+insert) or never added twice (new spellings);
      * a table with `event_id` checks the rows of the events in int_events_changed: every
        event-grained model rewrote exactly those events, and left the others as the last
        published build tested them;
      * a staging table with `staging_batch` checks the batches since that publish: staging only
        appends, and its keys come from the file's content hash, so new rows cannot collide
        with old ones.
    A test of the scoping column itself (not_null / unique on event_id) runs on the whole
    table: scoped, a null could never be seen.
    Rows outside the scope were tested by an earlier build and have not changed since, so the
    scoped test still proves the property of the whole table. Other tables (dimensions, name
    resolutions, audit tables: sized by the vocabulary, not by the events) are tested whole, as
    is everything on a full build (no var). Singular tests always read whole tables.
    This overrides dbt's `get_where_subquery`, which applies a test's `where` config. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = incremental_test_scope(relation) -%}
    {%- set conditions = [where, scope] | select | list -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro incremental_test_scope(relation) -%}
    {%- if not execute or given_changed_since_batch() is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set columns = documented_columns(relation) -%}
    {%- set tested = (model.get('test_metadata') or {}).get('kwargs', {}).get('column_name') -%}
    {%- if 'rebuilt_batch' in columns -%}
        {%- do return('rebuilt_batch > ' ~ changed_since_batch()) -%}
    {%- elif 'event_id' in columns and tested != 'event_id' -%}
        {%- set changed = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', 'int_events_changed') | first -%}
        {%- set changed_relation = adapter.get_relation(
            database=changed.database, schema=changed.schema, identifier=changed.alias) -%}
        {%- do return('event_id in (select event_id from ' ~ changed_relation ~ ')') -%}
    {%- elif 'staging_batch' in columns -%}
        {%- do return('staging_batch > ' ~ changed_since_batch()) -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro %}

{#- The columns the tested model's YAML documents, read from the manifest: asking the database
    instead costs a catalog query per test on every run. A scoping column left undocumented
    only makes its tests read the whole table (tests/integration/test_dbt_unit_tests.py checks
    that every model documents the scoping columns it has). -#}
{% macro documented_columns(relation) -%}
    {%- for parent in model.depends_on.nodes if parent in graph.nodes -%}
        {%- set node = graph.nodes[parent] -%}
        {%- if node.schema == relation.schema and (node.alias or node.name) == relation.identifier -%}
            {%- do return(node.columns.keys() | list) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return([]) -%}
{%- endmacro %}
