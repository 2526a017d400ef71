{#- Regular expressions, written once in the dialect DuckDB runs (RE2), as the body of a SQL
    string literal (a quote doubled), and translated for Spark, whose Java expressions differ
    where it matters here (docs/scale-out.md):
      * `\b` is an ASCII word boundary in RE2; Java counts any Unicode letter as a word
        character: it is spelled out with lookarounds over [A-Za-z0-9_];
      * `\s` has the vertical tab in Java only: spelled [\t\n\f\r ];
      * `.` and `$`: RE2 knows one line terminator, \n; Java five, and its `$` also matches
        before a final one: (?d) (Unix lines), and `$` as `\z`;
      * case-insensitive matching is Unicode in RE2, ASCII in Java: (?iu);
      * a script is `\p{Cyrillic}` in RE2, `\p{IsCyrillic}` in Java;
      * a replacement's group reference is `\1` in RE2 and `$1` in Java;
      * Spark's string literals read a backslash as an escape and `''` as two literals.
    Patterns must not use `\s`, `\b` or `$` inside a character class (none does). Models and
    macros call these, never an engine's regexp functions directly. -#}

{#- Every match of `pattern` in `expr` replaced by `replacement`. -#}
{% macro re_replace_all(expr, pattern, replacement, case_insensitive=false) -%}
    {{ return(adapter.dispatch('re_replace_all', 'event_warehouse')(expr, pattern, replacement, case_insensitive)) }}
{%- endmacro %}

{% macro duckdb__re_replace_all(expr, pattern, replacement, case_insensitive) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', '{{ "gi" if case_insensitive else "g" }}')
{%- endmacro %}

{% macro spark__re_replace_all(expr, pattern, replacement, case_insensitive) -%}
    regexp_replace({{ expr }}, {{ spark_pattern(pattern, case_insensitive) }}, {{ spark_replacement(replacement) }})
{%- endmacro %}

{#- The first match of `pattern` in `expr` replaced by `replacement`. -#}
{% macro re_replace_first(expr, pattern, replacement, case_insensitive=false) -%}
    {{ return(adapter.dispatch('re_replace_first', 'event_warehouse')(expr, pattern, replacement, case_insensitive)) }}
{%- endmacro %}

{% macro duckdb__re_replace_first(expr, pattern, replacement, case_insensitive) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}'{{ ", 'i'" if case_insensitive else "" }})
{%- endmacro %}

{#- Java replaces every match: an anchored pattern has one; otherwise the first match is found
    after the shortest prefix, which is kept as group 1, the match being group 2 (the
    replacement's groups shift by two). -#}
{% macro spark__re_replace_first(expr, pattern, replacement, case_insensitive) -%}
    {%- if pattern.startswith('^') or pattern.endswith('$') -%}
        {{ spark__re_replace_all(expr, pattern, replacement, case_insensitive) }}
    {%- else -%}
        regexp_replace({{ expr }}, {{ spark_pattern('^((?s:.)*?)(' ~ pattern ~ ')', case_insensitive) }},
            {{ spark_replacement('\\1' ~ _shifted_groups(replacement)) }})
    {%- endif -%}
{%- endmacro %}

{#- Whether `pattern` matches somewhere in `expr`. -#}
{% macro re_matches(expr, pattern, case_insensitive=false) -%}
    {{ return(adapter.dispatch('re_matches', 'event_warehouse')(expr, pattern, case_insensitive)) }}
{%- endmacro %}

{% macro duckdb__re_matches(expr, pattern, case_insensitive) -%}
    regexp_matches({{ expr }}, '{{ pattern }}'{{ ", 'i'" if case_insensitive else "" }})
{%- endmacro %}

{% macro spark__re_matches(expr, pattern, case_insensitive) -%}
    ({{ expr }} rlike {{ spark_pattern(pattern, case_insensitive) }})
{%- endmacro %}

{#- Whether `pattern` matches the whole of `expr`. -#}
{% macro re_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('re_full_match', 'event_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__re_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__re_full_match(expr, pattern) -%}
    ({{ expr }} rlike {{ spark_pattern('^(?:' ~ pattern ~ ')$', false) }})
{%- endmacro %}

{#- Group `group` of the first match of `pattern` in `expr` ('' when none). -#}
{% macro re_extract(expr, pattern, group=0, case_insensitive=false) -%}
    {{ return(adapter.dispatch('re_extract', 'event_warehouse')(expr, pattern, group, case_insensitive)) }}
{%- endmacro %}

{% macro duckdb__re_extract(expr, pattern, group, case_insensitive) -%}
    regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}{{ ", 'i'" if case_insensitive else "" }})
{%- endmacro %}

{% macro spark__re_extract(expr, pattern, group, case_insensitive) -%}
    regexp_extract({{ expr }}, {{ spark_pattern(pattern, case_insensitive) }}, {{ group }})
{%- endmacro %}

{#- Group `group` of every match of `pattern` in `expr`, as a list (Spark's default group is 1,
    DuckDB's 0: always given). -#}
{% macro re_extract_all(expr, pattern, group=0) -%}
    {{ return(adapter.dispatch('re_extract_all', 'event_warehouse')(expr, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__re_extract_all(expr, pattern, group) -%}
    regexp_extract_all({{ expr }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro spark__re_extract_all(expr, pattern, group) -%}
    regexp_extract_all({{ expr }}, {{ spark_pattern(pattern, false) }}, {{ group }})
{%- endmacro %}

{#- A pattern (RE2, SQL-literal body) as a Spark literal of the Java expression that matches
    the same texts. -#}
{% macro spark_pattern(pattern, case_insensitive=false) -%}
    {%- set word = '[A-Za-z0-9_]' -%}
    {%- set boundary = '(?:(?<=' ~ word ~ ')(?!' ~ word ~ ')|(?<!' ~ word ~ ')(?=' ~ word ~ '))' -%}
    {%- set java = pattern | replace("''", "'") -%}
    {%- set java = java | replace('\\b', boundary) | replace('\\s', '[\\t\\n\\f\\r ]') -%}
    {%- set java = java | replace('\\p{Cyrillic}', '\\p{IsCyrillic}') -%}
    {%- set java = modules.re.sub('(?<!\\\\)\\$', '\\\\z', java) -%}
    {%- set java = ('(?diu)' if case_insensitive else '(?d)') ~ java -%}
    {{ spark_string_literal(java) }}
{%- endmacro %}

{#- An RE2 replacement (`\1` a group, `\\` a backslash) as a Spark literal of Java's (`$1`,
    `\$` a dollar). -#}
{% macro spark_replacement(replacement) -%}
    {%- set java = replacement | replace("''", "'") | replace('$', '\\$') -%}
    {%- set java = modules.re.sub('\\\\([0-9])', '$\\1', java) -%}
    {{ spark_string_literal(java) }}
{%- endmacro %}

{#- An RE2 replacement with every group reference two higher (`\0` → `\2`). -#}
{% macro _shifted_groups(replacement) -%}
    {%- set ns = namespace(text='', escaped=false) -%}
    {%- for character in replacement -%}
        {%- if ns.escaped -%}
            {%- set ns.text = ns.text ~ '\\' ~ ((character | int + 2) | string if character in '0123456789' else character) -%}
            {%- set ns.escaped = false -%}
        {%- elif character == '\\' -%}
            {%- set ns.escaped = true -%}
        {%- else -%}
            {%- set ns.text = ns.text ~ character -%}
        {%- endif -%}
    {%- endfor -%}
    {{- ns.text -}}
{%- endmacro %}
