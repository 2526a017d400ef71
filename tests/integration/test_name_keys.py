"""The name normalisers (dbt macros in macros/name_keys.sql), run through dbt against DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import dbt

pytestmark = pytest.mark.integration

OUTLETS = [
    "The Kyiv Independent",
    "Kyiv Independent",
    "kyivindependent.com",
    "https://www.kyivindependent.com/news",
    "Censor.NET",
    "censor.net",
    "BBC",
    "bbc.co.uk",
    "Ukrainska Pravda",
    "Ekonomichna Pravda",
]
ENTITIES = [
    ("Izium", "location"),
    ("Izyum", "location"),
    ("Kupiansk", "location"),
    ("Kupyansk", "location"),
    ("Koupiansk", "location"),
    ("Balakliia", "location"),
    ("Balakliya", "location"),
    ("Kharkiv", "location"),
    ("Kharkiv Oblast", "location"),
    ("Volodymyr Zelenskyy", "person"),
    ("Volodymyr Zelensky", "person"),
    ("Ministry of Defence", "organization"),
    ("Ministry of Defense", "organization"),
    ("1st Guards Tank Army", "military_unit"),
    ("2nd Guards Tank Army", "military_unit"),
    ("Russian forces", "military_unit"),
    ("Ukrainian forces", "military_unit"),
    ("Shahed-136", "weapon_system"),
    ("Shahed 136", "weapon_system"),
    ("Kharkiv", "location"),
    ("Kharkiv city", "location"),
    ("Kharkov", "location"),
    ("Charkiw", "location"),
    ("Kharkiv Oblast", "location"),
    ("Kharkiv region", "location"),
    ("Sievierodonetsk", "location"),
    ("Severodonetsk", "location"),
    ("Sjewjerodonezk", "location"),
    ("Dnipro River", "location"),
    ("river Dnipro", "location"),
    ("Gen. Valery Gerasimov", "person"),
    ("Valery Gerasimov", "person"),
    ("Maria Zakharova, Foreign Ministry spokeswoman", "person"),
    ("Maria Zakharova", "person"),
    ("Vladimir Vladimirovich Putin", "person"),
    ("Vladimir Putin", "person"),
    ("President Vladimir Putin", "person"),
    ("Russia's defence ministry", "organization"),
    ("Russian Ministry of Defence", "organization"),
    ("Ministry of Defence of the Russian Federation", "organization"),
    ("Russian MoD", "organization"),
    ("U.N.", "organization"),
    ("UN", "organization"),
    ("1st Guards Tank Army", "military_unit"),
    ("First Guards Tank Army", "military_unit"),
    ("1st GTA", "military_unit"),
    ("1 GTA", "military_unit"),
    ("47th Separate Mechanized Brigade", "military_unit"),
    ("47 OMBr", "military_unit"),
    ("47th Mech Brigade", "military_unit"),
    ("Freedom of Russia Legion", "military_unit"),
    ("Legion Freedom of Russia", "military_unit"),
    ("S-300", "weapon_system"),
    ("S300", "weapon_system"),
    ("S 300", "weapon_system"),
    ("S-300 air defence system", "weapon_system"),
    ("Kh-101", "weapon_system"),
    ("X-101", "weapon_system"),
    ("Ch-101", "weapon_system"),
    ("Kh 101", "weapon_system"),
    ("Leopard 2A4", "weapon_system"),
    ("Leopard 2 A4", "weapon_system"),
    ("Leo 2A4", "weapon_system"),
    ("Leopard 2A4 tank", "weapon_system"),
    ("Pokrovsk", "location"),
    ("Pokrovske", "location"),
    ("Torez", "location"),
    ("Toretsk", "location"),
    ("S-400", "weapon_system"),
    ("Iskander-M", "weapon_system"),
    ("Iskander-K", "weapon_system"),
    ("Leopard 2A6", "weapon_system"),
    ("Ukraine's defence ministry", "organization"),
    ("47-ма окрема механізована бригада", "military_unit"),
    ("47-я отдельная механизированная бригада", "military_unit"),
    ("47 ОМБр", "military_unit"),
    ('47th Separate Mechanized Brigade "Magura"', "military_unit"),
    ("47th Mech Bde", "military_unit"),
    ("144 гв. мсд", "military_unit"),
    ("144-я гвардейская мотострелковая дивизия", "military_unit"),
    ("144th MRD", "military_unit"),
    ("144th Guards Motor Rifle Division", "military_unit"),
    ("1 гв. ТА", "military_unit"),
    ("1GTA", "military_unit"),
    ("1-ша гвардійська танкова армія", "military_unit"),
    ("24th Separate Mechanized Brigade named after King Danylo", "military_unit"),
    ("24-та окрема механізована бригада імені короля Данила", "military_unit"),
    ("24th Separate Mechanized Brigade", "military_unit"),
    ("бригада «Азов»", "military_unit"),
    ("бригада «Хартія»", "military_unit"),
    ("46th Airmobile Brigade", "military_unit"),
    ("46th Airborne Brigade", "military_unit"),
    ("4th Guards Tank Division", "military_unit"),
    ("4 гв. тд", "military_unit"),
    ("4th Territorial Defense Brigade", "military_unit"),
    ("м. Бахмут", "location"),
    ("Бахмут", "location"),
    ("смт Гостомель", "location"),
    ("Гостомель", "location"),
    ("ЗРК IRIS-T SLM", "weapon_system"),
    ("IRIS-T SLM", "weapon_system"),
    ("IRIS-T SLS", "weapon_system"),
    ("ПТРК NLAW", "weapon_system"),
    ("NLAW", "weapon_system"),
    ("General Staff of the Armed Forces of Ukraine", "organization"),
    ("General Staff of the Armed Forces of the Russian Federation", "organization"),
    ("Сергей Лавров", "person"),
    ("глава МИД РФ Сергей Лавров", "person"),
    ("Andrii Hnatov", "person"),
    ("Chief of the General Staff Andrii Hnatov", "person"),
    ("Ministry of Defence of Ukraine", "organization"),
    ("Міністерство оборони України", "organization"),
    ("Министерство обороны Украины", "organization"),
    ("Міноборони України", "organization"),
    ("Генштаб ЗСУ", "organization"),
    ("United Nations Security Council", "organization"),
    ("Совет Безопасности ООН", "organization"),
    ("Рада безпеки Росії", "organization"),
    ("Головне управління розвідки", "organization"),
    ("Главное разведывательное управление", "organization"),
    ("128th Mountain Assault Brigade", "military_unit"),
    ("128-ма окрема гірсько-штурмова Закарпатська бригада", "military_unit"),
    ("1st Army Corps of the DPR", "military_unit"),
    ("1st Army Corps", "military_unit"),
    ("MiG-29", "weapon_system"),
    ("МиГ-29", "weapon_system"),
    ("Javelin", "weapon_system"),
    ("Джавелин", "weapon_system"),
    ("Dnipro River", "location"),
    ("річка Дніпро", "location"),
    ("Bakhmut Raion", "location"),
    ("Бахмутський район", "location"),
    ("79 ODShBr", "military_unit"),
    ("79-та ОДШБр", "military_unit"),
    ("79th Air Assault Brigade", "military_unit"),
    ("57th Motorized Brigade", "military_unit"),
    ("57 ОМПБр", "military_unit"),
    ("57th Mot Inf Bde", "military_unit"),
    ("57th Motorised Infantry Brigade", "military_unit"),
    ("20th Motorized Rifle Division", "military_unit"),
    ("20th Motorized Infantry Division", "military_unit"),
]


def _values(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in row) + ")" for row in rows)


def _dbt_show(sql: str, scratch: Path) -> list[dict]:
    """The rows of `sql` (macros allowed), run by `dbt show` against a scratch DuckDB file."""
    out = dbt(
        ["show", "--inline", sql, "--limit", "1000", "--output", "json", "--log-format", "json"],
        db=scratch / "keys.duckdb",
        scratch=scratch,
    )
    assert out.returncode == 0, out.stdout[-2000:]
    for line in out.stdout.splitlines():
        event = json.loads(line)
        preview = event.get("data", {}).get("preview")
        if preview:
            return json.loads(preview) if isinstance(preview, str) else preview
    raise AssertionError(f"no preview in dbt output: {out.stdout[-2000:]}")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """(name, kind) → key, computed by the real macros in one `dbt show`."""
    sql = (
        "select name, 'outlet' as kind, {{ outlet_key('name') }} as key from (values "
        + _values([(o,) for o in OUTLETS])
        + ") as t(name) union all select name, entity_type, {{ entity_match_key('name', 'entity_type') }} "
        "from (values " + _values(ENTITIES) + ") as e(name, entity_type)"
    )
    rows = _dbt_show(sql, tmp_path_factory.mktemp("keys"))
    return {(r["name"], r["kind"]): r["key"] for r in rows}


def _sql_text(text: str) -> str:
    """`text` as a SQL expression, control characters as chr(n) (dbt show takes one line)."""
    parts = [f"chr({ord(c)})" if c < " " else "'" + c.replace("'", "''") + "'" for c in text]
    return " || ".join(parts) or "''"


RULE_LISTS = [
    "location_rules()",
    "person_rules()",
    "unit_rules()",
    "organization_words() + organization_rules()",
    "weapon_rules()",
]


@pytest.mark.parametrize("rules", RULE_LISTS)
def test_rewrite_equals_its_chain_of_replacements(tmp_path: Path, rules: str) -> None:
    """rewrite() skips a long rule chain when no pattern matches: the same text as running
    every replacement, on every test name's base key."""
    chain = (
        "{% set ns = namespace(k='b') %}{% for p, r in " + rules + " %}"
        '{% set ns.k = "regexp_replace(" ~ ns.k ~ ", \'" ~ p ~ "\', \'" ~ r ~ "\', \'g\')" %}{% endfor %}'
    )
    sql = (
        chain + "select b, {{ rewrite('b', " + rules + ") }} as fast, {{ ns.k }} as slow from "
        "(select {{ entity_base_key('name') }} as b from (values "
        + _values([(n,) for n, _ in ENTITIES])
        + ") as t(name))"
    )
    rows = _dbt_show(sql, tmp_path)
    assert len(rows) == len(ENTITIES)
    assert any(r["fast"] != r["b"] for r in rows), "no rule applied: the comparison proves nothing"
    assert [r["fast"] for r in rows] == [r["slow"] for r in rows]


