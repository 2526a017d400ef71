{#- Incremental intermediate and mart models: the cost of a run follows the events it touched.
    (The Python side of the same scope, for the build plan, checks, audit and publish:
    orchestration/incremental.py.)

    Staging numbers each build's new records (`staging_batch`). A model that derives rows from
    several records rebuilds only what the new batches affect:
      * record-grained and name-grained models (int_event_records_ranked, the resolved names)
        keep their own high-water mark: the newest batch they have folded in (`rebuilt_batch`);
      * event-grained models replace every row of the events in `int_events_changed` (the
        events whose records were re-ranked since the last publish), with the
        `replace_changed_events` strategy below.
    The orchestrator passes `changed_since_batch`, the staging batch of the last publish
    (docs/operations.md; see given_changed_since_batch). Without it every event counts as
    changed: a plain `dbt build` recomputes every event-grained row (records and names still
    fold in only new batches; `--full-refresh` rebuilds everything). -#}

{#- The staging batch of the last publish, or none (then everything counts as changed). The
    orchestrator passes it in the environment, DBT_CHANGED_SINCE_BATCH: a dbt var would change
    dbt's parse state on every run and cost a full re-parse of the project each time. By hand,
    either works: `--vars '{changed_since_batch: 7}'` wins over the environment. The variable
    is read only when models run (`execute`): dbt re-parses every file that read an environment
    variable at parse time whose value changed since, and this one changes on every run. -#}
{% macro given_changed_since_batch() -%}
    {%- set from_env = env_var('DBT_CHANGED_SINCE_BATCH', '') if execute else '' -%}
    {%- set given = var('changed_since_batch', from_env) -%}
    {%- do return(none if given is none or given | string | trim == '' else given | int) -%}
{%- endmacro %}

{#- The staging batch of the last publish (0 = none: everything changed). -#}
{% macro changed_since_batch() -%}
    {{ given_changed_since_batch() or 0 }}
{%- endmacro %}

{#- The newest staging batch: the value rows rebuilt by this run carry in `rebuilt_batch`. -#}
{% macro current_staging_batch() -%}
    (select coalesce(max(staging_batch), 0) from {{ ref('stg_raw__event_records') }})
{%- endmacro %}

{#- The one value of `sql`, as a literal read when the model runs (dbt compiles each model just
    before running it, after its parents): `default` while dbt only parses. A high-water mark
    must be a constant, not a scalar subquery, for DuckDB to skip whole row groups of history by
    their min/max instead of reading every row and filtering afterwards. -#}
{% macro query_constant(sql, default=0) -%}
    {%- if execute -%}
        {%- set value = run_query(sql).columns[0].values()[0] -%}
        {{- default if value is none else value -}}
    {%- else -%}
        {{- default -}}
    {%- endif -%}
{%- endmacro %}

{#- The largest `column` of the calling incremental model so far (0 when it is empty), as a
    constant: its high-water mark (rebuilt_batch, staging_batch, load_sequence). -#}
{% macro own_max(column) -%}
    {{ query_constant('select max(' ~ column ~ ') from ' ~ this) }}
{%- endmacro %}

{#- `where` fragment of event-grained models: only the changed events (incremental runs). The
    calling model declares `-- depends_on: {{ ref('int_events_changed') }}` (dbt does not see a
    ref inside `is_incremental()` at parse time). -#}
{% macro changed_events_only() -%}
    {%- if is_incremental() -%}
    event_id in (select event_id from {{ ref('int_events_changed') }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- `where` fragment for the child staging tables (reports, mentions, listed sources) as read by
    event-grained models: on an incremental run, only the staging batches that the changed
    events' records came from (mostly the newest). A constant read when the model runs, so DuckDB
    skips the row groups of older batches; the join on record_id still picks the exact rows. The
    calling model declares `-- depends_on: {{ ref('int_event_records_ranked') }}`. -#}
{% macro changed_records_batches_only() -%}
    {%- if is_incremental() -%}
    staging_batch >= {{ query_constant(
        'select min(staging_batch) from ' ~ ref('int_event_records_ranked')
        ~ ' where event_id in (select event_id from ' ~ ref('int_events_changed') ~ ')'
    ) }}
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- `where` fragment of day-grained models: on an incremental run, only the rows whose day
    (`day_expression`, a timestamp) is one of int_event_days_changed. -#}
{% macro changed_days_only(day_expression) -%}
    {%- if is_incremental() -%}
    cast({{ dbt.date_trunc('day', day_expression) }} as date) in (
        select event_date from {{ ref('int_event_days_changed') }}
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- Incremental strategy of day-grained models (column `event_date`): delete every row of the
    changed days, then insert the rows just computed for them. A day that lost all its events
    (an event's first extraction moved to an earlier day) is deleted and gets no row back. -#}
{% macro get_incremental_replace_changed_days_sql(arg_dict) -%}
    {{ replace_changed_rows(arg_dict, 'event_date', ref('int_event_days_changed')) }}
{%- endmacro %}

{#- Incremental strategy of event-grained models: delete every row of the changed events, then
    insert the rows just computed for them. Unlike delete+insert on a unique key, this also
    removes events that no longer exist (a page whose export twin arrived takes the export's
    event id: its former id must go). -#}
{% macro get_incremental_replace_changed_events_sql(arg_dict) -%}
    {{ replace_changed_rows(arg_dict, 'event_id', ref('int_events_changed')) }}
{%- endmacro %}

{#- The body of both strategies above: delete the target's rows whose `key` (a column name of
    this project, never data) is in `changed` (a relation with that column), then insert the
    rows just computed. -#}
{% macro replace_changed_rows(arg_dict, key, changed) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ key }} in (select {{ key }} from {{ changed }});

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- Strategies whose new rows can go straight from the model's query into its table. dbt-duckdb
    first writes an incremental run's rows into a temporary table, then copies them into the
    model's table: every row written twice (about 1.5 s of a 6 s staging build of 300k
    records). With these strategies the model's query is read once, by one `insert`, so the
    temporary relation can be a view:
      * `append` inserts in one statement, which reads the model's own table (if its query
        does) as it was before the statement;
      * `replace_changed_events` deletes before it inserts, so its models must not read their
        own table (none does: they read int_events_changed and upstream models; one that did
        fails to compile here).
    `delete+insert` (int_event_records_ranked, int_entity_mentions_resolved) keeps the table: those
    models read their own rows, which its delete would change under the view.
    This is a dispatch override of dbt-duckdb's `create_table_as` (root-project macros win the
    dispatch): an incremental run of a model with a direct-insert strategy gets a temporary
    view; every other call is dbt-duckdb's own. The contract check of the columns still runs. -#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- if temporary and language == 'sql'
          and config.get('incremental_strategy') in ['append', 'replace_changed_events'] -%}
        {%- if config.get('incremental_strategy') == 'replace_changed_events'
              and (this | string) in compiled_code -%}
            {%- do exceptions.raise_compiler_error(
                this ~ " reads its own table: replace_changed_events deletes the changed events'"
                ~ " rows before it inserts, so the insert would read them already deleted"
            ) -%}
        {%- endif -%}
        {%- if config.get('contract').enforced -%}
            {{ get_assert_columns_equivalent(compiled_code) }}
        {%- endif %}
        create temporary view {{ relation.include(database=false, schema=false) }} as (
            {{ compiled_code }}
        )
    {%- else -%}
        {{ dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by) }}
    {%- endif -%}
{%- endmacro %}
