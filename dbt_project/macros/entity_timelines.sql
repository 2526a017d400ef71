{#- agg_entity_timelines' post-hook. An incremental run rebuilds only the changed days, but an
    entity's name can change with data from any day (an uncurated place is named by its most
    frequent spelling): its rows of the other days take the new name and type here. Reads the
    timelines and the entity dimension, both sized by entities × days, not by events; on a full
    build nothing differs and nothing is written. -#}
{% macro rename_timeline_entities() -%}
    {{ return(adapter.dispatch('rename_timeline_entities', 'event_warehouse')()) }}
{%- endmacro %}

{% macro default__rename_timeline_entities() -%}
    update {{ this }} as timelines
    set canonical_name = entities.canonical_name, entity_type = entities.entity_type
    from {{ ref('dim_entities') }} as entities
    where entities.entity_id = timelines.entity_id
        and (entities.canonical_name is distinct from timelines.canonical_name
            or entities.entity_type is distinct from timelines.entity_type)
{%- endmacro %}

{#- Parquet tables cannot UPDATE: when a row's entity has a new name or type, the table's next
    version, every row with its entity's current name and type, replaces it
    (macros/spark_incremental.sql: spark_swap_in). As on DuckDB, nothing is written otherwise. -#}
{% macro spark__rename_timeline_entities() -%}
    {%- set renamed = query_constant('select count(*) from ' ~ this ~ ' as timelines inner join '
        ~ ref('dim_entities') ~ ' as entities on entities.entity_id = timelines.entity_id'
        ~ ' where not (entities.canonical_name <=> timelines.canonical_name'
        ~ ' and entities.entity_type <=> timelines.entity_type)') | int -%}
    {%- if renamed == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- if column.name in ('canonical_name', 'entity_type') -%}
            {%- do columns.append('case when entities.entity_id is null then timelines.' ~ column.name
                ~ ' else entities.' ~ column.name ~ ' end as ' ~ column.name) -%}
        {%- else -%}
            {%- do columns.append('timelines.' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ spark_swap_in(this, 'select ' ~ columns | join(', ') ~ ' from ' ~ this ~ ' as timelines left join '
        ~ ref('dim_entities') ~ ' as entities on entities.entity_id = timelines.entity_id') }}
{%- endmacro %}