def test_collapsed_text_equals_the_regular_expression_it_shortcuts(tmp_path: Path) -> None:
    """collapsed_text runs `regexp_replace(x, '\\s+', ' ', 'g')` only on texts it would change."""
    texts = [
        "plain text",
        "two  spaces",
        "tab\there",
        "new\nline",
        "cr\r\nlf",
        "form\ffeed",
        " edge ",
        "  ",
        "",
        "a \t b",
        "\tleading tab",
        "trailing\n",
        "no-space",
    ]
    values = ", ".join(f"({number}, {_sql_text(text)})" for number, text in enumerate(texts))
    sql = (
        "select n, t, {{ collapsed_text('t') }} as fast, "
        "regexp_replace(nullif(trim(t), ''), '\\s+', ' ', 'g') as slow "
        f"from (values {values}) as v(n, t) order by n"
    )
    rows = _dbt_show(sql, tmp_path)
    assert [r["t"] for r in rows] == texts
    assert [r["fast"] for r in rows] == [r["slow"] for r in rows]
    assert sum(r["fast"] != r["t"] for r in rows) >= 8  # the texts do exercise the slow path


@pytest.mark.parametrize(
    "same",
    [
        ["The Kyiv Independent", "Kyiv Independent", "kyivindependent.com", "https://www.kyivindependent.com/news"],
        ["Censor.NET", "censor.net"],
        ["BBC", "bbc.co.uk"],
    ],
)
def test_outlet_spellings_share_a_key(keys, same) -> None:
    assert len({keys[(name, "outlet")] for name in same}) == 1


