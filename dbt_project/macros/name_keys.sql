{#- Match keys for names. Incoming spellings, registered spellings and curated seed aliases all go
    through the same macros, so a seed lists spellings as people write them, never a
    pre-normalised form, and a rule change applies to every side at once.
    The layers and why each rule exists: docs/entity-resolution.md. DuckDB's regexp_replace is
    RE2 (no back-references in patterns), hence the lists of explicit rules. -#}

{% macro ascii_fold(expr) -%}
    {{ return(adapter.dispatch('ascii_fold')(expr)) }}
{%- endmacro %}

{#- Lower case, Cyrillic romanised (Ukrainian national system: С-300 → s-300, Купянськ →
    kupiansk), accents stripped, and the Latin letters strip_accents leaves (ß, ł, ø, æ). -#}
{% macro default__ascii_fold(expr) -%}
    {%- set cyrillic = [('щ', 'shch'), ('ж', 'zh'), ('х', 'kh'), ('ц', 'ts'), ('ч', 'ch'), ('ш', 'sh'),
        ('є', 'ie'), ('ю', 'iu'), ('я', 'ia'), ('ї', 'i'), ('й', 'i'), ('ё', 'e'), ('а', 'a'),
        ('б', 'b'), ('в', 'v'), ('г', 'h'), ('ґ', 'g'), ('д', 'd'), ('е', 'e'), ('з', 'z'),
        ('и', 'y'), ('і', 'i'), ('к', 'k'), ('л', 'l'), ('м', 'm'), ('н', 'n'), ('о', 'o'),
        ('п', 'p'), ('р', 'r'), ('с', 's'), ('т', 't'), ('у', 'u'), ('ф', 'f'), ('ь', ''),
        ('ъ', ''), ('ы', 'y'), ('э', 'e'), ('ў', 'u')] -%}
    {%- set ns = namespace(folded='lower(' ~ expr ~ ')') -%}
    {%- for letter, latin in cyrillic + [('ß', 'ss'), ('ł', 'l'), ('ø', 'o'), ('æ', 'ae')] -%}
        {%- set ns.folded = "replace(" ~ ns.folded ~ ", '" ~ letter ~ "', '" ~ latin ~ "')" -%}
    {%- endfor -%}
    {{ strip_accents_of("case when " ~ re_matches("lower(" ~ expr ~ ")", '[а-яёіїєґўßłøæ]') ~ " then " ~ ns.folded ~ " else lower(" ~ expr ~ ") end") }}
{%- endmacro %}

{#- Accents stripped: DuckDB's function; on Spark, Apache Commons' (in Spark's classpath), which
    strips the same marks from the project's names (tests/integration/test_spark_engine.py). -#}
{% macro strip_accents_of(expr) -%}
    {{ return(adapter.dispatch('strip_accents_of', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__strip_accents_of(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}

{% macro spark__strip_accents_of(expr) -%}
    reflect('org.apache.commons.lang3.StringUtils', 'stripAccents', {{ expr }})
{%- endmacro %}

{#- `expr` passed through re_replace_all(…, pattern, replacement) for each rule in order.
    A list of more than three rules first asks one regular expression, all its patterns as
    alternatives, whether any rule applies: a text that none matches is returned as it is
    without running the chain. That is exact: until one rule fires the text is unchanged, so no
    rule can fire on a text that no pattern matches. Most names meet few of their type's rules
    (an English organisation none of the Ukrainian and Russian words), and the chain of dozens of
    replacements ran on every name. `expr` is evaluated once, bound by a lambda. -#}
{% macro rewrite(expr, rules) -%}
    {%- set prefiltered = rules | length > 3 -%}
    {%- set ns = namespace(key='rewritten' if prefiltered else expr) -%}
    {%- for pattern, replacement in rules -%}
        {%- set ns.key = re_replace_all(ns.key, pattern, replacement) -%}
    {%- endfor -%}
    {%- if prefiltered -%}
        {{ bound(expr, 'rewritten', "case when " ~ re_matches('rewritten', '(?:' ~ (rules | map(attribute=0) | join(')|(?:')) ~ ')')
            ~ " then " ~ ns.key ~ " else rewritten end") }}
    {%- else -%}
        {{ ns.key }}
    {%- endif -%}
{%- endmacro %}

{#- Outlet key: "The Kyiv Independent", "Kyiv Independent" and "kyivindependent.com" → kyivindependent. -#}
{% macro outlet_key(expr) -%}
    {%- set key = re_replace_first("trim(" ~ ascii_fold(expr) ~ ")", '^(https?://)?(www\\.)?', '') -%}
    {%- set key = re_replace_first(key, '\\.(com|net|org|ua|ru|io|media|info|co\\.uk)(/.*)?$', '') -%}
    {%- set key = re_replace_first(key, '^the\\s+', '') -%}
    {{ re_replace_all(key, '[^a-z0-9]+', '') }}
{%- endmacro %}

{#- Base entity key: case, accents, apostrophes, dots of abbreviations (U.N., Gen.), punctuation,
    spacing, a leading "the" and British/American spelling. Two names with the same base key are
    the same written name. -#}
{% macro entity_base_key(expr) -%}
    {#- a name in another script (nothing of it left) is its own key, never merged with others -#}
    coalesce(nullif({{ rewrite(
        "trim(" ~ re_replace_first(re_replace_all(re_replace_all(ascii_fold(expr), "[''’ʼ`.]", ''), '[^a-z0-9]+', ' '), '^the ', '') ~ ")",
        [('defence', 'defense'), ('organisation', 'organization'), ('centre', 'center'),
         ('mechanised', 'mechanized')]
    ) }}, ''), lower(trim({{ expr }})))
{%- endmacro %}

{#- Core key: the base key without what does not name the thing, per entity type: descriptors
    ("city", "tank", "missile"), titles and ranks before a person's name, a trailing ", mayor of
    Kyiv"; and one spelling for what is written several ways: region/oblast, ordinal words and
    suffixes, unit abbreviations (GTA, CAA, OMBr), "X of Russia"/"Russia's X"/"Russian X",
    weapon designations with or without hyphens (S-300, S300, X-101/Kh-101). Numbers, ordinals,
    country adjectives and city-vs-oblast stay in the key: they tell different things apart. -#}
{% macro entity_core_key(expr, type_expr) -%}
    {{ entity_core_from_base(entity_prepared_base(expr, type_expr), type_expr) }}
{%- endmacro %}

{#- The base key a type's core key starts from: a person's name before a comma ("Vitali
    Klitschko, mayor of Kyiv"), a unit without its honorific, a weapon's Cyrillic romanised the
    English way; the name's own base key for the other types. Its own step, so that a model can
    compute it once per name (int_entity_names_keyed) and the core key from the column. -#}
{% macro entity_prepared_base(expr, type_expr) -%}
    case {{ type_expr }}
        when 'person' then {{ entity_base_key("split_part(" ~ expr ~ ", ',', 1)") }}
        when 'military_unit' then {{ entity_base_key(unit_without_honorific(expr)) }}
        when 'weapon_system' then {{ entity_base_key(cyrillic_as_english("lower(" ~ expr ~ ")")) }}
        else {{ entity_base_key(expr) }}
    end
{%- endmacro %}

{#- The core key from a prepared base key (entity_prepared_base). -#}
{% macro entity_core_from_base(base, type_expr) -%}
    case {{ type_expr }}
        when 'location' then {{ location_core_from_base(base) }}
        when 'person' then {{ person_core_from_base(base) }}
        when 'military_unit' then {{ token_sorted(unit_designation(rewrite(spelled_right(base), country_rules() + unit_rules()))) }}
        when 'organization' then {{ token_sorted(rewrite(spelled_right(base), organization_words() + country_rules() + organization_rules())) }}
        when 'weapon_system' then {{ rewrite(base, weapon_rules()) }}
        else {{ base }}
    end
{%- endmacro %}

{#- A numbered unit's designation without its honorific: a name in quotes (47th Brigade
    "Magura", «Анна Київська») or after "named after" / імені / имени. Only where a number is
    left: in бригада «Азов» the name in quotes is all that names the unit. An honorific alone
    ("Magura Brigade") is a curated alias, not a rule. -#}
{#- A unit's honorific, as words of its base key, titles (Hetman, Prince, гетьмана, князя…) and
    words of three letters or fewer dropped: what follows "named after" / імені / имени (`named` true), or,
    for a unit named without a number and without those words, the name without its type words
    (`named` false: Ivan Mazepa Brigade → ivan mazepa). An empty list otherwise. `base` is the
    name's base key. -#}
{% macro unit_honorific_words(base, named) -%}
    {%- set titles = '(the|and|brigade|bryhada|brigada|regiment|polk|battalion|batalion|batalon|unit|separate'
        ~ '|okrema|otdelnaia|hetman|hetmana|getmana|prince|kniazia|kniaz|koshovoho|otamana|ataman|general'
        ~ '|heneral|colonel|polkovnyka)' -%}
    {{ list_keep(split_text("case
            when " ~ re_matches(base, '\\b(named after|imeni|ymeni)\\b') ~ "
                then " ~ (re_extract(base, '\\b(named after|imeni|ymeni)\\b(.*)$', 2) if named else "''") ~ "
            when " ~ re_matches(base, '[0-9]') ~ " then ''
            else " ~ ("''" if named else base) ~ "
        end", ' '),
        'w', "length(w) >= 4 and not " ~ re_full_match('w', titles)) }}
{%- endmacro %}

{#- The unit `short`, named by its honorific alone (two words at least), is the unit `long`
    named after someone: every word of `short` is in `long`'s name and one in its honorific
    (each a word of the other's start less its last letter, for the endings of Ukrainian
    genitives: Mazepa / Мазепи → mazepa / mazepy). `short` and `long` have bare_honorific_words,
    honorific_words and unit_words columns. A case, not an and: the word comparisons run only
    for the few pairs that can fit. -#}
{% macro honorific_fits(short, long) -%}
    case when {{ list_size(short ~ '.bare_honorific_words') }} >= 2 and {{ list_size(long ~ '.honorific_words') }} > 0 then (
        {{ list_size(list_keep(short ~ '.bare_honorific_words', 'w', 'not ' ~ _word_among('w', long ~ '.unit_words'))) }} = 0
        and {{ list_size(list_keep(short ~ '.bare_honorific_words', 'w', _word_among('w', long ~ '.honorific_words'))) }} > 0
    ) else false end
{%- endmacro %}

{#- The word `w` (a lambda parameter) is among `words`, up to the last letter of the longer
    (four letters at least compared). -#}
{% macro _word_among(w, words) -%}
    ({{ list_size(list_keep(words, 'v',
        text_starts_with('v', 'left(' ~ w ~ ', greatest(length(' ~ w ~ ') - 1, 4))')
        ~ ' or ' ~ text_starts_with(w, 'left(v, greatest(length(v) - 1, 4))'))) }} > 0)
{%- endmacro %}

{% macro unit_without_honorific(expr) -%}
    {%- set stripped = re_replace_first(re_replace_all(expr, '[«"“„][^»"”“]*[»"”“]', ' '),
        '\\s+(named after|імені|имени)\\s.*$', '', case_insensitive=true) -%}
    case when {{ re_matches(stripped, '[0-9]') }} then {{ stripped }} else {{ expr }} end
{%- endmacro %}

{#- Word order does not name an organisation or a unit ("Legion Freedom of Russia"): their keys
    are their words sorted, without "of", "the" and "and". -#}
{% macro token_sorted(expr) -%}
    {{ join_texts(list_sorted(list_unique(list_keep(split_text(expr, ' '), 't', "t not in ('', 'of', 'the', 'and')"))), ' ') }}
{%- endmacro %}

{#- The words units and organisations are named with, and their typos ("Gaurds", "Seperate",
    "Divison", "Legoin"): a word of five letters or more one edit away from exactly this
    vocabulary's word is that word, so that the rules and designator guards see it. -#}
{% macro spelled_right(expr, vocabulary=none) -%}
    {%- set vocabulary = vocabulary or ['guards', 'separate', 'division', 'legion', 'group', 'brigade', 'regiment',
        'battalion', 'mechanized', 'assault', 'airborne', 'marine', 'combined', 'corps', 'fleet',
        'forces', 'special', 'purpose', 'ministry', 'defense', 'council', 'security', 'service',
        'national', 'emergency', 'intelligence', 'directorate', 'general', 'russian', 'ukrainian',
        'volunteer', 'infantry', 'artillery', 'federation', 'organization', 'committee'] -%}
    {%- set words = text_list(vocabulary) -%}
    {%- set one_edit_away = list_keep(words, 'v', one_edit_apart('w', 'v')) -%}
    {{ join_texts(list_map(split_text(expr, ' '), 'w',
        "case when length(w) >= 5 and not " ~ list_has(words, 'w') ~ "
            and " ~ list_size(one_edit_away) ~ " = 1
            then " ~ list_first(one_edit_away) ~ "
            else w end"), ' ') }}
{%- endmacro %}

{#- Places: descriptors and prefixes (also the Cyrillic ones, romanised: м., с., смт, пгт,
    місто, город, селище, посёлок, село), region words as "oblast", rivers (also річка, река,
    р.), airports (аеропорт), power plants and dams (ГЕС/ГЭС). Not г. (Russian "city"): "г.
    Днепр" is the city, and stripped it would meet the curated "Dniepr", the river's Polish and
    French name; a bare Днепр can be either. A raion by its centre's name or
    adjective: Bakhmut Raion, Bakhmut district, Bakhmutskyi raion, Бахмутський район → bakhmut
    raion (Kramatorsk/Kramatorskyi → kramator raion). A Russian neuter adjective as Ukrainian
    writes it: Pokrovskoye/Покровское → pokrovske. -#}
{% macro location_rules() -%}
    {{ return([
        ('^(city|town|village|settlement) of ', ''),
        ('^(m|s|smt|pht|misto|horod|selyshche|selishche|poselok|selo) ', ''),
        ('^(richka|reka|r) (.+)$', '\\2 river'),
        ('^(aeroport|airport) (.+)$', '\\2 airport'),
        (' (city|town|village|settlement|urban type settlement)$', ''),
        ('^river (.+)$', '\\1 river'),
        (' (region|province|oblast region|obl)$', ' oblast'),
        ('^(\\w+?)(s?k(yi|ii|iy|ij|yy|oho|a)?)? (raion|district|rayon)$', '\\1 raion'),
        ('skoy?e\\b', 'ske'),
        ('^(\\w+?)(shch|chch|shh)yna$', '\\1 oblast'),
        ('^(\\w+?zh)chyna$', '\\1 oblast'),
        (' (nuclear power plant|nuclear power station|nuclear plant|npp)$', ' npp'),
        (' (hydroelectric power plant|hydroelectric power station|hydroelectric dam|hpp|hes|dam)$', ' dam'),
    ]) }}
{%- endmacro %}

{#- A place's core key from its base key: region words spelled right ("Kharkiv Oblst", "Kyiv
    Obalst", "Bakhmut Raoin"), then location_rules. -#}
{% macro location_core_from_base(base) -%}
    {{ rewrite(spelled_right(base, ['oblast', 'region', 'raion', 'district', 'province']), location_rules()) }}
{%- endmacro %}

{#- A person: the name before a comma ("Vitali Klitschko, mayor of Kyiv"), titles and ranks
    before it dropped, also in Ukrainian and Russian (президент, міністр/министр, глава,
    начальник, мер, прем'єр, официальный представитель, секретарь, головнокомандувач…, romanised);
    what follows a title may still name an office ("глава МИД РФ Сергей Лавров", "Chief of the
    General Staff Andrii Hnatov"), so a titled name keeps its last two words of two letters or
    more (a given name and a surname; "President Vladimir V. Putin" → vladimir putin). -#}
{% macro person_core_from_base(base) -%}
    {%- set untitled = rewrite(base, person_rules()[:1]) -%}
    {%- set last_two = join_texts(list_last_two(list_keep(split_text(untitled, ' '), 't', 'length(t) > 1')), ' ') -%}
    {{ rewrite(
        "case when " ~ re_matches(base, person_rules()[0][0]) ~ " then " ~ last_two ~ " else " ~ base ~ " end",
        person_rules()[1:]
    ) }}
{%- endmacro %}

{% macro person_rules() -%}
    {{ return([
        ('^.*\\b(president|prezydent|prezident|ministr|mynystr|hlava|nachalnyk|nachalnik|mer|ledi|premier|premer|ofitsiinyi|ofytsyalnyi|predstavnyk|predstavytel|sekretar|holovnokomanduvach|komanduvach|komanduiushchyi|zastupnyk|zamestytel|spyker|spiker|posol|hubernator|kerivnyk|heneral|polkovnyk|ombudsman|ombudsmen|officer|minister|office|ministry|council|service|spokesman|spokeswoman|spokesperson|chief|mayor|leader|general|gen|col|colonel|lt|maj|major|lieutenant|lady|secretary|commander|head|chairman|chairwoman|chancellor|ambassador|premier|governor|envoy|dr|mr|mrs|ms|sen|senator|adviser|advisor|speaker|patriarch|marshal|admiral|adm|sgt|sergeant|captain|capt)\\s+', ''),
        ('^(\\w+) \\w+(ovich|evich|ovych|evych|ovna|evna|ivna|ichna) (\\w+)$', '\\1 \\3'),
    ]) }}
{%- endmacro %}

{% macro country_rules() -%}
    {{ return([
        ('^russias ', 'russian '), ('^ukraines ', 'ukrainian '),
        ('^(.+) of (the )?(russian federation|russia|rf)$', 'russian \\1'),
        ('^(.+) of ukraine$', 'ukrainian \\1'),
        ('\\b(russian federation|russia)\\b', 'russian'), ('\\bukraine\\b', 'ukrainian'),
    ]) }}
{%- endmacro %}

{% macro ordinal_rules() -%}
    {%- set words = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'] -%}
    {%- set tens = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] -%}
    {%- set rules = [] -%}
    {%- for ten in tens -%}
        {%- set tens_digit = loop.index + 1 -%}
        {%- for word in words[:9] -%}
            {%- do rules.append(('\\b' ~ ten ~ ' ' ~ word ~ '\\b', (tens_digit * 10 + loop.index) | string)) -%}
        {%- endfor -%}
        {%- do rules.append(('\\b' ~ ten[:-1] ~ 'ieth\\b', (tens_digit * 10) | string)) -%}
    {%- endfor -%}
    {%- for word in words -%}
        {%- do rules.append(('\\b' ~ word ~ '\\b', loop.index | string)) -%}
    {%- endfor -%}
    {#- suffixes: English, and Ukrainian and Russian romanised (1-ша, 2-га, 3-тя, 47-ма, 100-та,
        30-я, 2-й, 2-го) -#}
    {%- do rules.append(('\\b(\\d+) ?(st|nd|rd|th|ya|yi|iy|ta|ma|sha|ha|tia|ia|i|y|ho|mu)\\b', '\\1')) -%}
    {{ return(rules) }}
{%- endmacro %}

{#- Units: one English vocabulary for the designations as reporters write them: English
    abbreviations (Bde, Mech, AAslt, MRD, TDF, GTA, CAA), Ukrainian ones in either script (OMBr,
    OShBr, ODShBr, OPDBr, OTBr, OBrMP, OBrTrO, OHShBr, OMPBr, OABr), Russian ones (мсд, омсбр,
    обрмп, тд, ВДД, гв., ТА, ОА) and the Ukrainian and Russian words of the designation, romanised
    (окрема/отдельная, механізована, штурмова, десантна, гірсько-штурмова, аеромобільна, танкова,
    бригада, дивізія, армія, загальновійськова/общевойсковая, мотострілкова, мотопіхотна,
    морської піхоти, територіальної оборони, артилерійська, корпус). The number and the type words stay: they tell units apart.
    Air assault, airborne and ДШ/ODSh are one type (Ukraine renamed its airmobile brigades air
    assault in 2017). A motorised brigade that is not motor rifle (Russia's) is motorised
    infantry (Ukraine's мотопіхотна): "57th Motorized Brigade", "56th Motorised Infantry Brigade".
    An honorific in quotes or after "named after" / імені is dropped by unit_without_honorific. -#}
{% macro unit_rules() -%}
    {{ return(ordinal_rules() + [
        ('\\b(\\d+)([a-z]{2,})\\b', '\\1 \\2'),
        ('\\bpersh[a-z]*\\b', '1'), ('\\bpervaia\\b', '1'), ('\\bdruh[a-z]*\\b', '2'), ('\\bvtoraia\\b', '2'),
        ('\\btreti[a-z]*\\b', '3'),
        ('\\b(okrem|otdeln)[a-z]*\\b', 'separate'), ('\\bindependent\\b', 'separate'),
        ('\\b(spets[iy]aln|spetsyaln)[a-z]* (pryznachen|naznachen)[a-z]*', 'special purpose'),
        ('\\b(iehersk|ehersk|jager|jaeger)[a-z]*', 'jaeger'), ('\\boiebr\\b', 'jaeger brigade'),
        ('\\boaembr\\b', 'airmobile brigade'), ('\\bdshd\\b', 'airborne division'),
        ('\\bmot\\b', 'motorized'),
        ('\\b(motostril|motostrel)[a-z]*', 'motor rifle'),
        ('\\b(hv|hvardi[a-z]*|hvardei[a-z]*|gds)\\b', 'guards'),
        ('\\bmekhan[iy]z[a-z]*\\b', 'mechanized'),
        ('\\b(hirsko|horno) shturmov[a-z]*\\b', 'mountain assault'),
        ('\\bdesantno shturmov[a-z]*\\b', 'airborne'),
        ('\\bshturmov[a-z]*\\b', 'assault'),
        ('\\b(povitrianodesantn|vozdushno desantn|desantn)[a-z]*\\b', 'airborne'),
        ('\\btankov[a-z]*\\b', 'tank'),
        ('\\bbryhad[a-z]*\\b', 'brigade'), ('\\bbde\\b', 'brigade'),
        ('\\bd[yi]v[yi]z[a-z]*\\b', 'division'), ('\\bdiv\\b', 'division'),
        ('\\b(zahalnoviiskov|obshchevoiskov)[a-z]*\\b', 'combined arms'),
        ('\\barm(ii|yi)[a-z]*\\b', 'army'),
        ('\\b(motostrilkov|motostrelkov)[a-z]*\\b', 'motor rifle'), ('\\bmotori[sz]ed rifle\\b', 'motor rifle'),
        ('\\b(msd|mrd)\\b', 'motor rifle division'), ('\\bomsbr\\b', 'motor rifle brigade'),
        ('\\bmorsk[a-z]* (pikhot|pekhot)[a-z]*\\b', 'marine'),
        ('\\b(terytorialn|territorialn|terrytorialn)[a-z]* obor[a-z]*\\b', 'territorial defense'),
        ('\\btdf\\b', 'territorial defense'), ('\\bg?td\\b', 'tank division'),
        ('\\baeromob[a-z]*\\b', 'airmobile'),
        ('\\bmotop[iey]khot[a-z]*\\b', 'motorized infantry'), ('\\bompbr\\b', 'motorized infantry brigade'), ('\\bobrtro\\b', 'territorial defense brigade'),
        ('\\b(art[yi]ll?er[yi]{1,2}sk[a-z]*|arty)\\b', 'artillery'), ('\\bo(art|a)br\\b', 'artillery brigade'),
        ('\\bohshbr\\b', 'mountain assault brigade'), ('\\bvdd\\b', 'airborne division'),
        ('\\bkorpus[a-z]*\\b', 'corps'), ('\\barmiisk[a-z]*|armeisk[a-z]*\\b', 'army'),
        ('\\bta\\b', 'tank army'), ('\\boa\\b', 'combined arms army'),
        ('\\baaslt\\b', 'airborne'), ('\\binf\\b', 'infantry'),
        ('\\bmtn\\b', 'mountain'), ('\\baslt\\b', 'assault'), ('\\babn\\b', 'airborne'),
        ('\\bg?caa\\b', 'combined arms army'), ('\\bgta\\b', 'tank army'),
        ('\\bombr\\b', 'mechanized brigade'), ('\\bmech\\b', 'mechanized'),
        ('\\bmotori[sz]ed( infantry)?\\b', 'motorized infantry'),
        ('\\boshbr?\\b', 'assault brigade'), ('\\botbr\\b', 'tank brigade'),
        ('\\bobrmp\\b', 'marine brigade'), ('\\bnaval infantry\\b', 'marine'), ('\\bmarines\\b', 'marine'),
        ('\\b(mountain )?(air assault|airborne|vdv|parachute)\\b', 'airborne'),
        ('\\bair mobile\\b', 'airmobile'), ('\\bodshbr\\b', 'airborne brigade'), ('\\bopdbr\\b', 'airborne brigade'),
        ('\\b(guards|separate|spetsnaz|special forces|unit|pmc|private military company|group|gruppe)\\b', ''),
        ('\\bcorp\\b', 'corps'),
    ]) }}
{%- endmacro %}

{#- A numbered unit is its number, its type words and its country: every other word is an
    honorific or a nickname written into the designation without quotes (128th Zakarpattia
    Mountain Assault Brigade, 1st Separate Tank Siverska Brigade, 150-я мотострелковая
    Идрицко-Берлинская дивизия, Pacific Fleet's 155th Naval Infantry Brigade), and two units
    with one number and one type are one unit. A unit without a number keeps its words. -#}
{% macro unit_designation(expr) -%}
    {%- set words = ['brigade', 'division', 'army', 'corps', 'regiment', 'battalion', 'company', 'detachment',
        'squadron', 'flotilla', 'mechanized', 'tank', 'airborne', 'assault', 'mountain', 'marine', 'motor',
        'rifle', 'infantry', 'motorized', 'artillery', 'territorial', 'defense', 'combined', 'arms',
        'airmobile', 'jaeger', 'special', 'purpose', 'missile', 'rocket', 'engineer', 'reconnaissance',
        'air', 'operational', 'command', 'naval', 'aviation', 'fighter', 'bomber', 'helicopter', 'drone',
        'unmanned', 'systems', 'national', 'guard', 'border', 'police', 'presidential', 'sniper', 'signal',
        'logistics', 'ranger', 'volunteer', 'rapid', 'response', 'operations', 'forces', 'lancer', 'coastal',
        'russian', 'ukrainian', 'belarusian', 'chechen', 'dpr', 'lpr', 'dnr', 'lnr', 'us', 'american',
        'british', 'polish', 'georgian'] -%}
    {{ bound(expr, 'designation', "case when " ~ re_matches('designation', '\\b\\d+\\b') ~ "
        then " ~ join_texts(list_keep(split_text('designation', ' '), 't', re_matches('t', '^\\d+$')
            ~ " or " ~ list_has(text_list(words), 't')), ' ') ~ "
        else designation
    end") }}
{%- endmacro %}

{#- Organisations as Ukrainian and Russian name them, romanised, in the English words of their
    names (so that the sorted-word key meets the English name): Міністерство оборони України /
    Министерство обороны Украины → defense ministry ukrainian, as "Ministry of Defence of
    Ukraine"; Генштаб ЗСУ → armed force general staff ukrainian. The words of state institutions
    (ministry, defence, service, security, national, guard, police, armed forces, state, general
    staff, prosecutor, office, president, main directorate, intelligence, air, ground, special
    operations, border, council, emergency, federal) and the short forms written inside names
    (Міноборони, Генштаб, Совбез, Нацгвардія, Держдума; ЗСУ/ВСУ, ЗС/ВС, СБУ, МО/МОУ, МЗС,
    ДСНС, МНС/МЧС, НГУ, РНБО/СНБО, ДПСУ, ССО, ВМС, ФСБ, ООН, ВРУ, ОГП, РФ). Not ГУР/ГРУ: spelled
    out, Ukraine's and Russia's military intelligence would share a key; nor МИД (Russia's
    foreign ministry, unless "МИД Украины"): those are curated aliases. The conjunctions (і, и, та, з, по) go, as "of" and "and" do in English. -#}
{% macro organization_words() -%}
    {{ return([
        ('\\b(henshtab|genshtab)\\b', 'general staff'),
        ('\\b(minoborony|mynoborony)\\b', 'ministry defense'),
        ('\\b(hosduma|derzhduma)\\b', 'state duma'),
        ('\\b(sovbez|radbez)\\b', 'security council'),
        ('\\b(natshvardiia|natshvardyia)\\b', 'national guards'),
        ('\\b(natspolitsiia|natspolytsyia)\\b', 'national police'),
        ('\\bhenprokuratur[a-z]*', 'general prosecutor office'),
        ('\\b(nadzvychainykh sytuatsii|chrezvychainym sytuatsyiam|chrezvychainykh sytuatsyi|emergency situations|emergencies)\\b', 'emergency'),
        ('\\b(viiskovo|voenno) morsk[a-z]*', 'naval'), ('\\bnavy\\b', 'naval force'),
        ('\\bland forces?\\b', 'ground force'), ('\\bborder guard service\\b', 'border service'),
        ('\\b(orhanizatsiia|orhanyzatsyia) (obiednanykh|obednanykh|obedynennykh) (natsii|natsyi)\\b', 'united nations'),
        ('\\b(zakordonnykh sprav|ynostrannykh del|inostrannykh del|foreign affairs)\\b', 'foreign affairs'),
        ('\\bforeign ministry\\b', 'ministry foreign affairs'),
        ('\\b(rossyiskoi federatsyy|rosiiskoi federatsii)\\b', 'russia'),
        ('\\b(ministerstv|mynysterstv)[a-z]*', 'ministry'), ('\\boboron[a-z]*', 'defense'),
        ('\\bsluzhb[a-z]*', 'service'), ('\\b(bezpek|bezopasnost)[a-z]*', 'security'),
        ('\\b(natsional|natsyonal)[a-z]*', 'national'), ('\\bhvard[iy][a-z]*', 'guards'),
        ('\\b(politsi|polytsy)[a-z]*', 'police'), ('\\b(zbroin|vooruzhenn)[a-z]*', 'armed'),
        ('\\b(syly|sily|syl|viiska|voiska)\\b', 'force'), ('\\b(derzhavn|hosudarstvenn)[a-z]*', 'state'),
        ('\\bheneraln[a-z]*', 'general'), ('\\bshtab[a-z]*', 'staff'),
        ('\\bprokuratur[a-z]*', 'prosecutor office'), ('\\bprokuror[a-z]*', 'prosecutor'),
        ('\\b(ofis|ofys)\\b', 'office'), ('\\b(prezydent|prezident|presidential)[a-z]*', 'president'),
        ('\\bfederaln[a-z]*', 'federal'), ('\\b(holovn|hlavn)[a-z]*', 'main'),
        ('\\b(upravlinn|upravlen)[a-z]*', 'directorate'), ('\\b(rozvidk|razvedk)[a-z]*', 'intelligence'),
        ('\\b(povitrian|vozdushn)[a-z]*', 'air'), ('\\bsukhoputn[a-z]*', 'ground'),
        ('\\b(spetsialn|spetsyaln)[a-z]*', 'special'), ('\\b(operatsi|operatsy)[a-z]*', 'operations'),
        ('\\b(prykordonn|pohranychn)[a-z]*', 'border'), ('\\b(rada|sovet)\\b', 'council'),
        ('\\bverkhovn[a-z]*', 'verkhovna'),
        ('\\b(ukrainy|ukrayny|ukraina)\\b', 'ukraine'), ('\\b(rosii|rossyy|rossii|rf)\\b', 'russia'),
        ('\\b(zsu|vsu)\\b', 'armed force ukraine'), ('\\b(zs|vs)\\b', 'armed force'),
        ('\\bsbu\\b', 'security service ukraine'), ('\\bmou\\b', 'ministry defense ukraine'),
        ('\\bmo\\b', 'ministry defense'), ('\\bmzs\\b', 'ministry foreign affairs'),
        ('\\b(dsns|hschs)\\b', 'state emergency service'), ('\\b(mchs|mns)\\b', 'ministry emergency'),
        ('\\b(nhu|ngu)\\b', 'national guards'), ('\\b(rnbo|snbo|nsdc)\\b', 'national security defense council'),
        ('\\b(dpsu|sbgs)\\b', 'state border service'), ('\\bsso\\b', 'special operations force'),
        ('\\bvms\\b', 'naval force'), ('\\bfsb\\b', 'federal security service'),
        ('\\boon\\b', 'united nations'), ('\\bvru\\b', 'verkhovna council'),
        ('\\bohp\\b', 'general prosecutor office'),
        ('\\b(i|y|ta|z|po)\\b', ''),
    ]) }}
{%- endmacro %}

{% macro organization_rules() -%}
    {{ return([
        ('\\bmod\\b', 'ministry defense'), ('\\bdefense ministry\\b', 'ministry defense'),
        ('\\b(pjsc|njsc|ojsc|jsc|npc|nnegc|llc|ltd|plc|inc|gmbh|corp|corporation|company)\\b', ''),
        ('\\b(pmc|private military|group|gruppe)\\b', ''),
        ('\\bco operation\\b', 'cooperation'), ('\\bforces\\b', 'force'),
    ]) }}
{%- endmacro %}


{#- Organisations' acronyms (docs/entity-resolution.md, "Acronyms"). A name's country, written
    last ("… of Ukraine", "… России", "… РФ"), which an acronym may or may not spell. -#}
{% macro _trailing_country() -%}
    {{ return('\\s+((of\\s+)?(the\\s+)?(ukraine|russia|russian federation)|україни|украины|россии|росії|российской федерации|російської федерації|рф)\\s*$') }}
{%- endmacro %}

{#- The words an acronym is made of: punctuation dropped, function words (of, the, і, и…) left
    out, and without the trailing country when `without_country`. -#}
{% macro _acronym_words(expr, without_country) -%}
    {%- set name = re_replace_first(expr, _trailing_country(), '', case_insensitive=true) if without_country else expr -%}
    {{ list_keep(
        split_text("trim(" ~ re_replace_all(re_replace_all(name, "[''’ʼ`]", ''), '[^\\p{L}\\p{N}-]+', ' ') ~ ")", ' '),
        'w', "w <> '' and lower(w) not in ('of', 'the', 'and', 'for', 'on', 'in', 'at', 'і', 'й', 'та', 'и',
            'по', 'de', 'du', 'des', 'la', 'le', 'der', 'die', 'das', 'für', 'und')"
    ) }}
{%- endmacro %}

{#- An organisation's initials, romanised: a word in capitals is kept whole (ФСБ, ООН), a
    Cyrillic compound gives a letter per part (Військово-морський флот → ВМФ), a Latin one
    its first letter only (Anti-Corruption Prosecutor's Office → APO, as SAPO spells it).
    Written in capitals (`is_acronym_form`), the name is the acronym itself. -#}
{% macro organization_initials(expr, without_country=false) -%}
    {{ ascii_fold(join_texts(list_map(_acronym_words(expr, without_country), 'w', "case
            when " ~ re_full_match('w', '\\p{Lu}{2,}') ~ " then w
            when " ~ re_matches('w', '\\p{Cyrillic}') ~ "
                then " ~ join_texts(list_map(split_text('w', '-'), 'p', 'left(p, 1)'), '') ~ "
            else left(w, 1)
        end"), '')) }}
{%- endmacro %}

{#- An organisation name's acronym letters (`acronyms` true: the name is written as an acronym)
    or the initials an acronym of it would spell (false), with and without its country, three
    letters at least; an empty list for other names and types. `rel` has the columns of
    int_entity_names_keyed. -#}
{% macro initials_list(rel, acronyms) -%}
    case when {{ rel }}.entity_type = 'organization' and {{ rel }}.is_acronym = {{ acronyms }}
        then {{ list_unique(list_keep(list_literal([rel ~ '.initials', rel ~ '.short_initials']), 'i', 'length(i) >= 3')) }}
        else {{ empty_string_array() }}
    end
{%- endmacro %}

{#- Blocking keys that only meet across two kinds of name (an acronym and a long name; a unit
    named by its honorific alone and one named after someone): a group's `first` list meets a
    target's `second`, never two names of one kind. Called with (acronym_initials,
    name_initials) for groups and the other way round for targets; likewise with
    (bare_honorific_words, honorific_words), by their first `length` letters. -#}
{% macro directed_blocks(tag, first, second, length=none) -%}
    {%- set key = "left(x, " ~ length ~ ")" if length else "x" -%}
    {{ list_concat(list_map(first, 'x', "'" ~ tag ~ ">' || " ~ key), list_map(second, 'x', "'" ~ tag ~ "<' || " ~ key)) }}
{%- endmacro %}

{#- A name written as an acronym: one to three words in capitals, a country word after them
    allowed (SAPO, ПС ФСБ, ВМФ России). -#}
{% macro is_acronym_form(expr) -%}
    {{ list_size(_acronym_words(expr, true)) }} between 1 and 3
    and {{ list_size(list_keep(_acronym_words(expr, true), 'w', 'not ' ~ re_full_match('w', '\\p{Lu}{2,}'))) }} = 0
{%- endmacro %}
{#- A weapon's Cyrillic name is mostly a Russian-style transliteration of a Latin one (МиГ-29,
    Ми-24, Джавелин): romanised the English way (г → g, и → i, дж → j) before the rest of
    ascii_fold, it meets MiG-29, Mi-24, Javelin. -#}
{% macro cyrillic_as_english(expr) -%}
    replace(replace(replace(replace({{ expr }}, 'дж', 'j'), 'г', 'g'), 'и', 'i'), 'ы', 'y')
{%- endmacro %}

{#- Weapons: calibres and descriptors, also as Ukrainian and Russian write them, romanised (ЗРК,
    ПТРК, САУ, РСЗВ/РСЗО, ОТРК, ПКР, БПЛА, ракета, гаубиця/гаубица, морський дрон, крилата,
    гіперзвукова), makers, and one spelling of designations. -#}
{% macro weapon_rules() -%}
    {{ return([
        ('\\b\\d+ ?mm\\b', ''),
        ('\\b(main battle tank|tanks?|kamikaze drones?|drones?|uavs?|loitering munitions?|cruise missiles?|ballistic missiles?|anti ?tank missiles?|anti ?tank|missiles?|rocket launchers?|rockets?|launchers?|radars?|air defense systems?|air defense|sam systems?|systems?|self propelled howitzers?|howitzers?|spaag|fighter jets?|fighters?|jets?|aircraft|bombers?|helicopters?|multiple launch rocket systems?|mlrs)\\b', ''),
        ('\\b(zrk|ptrk|sau|rszv|rszo|otrk|pkr|bpla|raket[aiy]|[gh]aub[yi]ts(i)?a|dron|kamikadze|morsk[a-z]*|kr[yi]lat[a-z]*|[gh][iy]perzvukov[a-z]*)\\b', ''),
        ('^(sukhoi|baykar|zala|flakpanzer|lockheed martin|raytheon) ', ''),
        ('^leo\\b', 'leopard'),
        ('\\b(x|ch) (\\d)', 'kh \\2'),
        ('([a-z]) (\\d)', '\\1\\2'),
        ('(\\d) ([a-z]{1,2}\\d*)\\b', '\\1\\2'),
        ('^ +| +$', ''), ('  +', ' '),
    ]) }}
{%- endmacro %}

{#- Romanisation key for places and people: one spelling for the ways the same Ukrainian or
    Russian name is written in English, German and French (Kupyansk/Koupiansk/Kupjansk,
    Charkiw/Kharkov/Kharkiv, Tschassiw Jar/Chasiv Yar, Sievierodonetsk/Severodonetsk) and for
    Russian/Ukrainian g/h, o/i and i/y. Applied to a core key. Units, organisations and weapons
    keep the core key: their names are English phrases where these rules would only do harm. -#}
{% macro romanised_key(key_expr) -%}
    {#- literal replacements with replace() (no regular expression engine), in order -#}
    {%- set ns = namespace(key=key_expr) -%}
    {%- for letters, latin in [
        ('tsch', 'ch'), ('sch', 'sh'), ('tch', 'ch'), ('szcz', 'shch'), ('cz', 'ch'), ('sz', 'sh'),
        ('w', 'v'), ('j', 'y'), ('x', 'ks'),
        ('tz', 'z'), ('ts', 'z'), ('kh', 'h'), ('ch', 'h'), ('g', 'h'), ('ou', 'u'), ('zh', 'z'),
        ('y', 'i'), ('ie', 'e'),
    ] -%}
        {%- set ns.key = "replace(" ~ ns.key ~ ", '" ~ letters ~ "', '" ~ latin ~ "')" -%}
    {%- endfor -%}
    {#- a doubled letter once (Odessa, Kupyanskk), in one pass over the characters; digits keep
        theirs (100) -#}
    {{ rewrite(undoubled_letters(ns.key), [('ovo\\b', 'ove'), ('[oe]v\\b', 'iv')]) }}
{%- endmacro %}

{#- `expr` with every run of one Latin letter written once (digits keep theirs). Lambdas with
    an item's position differ: DuckDB numbers from 1, Spark from 0. -#}
{% macro undoubled_letters(expr) -%}
    {{ return(adapter.dispatch('undoubled_letters', 'event_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__undoubled_letters(expr) -%}
    list_transform([string_split({{ expr }}, '')], lambda chars: array_to_string(
        list_filter(chars, lambda c, i: i = 1 or c <> chars[i - 1] or not regexp_matches(c, '[a-z]')), ''))[1]
{%- endmacro %}

{% macro spark__undoubled_letters(expr) -%}
    element_at(transform(array(split({{ expr }}, '', -1)), chars -> array_join(
        filter(chars, (c, i) -> i = 0 or c <> chars[i - 1] or not c rlike '[a-z]'), '')), 1)
{%- endmacro %}

{#- Entity match key: the core key, romanised for places and people. (A person's given name is
    then put in one romanisation by int_entity_spellings_registered, through seed
    given_name_variants.) -#}
{% macro entity_match_key(expr, type_expr) -%}
    case when {{ type_expr }} in ('location', 'person')
        then {{ romanised_key(entity_core_key(expr, type_expr)) }}
        else {{ entity_core_key(expr, type_expr) }}
    end
{%- endmacro %}

{#- A place's qualifier: what a writer adds after the name to say which place of that name they
    mean, and the name without it. Four forms, tried in this order:
      "Izium (Kharkiv Oblast)"       in parentheses
      "Andriivka, Bakhmut Raion"     after a comma (up to the next: ", Ukraine" adds nothing)
      "Andriivka near Bakhmut"       after near / біля / поблизу / под / возле / около
      "Бахмут Донецької області"     a Ukrainian or Russian genitive with область / район / край
    `location_head` is the name (the whole name when there is no qualifier), `location_qualifier`
    the qualifier as written (null when there is none). -#}
{% macro _location_qualifier_patterns() -%}
    {{ return([
        ('^(.+?)\\s*\\(([^()]+)\\)\\s*$', 2),
        ('^([^,]+),\\s*([^,]+)(,.*)?$', 2),
        ('^(.+?)\\s+((near|біля|поблизу|под|возле|около|близ)\\s+.+)$', 2),
        ('^(.*\\S)\\s+(\\S+\\s+(області|области|обл\\.?|району|района|р-ну|р-на|краю|края))$', 2),
    ]) }}
{%- endmacro %}

{% macro location_head(expr) -%}
    case
    {%- for pattern, _ in _location_qualifier_patterns() %}
        when {{ re_matches(expr, pattern, case_insensitive=true) }} then trim({{ re_extract(expr, pattern, 1, case_insensitive=true) }})
    {%- endfor %}
        else {{ expr }}
    end
{%- endmacro %}

{% macro location_qualifier(expr) -%}
    case
    {%- for pattern, group in _location_qualifier_patterns() %}
        when {{ re_matches(expr, pattern, case_insensitive=true) }} then trim({{ re_extract(expr, pattern, group, case_insensitive=true) }})
    {%- endfor %}
    end
{%- endmacro %}

{#- The words that say what kind of region a qualifier names, romanised (a word one edit away
    counts: "Oblst", "Raoin"), and the countries a place is qualified with. A qualifier's level
    is what its name is compared at: a raion with raions and with "near X" (a village near a
    town is in the town's raion), an oblast with oblasts, a country with countries; a bare name
    ("Balaklava, Crimea") is a region. -#}
{% macro _qualifier_vocabulary() -%}
    {{ return({
        'raion': ['raion', 'raionu', 'raiona', 'rayon', 'district', 'rn'],
        'region': ['oblast', 'oblasti', 'region', 'province', 'krai', 'kraiu', 'kraia', 'obl'],
        'near': ['near', 'bilia', 'poblyzu', 'pod', 'vozle', 'okolo', 'bliz'],
        'country': ['ukraine', 'ukraina', 'ukrainy', 'ukraini', 'russia', 'rossiia', 'rosiia',
            'rossii', 'rosii', 'belarus', 'moldova', 'poland', 'georgia'],
    }) }}
{%- endmacro %}

{#- The word `w` (a lambda parameter) is one of `vocabulary`, or one edit from one of its words
    of five letters or more ("Oblst", "Raoin"). -#}
{% macro _is_vocabulary_word(w, vocabulary) -%}
    ({{ list_has(text_list(vocabulary), w) }}
        or (length({{ w }}) >= 5 and {{ list_size(list_keep(text_list(vocabulary), 'v',
            'length(v) >= 5 and ' ~ at_most_one_edit(w, 'v'))) }} > 0))
{%- endmacro %}

{#- `words_expr` (a list of a qualifier's words) has a word of `vocabulary`. -#}
{% macro _has_word(words_expr, vocabulary) -%}
    {{ list_size(list_keep(words_expr, 'w', _is_vocabulary_word('w', vocabulary))) }} > 0
{%- endmacro %}

{% macro qualifier_level(words_expr) -%}
    {%- set vocabulary = _qualifier_vocabulary() -%}
    case
        when {{ _has_word(words_expr, vocabulary['raion'] + vocabulary['near']) }} then 'raion'
        when {{ _has_word(words_expr, vocabulary['region']) }} then 'region'
        when {{ _has_word(words_expr, vocabulary['country']) }} then 'country'
        else 'region'
    end
{%- endmacro %}

{#- The name in a qualifier: its words without the level words (as folded, not romanised). -#}
{% macro qualifier_name(words_expr) -%}
    {%- set vocabulary = _qualifier_vocabulary() -%}
    {{ join_texts(list_keep(words_expr, 'w', 'not ' ~ _is_vocabulary_word(
        'w', vocabulary['raion'] + vocabulary['region'] + vocabulary['near'])), ' ') }}
{%- endmacro %}

{#- The stem of a qualifier's name: its adjective ending (-ської, -ского, -ська, -ський) and a
    city's -sk dropped before romanising (Бахмутського/Bakhmut → bahmut, Донецької/Donetska/
    Donetsk → donet), and final vowels (Poltava/Полтавської → poltav, Sumy/Сумської → sum). -#}
{% macro qualifier_stem(name_expr) -%}
    {%- set unsuffixed = re_replace_first(re_replace_first(name_expr, 's?k' ~ _adjective_ending() ~ '?$', ''), '[aeiou]+$', '') -%}
    {{ re_replace_first(romanised_key(unsuffixed), '[aeiou]+$', '') }}
{%- endmacro %}

{#- A qualifier's name for typos: as folded, not romanised (Donetks stays one edit from
    Donetsk), an adjective's ending after its k dropped (Донецької → donetsk). -#}
{% macro qualifier_key(name_expr) -%}
    {{ re_replace_first(name_expr, 'k' ~ _adjective_ending() ~ '$', 'k') }}
{%- endmacro %}

{#- The endings of Ukrainian and Russian adjectives of places, folded (-а, -ая, -ої/-ой, -ого,
    -ий/-ій, -е, -ому …). -#}
{% macro _adjective_ending() -%}
    {{ return('(a|aia|oi|oho|oie|ii|iy|ij|yi|yy|i|e|oe|omu)') }}
{%- endmacro %}

{#- Two qualifiers of the same level name the same region: equal stems, one stem the start of
    the other (sum/sumi), or stems or names one edit apart (Dnepropetrovsk/Dnipropetrovsk,
    Donetks/Donetsk). -#}
{#- `a` and `b` are relations with qualifier_stem and qualifier_key columns. -#}
{% macro qualifiers_agree(a, b) -%}
    {%- set a_key, b_key = a ~ '.qualifier_key', b ~ '.qualifier_key' -%}
    ({{ _stems_agree(a ~ '.qualifier_stem', b ~ '.qualifier_stem') }}
        or (least(length({{ a_key }}), length({{ b_key }})) >= 5 and damerau_levenshtein({{ a_key }}, {{ b_key }}) <= 1))
{%- endmacro %}

{#- Two region stems name the same region: equal, one the start of the other, or one edit
    apart. -#}
{% macro _stems_agree(a_stem, b_stem) -%}
    ({{ a_stem }} = {{ b_stem }}
        or (least(length({{ a_stem }}), length({{ b_stem }})) >= 3
            and ({{ text_starts_with(a_stem, b_stem) }} or {{ text_starts_with(b_stem, a_stem) }}))
        or (least(length({{ a_stem }}), length({{ b_stem }})) >= 5 and damerau_levenshtein({{ a_stem }}, {{ b_stem }}) <= 1))
{%- endmacro %}

{#- `a` qualified by a raion whose oblast is known (seed raion_oblasts), `b` by an oblast, or
    the other way round: whether they put the place in the same oblast (null when a side's
    oblast is not known). `a` and `b` have qualifier_level and qualifier_region_stem columns. -#}
{% macro _regions_agree(a, b) -%}
    ({{ a }}.qualifier_level <> {{ b }}.qualifier_level
        and {{ _stems_agree(a ~ '.qualifier_region_stem', b ~ '.qualifier_region_stem') }})
{%- endmacro %}

{% macro regions_agree(a, b) -%}
    coalesce({{ _regions_agree(a, b) }}, false)
{%- endmacro %}

{#- A raion and an oblast (or two raions' oblasts) that put the place in different oblasts. -#}
{% macro regions_clash(a, b) -%}
    coalesce({{ a }}.qualifier_level <> {{ b }}.qualifier_level and not {{ _regions_agree(a, b) }}, false)
{%- endmacro %}

{#- `a` and `b` are qualified at one level and name different regions of it (false when either
    has no qualifier). -#}
{% macro qualifiers_clash(a, b) -%}
    coalesce({{ a }}.qualifier_level = {{ b }}.qualifier_level and not {{ qualifiers_agree(a, b) }}, false)
{%- endmacro %}

{#- Whether the texts `a` and `b` are at most one edit apart (an insertion, deletion,
    substitution or swap of two neighbours: damerau_levenshtein(a, b) <= 1). Spark cannot call a
    Python function inside a lambda, and names meet their vocabulary's words in lambdas: there,
    the same test is spelled out over the positions. -#}
{% macro at_most_one_edit(a, b) -%}
    {{ return(adapter.dispatch('at_most_one_edit', 'event_warehouse')(a, b)) }}
{%- endmacro %}

{% macro duckdb__at_most_one_edit(a, b) -%}
    (damerau_levenshtein({{ a }}, {{ b }}) <= 1)
{%- endmacro %}

{% macro spark__at_most_one_edit(a, b) -%}
    ({{ a }} = {{ b }} or (abs(length({{ a }}) - length({{ b }})) <= 1
        and exists(sequence(1, greatest(length({{ a }}), length({{ b }}), 1)), edit_at ->
            (length({{ a }}) = length({{ b }}) and substr({{ a }}, 1, edit_at - 1) = substr({{ b }}, 1, edit_at - 1)
                and substr({{ a }}, edit_at + 1) = substr({{ b }}, edit_at + 1))
            or (length({{ a }}) = length({{ b }}) + 1
                and concat(substr({{ a }}, 1, edit_at - 1), substr({{ a }}, edit_at + 1)) = {{ b }})
            or (length({{ b }}) = length({{ a }}) + 1
                and concat(substr({{ b }}, 1, edit_at - 1), substr({{ b }}, edit_at + 1)) = {{ a }})
            or (length({{ a }}) = length({{ b }}) and edit_at < length({{ a }})
                and substr({{ a }}, 1, edit_at - 1) = substr({{ b }}, 1, edit_at - 1)
                and substr({{ a }}, edit_at, 1) = substr({{ b }}, edit_at + 1, 1)
                and substr({{ a }}, edit_at + 1, 1) = substr({{ b }}, edit_at, 1)
                and substr({{ a }}, edit_at + 2) = substr({{ b }}, edit_at + 2)))))
{%- endmacro %}

{#- Exactly one edit apart (damerau_levenshtein(a, b) = 1). -#}
{% macro one_edit_apart(a, b) -%}
    ({{ at_most_one_edit(a, b) }} and {{ a }} <> {{ b }})
{%- endmacro %}
