{#- The project's incremental strategies on Spark (macros/incremental.sql has them for DuckDB).
    Parquet tables cannot DELETE, so a strategy that replaces rows builds the table's next version
    beside it, the kept rows plus the new ones, then swaps it in: `<table>__dbt_next` is
    written (reading the old table and the new rows, which may read it too), the old table
    dropped, the next one renamed into its place. A run killed before the drop leaves the old
    table (and a stale next one, replaced on the next run); one killed between the drop and the
    rename leaves no table, which dbt's next run builds whole (the model then counts every row as
    rebuilt, and the event-grained models downstream follow).

    This first version rewrites the whole table on every incremental run: correct, and its cost
    follows the table's size. Overwriting only the partitions the changed rows fall in is the
    next step of the port (docs/scale-out.md). -#}

{#- dbt-spark knows append, insert_overwrite, merge and microbatch only: ours are let through. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy in ['delete+insert', 'replace_changed_events', 'replace_changed_days'] -%}
        {%- do return(raw_strategy) -%}
    {%- endif -%}
    {%- do return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) -%}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'delete+insert' -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {{ spark_replace_rows(source, existing, keys, source) }}
    {%- elif strategy == 'replace_changed_events' -%}
        {{ spark_replace_rows(source, existing, ['event_id'], ref('int_events_changed')) }}
    {%- elif strategy == 'replace_changed_days' -%}
        {{ spark_replace_rows(source, existing, ['event_date'], ref('int_event_days_changed')) }}
    {%- else -%}
        {{ dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) }}
    {%- endif -%}
{% endmacro %}

{#- `target`'s rows (the existing table) whose `keys` (column names of this project, never data) are not in `changed`
    (a relation with those columns), plus every row of `source` (the new rows), as the new
    `target`. Runs the build and the drop here; returns the rename, dbt's main statement. -#}
{% macro spark_replace_rows(source, target, keys, changed) %}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set next_rows -%}
        select {{ columns }} from {{ target }} as kept
        left anti join (select distinct {{ keys | join(', ') }} from {{ changed }}) as changed
            on {% for key in keys %}kept.{{ key }} = changed.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
        union all
        select {{ columns }} from {{ source }}
    {%- endset -%}
    {{ return(spark_swap_in(target, next_rows)) }}
{% endmacro %}

{#- `target` replaced by the rows of `sql` (which may read it), as above: `<table>__dbt_next`
    written and the old table dropped here; returns the rename, for the caller to run last. -#}
{% macro spark_swap_in(target, sql) %}
    {%- set next = target.incorporate(path={'identifier': target.identifier ~ '__dbt_next'}) -%}
    {%- do spark_create_table(next, sql) -%}
    {%- do run_query('drop table ' ~ target) -%}
    {{ return('alter table ' ~ next ~ ' rename to ' ~ target) }}
{% endmacro %}

{#- The table `relation` (replaced if it exists) holding the rows of `sql`, in the project's table
    format (SPARK_TABLE_FORMAT). -#}
{% macro spark_create_table(relation, sql) %}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- do run_query('create table ' ~ relation ~ ' using ' ~ config.get('file_format') ~ ' as ' ~ sql) -%}
{% endmacro %}
