{#- agg_entity_timelines' post-hook. An incremental run rebuilds only the changed days, but an
    entity's name can change with data from any day (an uncurated place is named by its most
    frequent spelling): its rows of the other days take the new name and type here. Reads the
    timelines and the entity dimension, both sized by entities × days, not by events; on a full
    build nothing differs and nothing is written. -#}
{% macro rename_timeline_entities() -%}
    update {{ this }} as timelines
    set canonical_name = entities.canonical_name, entity_type = entities.entity_type
    from {{ ref('dim_entities') }} as entities
    where entities.entity_id = timelines.entity_id
        and (entities.canonical_name is distinct from timelines.canonical_name
            or entities.entity_type is distinct from timelines.entity_type)
{%- endmacro %}
