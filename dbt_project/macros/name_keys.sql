{#- Match keys for names. Both incoming spellings and curated seed aliases go through the same
    macro, so a seed lists spellings as people write them and never a pre-normalised form. -#}

{% macro ascii_fold(expr) -%}
    {{ return(adapter.dispatch('ascii_fold')(expr)) }}
{%- endmacro %}

{% macro default__ascii_fold(expr) -%}
    lower(strip_accents({{ expr }}))
{%- endmacro %}

{#- Outlet key: "The Kyiv Independent", "Kyiv Independent" and "kyivindependent.com" → kyivindependent. -#}
{% macro outlet_key(expr) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(trim({{ ascii_fold(expr) }}), '^(https?://)?(www\.)?', ''),
                '\.(com|net|org|ua|ru|io|media|info|co\.uk)(/.*)?$', ''),
            '^the\s+', ''),
        '[^a-z0-9]+', '', 'g')
{%- endmacro %}

{#- Base entity key: case, accents, apostrophes, punctuation, spacing, a leading "the" and
    British/American spelling. Two names with the same base key are the same written name. -#}
{% macro entity_base_key(expr) -%}
    regexp_replace(
        regexp_replace(
            trim(regexp_replace(
                regexp_replace({{ ascii_fold(expr) }}, '[''’ʼ`]', '', 'g'),
                '[^a-z0-9]+', ' ', 'g')),
            '^the ', ''),
        'defence', 'defense', 'g')
{%- endmacro %}

{#- Entity match key: the base key plus romanisation rules for places and people, where the same
    Ukrainian or Russian name is transliterated several ways (Izyum/Izium, Kupyansk/Koupiansk,
    Balakliya/Balakliia, Zelensky/Zelenskyy/Zelenskiy). Units, organisations and weapons keep
    the base key: their names are English phrases where these rules would only do harm. -#}
{% macro entity_match_key(expr, type_expr) -%}
    case when {{ type_expr }} in ('location', 'person') then
        {#- a namespace, because a plain `set` inside a Jinja loop does not outlive the loop #}
        {%- set ns = namespace(key=entity_base_key(expr)) %}
        {%- for pattern, replacement in [
            ('yu', 'iu'), ('ya', 'ia'), ('ye', 'ie'), ('yi', 'i'), ('ou', 'u'),
            ('iy\\b', 'y'), ('yy', 'y'), ('ii', 'i'), ('ss', 's'), ('nn', 'n'), ('ll', 'l'), ('kh', 'h')
        ] %}
            {%- set ns.key = "regexp_replace(" ~ ns.key ~ ", '" ~ pattern ~ "', '" ~ replacement ~ "', 'g')" %}
        {%- endfor %}
        {{ ns.key }}
    else {{ entity_base_key(expr) }} end
{%- endmacro %}
