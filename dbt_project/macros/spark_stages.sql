{#- Stages: a model's CTEs that Spark writes as tables of their own before the model's statement.

    Spark's analyser copies a CTE's plan into every place that reads it, and a CTE that reads
    another twice doubles it: the entity registry's chain (pairs → scored → resolved pairs →
    decided, followed four hops) took 13 s to analyse at `best` and ran out of a 2 GB driver at
    `attached`, before reading a row. DuckDB plans the same text in milliseconds and reuses a
    CTE's result. So a model may list CTEs in its `spark_stages` config: on Spark each is written
    as `<model>__stage_<cte>` (every CTE before it in its statement, earlier stages read back
    from their tables), and the model's statement reads the stage instead. The model's SQL is
    the same on both engines; DuckDB ignores the setting. The stages are dropped after the
    model's statement (`drop_stages`, a post-hook), and replaced by the next run if a run died
    before that. -#}

{#- dbt-spark's create_table_as (the model's table, or its incremental run's temporary view),
    with the model's stages written first. -#}
{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- set stages = config.get('spark_stages', []) if language == 'sql' else [] -%}
    {%- if stages and execute -%}
        {%- set compiled_code = _staged_sql(compiled_code, stages) -%}
    {%- endif -%}
    {{ dbt.spark__create_table_as(temporary, relation, compiled_code, language) }}
{%- endmacro %}

{#- The table a model's stage `name` is written to (in the model's schema). -#}
{% macro _stage_relation(name) -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__stage_' ~ name})) }}
{%- endmacro %}

{#- `sql` (one `with … select`) with each CTE named in `stages` written as a table now and read
    from it. A statement without top-level CTEs (a run with nothing to do) is returned as it is. -#}
{% macro _staged_sql(sql, stages) -%}
    {%- set parts = _top_level_ctes(sql) -%}
    {%- if not parts.ctes -%}
        {{ return(sql) }}
    {%- endif -%}
    {%- set defined = [] -%}
    {%- for name, text in parts.ctes -%}
        {%- if name in stages -%}
            {%- set stage = _stage_relation(name) -%}
            {%- do spark_create_table(stage, parts.head ~ '\n' ~ (defined + [text]) | join(',\n\n')
                ~ '\nselect * from ' ~ name) -%}
            {%- do defined.append(name ~ ' as (select * from ' ~ stage ~ ')') -%}
        {%- else -%}
            {%- do defined.append(text) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts.head ~ '\n' ~ defined | join(',\n\n') ~ '\n' ~ parts.body) }}
{%- endmacro %}

{#- A statement's top-level CTEs: `head` (what precedes the first one, `with` included), `ctes`
    ([name, `name as (…)`] in order) and `body` (the final select). Quoted texts and comments
    are skipped, so parentheses in them do not count. -#}
{% macro _top_level_ctes(sql) -%}
    {%- set re = modules.re -%}
    {%- set tokens = "(?si)'(?:[^'\\\\]|\\\\.)*'|--[^\\n]*|/\\*.*?\\*/|\\b(\\w+)\\s+as\\s*\\(|[()]" -%}
    {%- set state = namespace(depth=0, name=none, start=0, head=none, end=0) -%}
    {%- set ctes = [] -%}
    {%- for token in re.finditer(tokens, sql) -%}
        {%- set text = token.group(0) -%}
        {%- if token.group(1) and state.depth == 0 -%}
            {%- set state.name = token.group(1) -%}
            {%- set state.start = token.start() -%}
            {%- if state.head is none -%}
                {%- set state.head = sql[:token.start()] -%}
            {%- endif -%}
            {%- set state.depth = 1 -%}
        {%- elif token.group(1) or text == '(' -%}
            {%- set state.depth = state.depth + 1 -%}
        {%- elif text == ')' -%}
            {%- set state.depth = state.depth - 1 -%}
            {%- if state.depth == 0 and state.name is not none -%}
                {%- do ctes.append([state.name, sql[state.start:token.end()]]) -%}
                {%- set state.name = none -%}
                {%- set state.end = token.end() -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'head': state.head, 'ctes': ctes, 'body': sql[state.end:].lstrip().lstrip(',')}) }}
{%- endmacro %}

{#- A post-hook for models with stages: drops them once the model's statement ran (nothing on
    DuckDB, which writes none). -#}
{% macro drop_stages() -%}
    {{ return(adapter.dispatch('drop_stages', 'event_warehouse')()) }}
{%- endmacro %}

{% macro default__drop_stages() -%}
{%- endmacro %}

{% macro spark__drop_stages() -%}
    {%- for name in config.get('spark_stages', []) -%}
        {%- do run_query('drop table if exists ' ~ _stage_relation(name)) -%}
    {%- endfor -%}
{%- endmacro %}