def test_different_outlets_keep_different_keys(keys) -> None:
    assert keys[("Ukrainska Pravda", "outlet")] != keys[("Ekonomichna Pravda", "outlet")]


@pytest.mark.parametrize(
    ("kind", "same"),
    [
        ("location", ["Izium", "Izyum"]),
        ("military_unit", ["79 ODShBr", "79-та ОДШБр", "79th Air Assault Brigade"]),
        (
            "military_unit",
            ["57th Motorized Brigade", "57 ОМПБр", "57th Mot Inf Bde", "57th Motorised Infantry Brigade"],
        ),
        ("location", ["Kupiansk", "Kupyansk", "Koupiansk"]),
        ("location", ["Balakliia", "Balakliya"]),
        ("person", ["Volodymyr Zelenskyy", "Volodymyr Zelensky"]),
        ("organization", ["Ministry of Defence", "Ministry of Defense"]),
        ("weapon_system", ["Shahed-136", "Shahed 136"]),
        ("location", ["Kharkiv", "Kharkiv city", "Kharkov", "Charkiw"]),
        ("location", ["Kharkiv Oblast", "Kharkiv region"]),
        ("location", ["Sievierodonetsk", "Severodonetsk", "Sjewjerodonezk"]),
        ("location", ["Dnipro River", "river Dnipro"]),
        ("person", ["Gen. Valery Gerasimov", "Valery Gerasimov"]),
        ("person", ["Maria Zakharova, Foreign Ministry spokeswoman", "Maria Zakharova"]),
        ("person", ["Vladimir Vladimirovich Putin", "Vladimir Putin", "President Vladimir Putin"]),
        (
            "organization",
            [
                "Russia's defence ministry",
                "Russian Ministry of Defence",
                "Ministry of Defence of the Russian Federation",
                "Russian MoD",
            ],
        ),
        ("organization", ["U.N.", "UN"]),
        ("military_unit", ["1st Guards Tank Army", "First Guards Tank Army", "1st GTA", "1 GTA"]),
        ("military_unit", ["47th Separate Mechanized Brigade", "47 OMBr", "47th Mech Brigade"]),
        ("military_unit", ["Freedom of Russia Legion", "Legion Freedom of Russia"]),
        ("weapon_system", ["S-300", "S300", "S 300", "S-300 air defence system"]),
        ("weapon_system", ["Kh-101", "X-101", "Ch-101", "Kh 101"]),
        ("weapon_system", ["Leopard 2A4", "Leopard 2 A4", "Leo 2A4", "Leopard 2A4 tank"]),
        # unit designations in both scripts, abbreviated, and with their honorific
        (
            "military_unit",
            [
                "47th Separate Mechanized Brigade",
                "47-ма окрема механізована бригада",
                "47-я отдельная механизированная бригада",
                "47 ОМБр",
                '47th Separate Mechanized Brigade "Magura"',
                "47th Mech Bde",
            ],
        ),
        (
            "military_unit",
            [
                "144 гв. мсд",
                "144-я гвардейская мотострелковая дивизия",
                "144th MRD",
                "144th Guards Motor Rifle Division",
            ],
        ),
        ("military_unit", ["1st Guards Tank Army", "1 гв. ТА", "1GTA", "1-ша гвардійська танкова армія"]),
        (
            "military_unit",
            [
                "24th Separate Mechanized Brigade",
                "24th Separate Mechanized Brigade named after King Danylo",
                "24-та окрема механізована бригада імені короля Данила",
            ],
        ),
        ("military_unit", ["4th Guards Tank Division", "4 гв. тд"]),
        # Cyrillic prefixes of places and descriptors of weapons
        ("location", ["Бахмут", "м. Бахмут"]),
        ("location", ["Гостомель", "смт Гостомель"]),
        ("weapon_system", ["IRIS-T SLM", "ЗРК IRIS-T SLM"]),
        ("weapon_system", ["NLAW", "ПТРК NLAW"]),
        # titles in both scripts; organisations' Ukrainian and Russian words; a unit's honorific
        # without quotes; a weapon's Cyrillic the English way; Cyrillic rivers and raions
        ("person", ["Сергей Лавров", "глава МИД РФ Сергей Лавров"]),
        ("person", ["Andrii Hnatov", "Chief of the General Staff Andrii Hnatov"]),
        (
            "organization",
            [
                "Ministry of Defence of Ukraine",
                "Міністерство оборони України",
                "Министерство обороны Украины",
                "Міноборони України",
            ],
        ),
        ("organization", ["General Staff of the Armed Forces of Ukraine", "Генштаб ЗСУ"]),
        ("organization", ["United Nations Security Council", "Совет Безопасности ООН"]),
        ("military_unit", ["128th Mountain Assault Brigade", "128-ма окрема гірсько-штурмова Закарпатська бригада"]),
        ("weapon_system", ["MiG-29", "МиГ-29"]),
        ("weapon_system", ["Javelin", "Джавелин"]),
        ("location", ["Dnipro River", "річка Дніпро"]),
        ("location", ["Bakhmut Raion", "Бахмутський район"]),
    ],
)
def test_transliterations_share_a_key(keys, kind, same) -> None:
    assert len({keys[(name, kind)] for name in same}) == 1


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("location", "Kharkiv", "Kharkiv Oblast"),
        ("military_unit", "1st Guards Tank Army", "2nd Guards Tank Army"),
        ("military_unit", "20th Motorized Rifle Division", "20th Motorized Infantry Division"),
        ("military_unit", "Russian forces", "Ukrainian forces"),
        ("location", "Pokrovsk", "Pokrovske"),
        ("location", "Torez", "Toretsk"),
        ("location", "Kharkiv", "Kharkiv region"),
        ("weapon_system", "S-300", "S-400"),
        ("weapon_system", "Iskander-M", "Iskander-K"),
        ("weapon_system", "Leopard 2A4", "Leopard 2A6"),
        ("organization", "Russia's defence ministry", "Ukraine's defence ministry"),
        # a unit named only by its honorific keeps it; numbers and types still tell units apart
        ("military_unit", "бригада «Азов»", "бригада «Хартія»"),
        ("military_unit", "46th Airmobile Brigade", "46th Airborne Brigade"),
        ("military_unit", "4 гв. тд", "4th Territorial Defense Brigade"),
        ("weapon_system", "ЗРК IRIS-T SLM", "IRIS-T SLS"),
        # Ukraine's military intelligence and Russia's, the same words in another order
        ("organization", "Головне управління розвідки", "Главное разведывательное управление"),
        ("organization", "Рада безпеки Росії", "Совет Безопасности ООН"),
        # a unit's country stays when its honorifics go
        ("military_unit", "1st Army Corps of the DPR", "1st Army Corps"),
        (
            "organization",
            "General Staff of the Armed Forces of Ukraine",
            "General Staff of the Armed Forces of the Russian Federation",
        ),
    ],
)
def test_distinct_things_keep_distinct_keys(keys, kind, a, b) -> None:
    assert keys[(a, kind)] != keys[(b, kind)]
