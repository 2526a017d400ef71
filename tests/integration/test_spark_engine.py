"""The Spark engine, as far as it is ported (docs/scale-out.md): a session in local[2] reads the
raw zone that landing wrote, and the ported dbt models build on it exactly the rows they build on
DuckDB. One Spark session serves the whole module (a process has one)."""

from __future__ import annotations

import csv
import math
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import duckdb
import pytest

from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from orchestration.landing.raw_zone import KEYS, TABLE_COLUMNS
from orchestration.landing.warehouse_schema import ensure_raw_schema
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transform.dbt_in_process import stream_dbt
from tests.conftest import make_event, write_jsonl
from tests.integration.conftest import dbt, settings_for
from tools.entity_eval import label_records, load_labels

pytestmark = pytest.mark.integration

# The schemas dbt builds (seeds and models): every relation in them is compared.
SCHEMAS = ("seeds", "staging", "intermediate", "marts")


# Records that load (their required fields are fine) but whose other parts each engine could read
# differently: items that are not objects, texts that are numbers or objects, whitespace runs
# (the vertical tab is whitespace to Java's \\s, not to RE2's), quotes, backslashes, Cyrillic.
HOSTILE = [
    make_event(
        "h1",
        [("Reuters", "certain")],
        entities=[("Kharkiv", "location")],
        headline="Two  spaces,\ta tab,\u000b a vertical tab and\r\n a new line in Kharkiv",
    )
    | {"entities": [{"name": "Kharkiv", "type": 5}, "a string item", 7, None, {"name": {"nested": [1, 2]}}]},
    make_event("h2", [("AP", "likely")])
    | {
        "source_reports": [
            {"outlet": "AP", "tone": "likely", "claim": "It's a \"claim\" with \\ and ''"},
            '{"outlet": "x"}',
        ]
    },
    make_event("h3", [("Укрінформ", "certain")], entities=[("Слов'янськ", "location"), ("80-та ОДШБр", "unit")])
    | {"sources": ["Укрінформ", {"not": "a string"}, 3.5, None], "category": " Shelling\u000b\u000bstrike "},
    make_event("h4", [("BBC", "unclear")]) | {"location": {"name": "Kupiansk", "region": 12}},
]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Four files landed as the pipeline lands them: clean records, a broken line (a quarantine
    row), the hostile records and the first half of the labelled entity mentions (the second
    half arrives with the incremental build, so that the registry meets known spellings)."""
    settings = replace(settings_for(tmp_path_factory.mktemp("spark")), engine="spark")
    write_jsonl(settings.landing_dir / "a.jsonl", [make_event(f"a{i}", [("Reuters", "certain")]) for i in range(3)])
    write_jsonl(settings.landing_dir / "b.jsonl", [make_event("b1", [("AP", "likely")]), "{broken"])
    write_jsonl(settings.landing_dir / "c.jsonl", HOSTILE)
    write_jsonl(settings.landing_dir / "labelled.jsonl", labelled_records(first_half=True))
    settings.warehouse_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.working_db)) as con:
        ensure_raw_schema(con)
        results = load_files(
            con,
            discover(settings.landing_dir),
            raw_dir=settings.raw_dir,
            load_id="spark-test",
            loaded_at=datetime(2026, 6, 1, tzinfo=UTC),
            settle_ns=0,
        )
    assert sum(result.rows_quarantined for result in results) == 1  # the hostile records all load
    return settings


def labelled_records(*, first_half: bool) -> list[dict[str, object] | str]:
    """Records naming half of the labelled mentions (tests/fixtures/entity_eval): spellings the
    resolver's every layer meets, from key matches to fuzzy ones and their look-alikes."""
    labels = load_labels()
    half = labels.height // 2
    if first_half:
        return list(label_records(labels.head(half)))
    return list(label_records(labels.tail(labels.height - half), first_number=50_000))


def require_java() -> None:
    """Spark needs a JVM (pyspark brings Spark, not Java): skipped without one, failed under
    REQUIRE_SERVICES=1 (CI), as the other services' tests are."""
    if shutil.which("java"):
        return
    reason = "java is missing: apt-get install openjdk-17-jre-headless"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark(landed: Settings) -> Iterator[object]:
    from orchestration.spark_engine import prepare_session

    require_java()

    session = prepare_session(landed)
    yield session
    session.stop()


def plain(value: object) -> object:
    """A value as Python's plain types: Spark's structs (Rows) and DuckDB's (dicts) as dicts."""
    from pyspark.sql import Row

    if isinstance(value, Row):
        return {key: plain(item) for key, item in value.asDict().items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def duckdb_rows(db: Path, sql: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(repr(plain(row)) for row in con.execute(sql).fetchall())


def spark_rows(session: object, sql: str) -> list[str]:
    return sorted(repr(plain(tuple(row))) for row in session.sql(sql).collect())  # type: ignore[attr-defined]


def test_spark_reads_the_raw_zone_as_the_warehouse_holds_it(landed: Settings, spark: object) -> None:
    """Every raw table, row for row (the load's keys from the folder names; loaded_at is compared
    through the staging models, which make it a UTC timestamp on both engines)."""
    for table, columns in TABLE_COLUMNS.items():
        names = ", ".join(name for name, _ in (*columns, KEYS[1]) if name != "loaded_at")
        in_duckdb = duckdb_rows(landed.working_db, f"select {names} from raw.{table}")
        assert in_duckdb, table
        assert spark_rows(spark, f"select {names} from raw.{table}") == in_duckdb, table


def land(settings: Settings, name: str, records: list[dict[str, object] | str]) -> None:
    """Land one more file into the warehouse, as a run's landing does."""
    write_jsonl(settings.landing_dir / name, records)
    with duckdb.connect(str(settings.working_db)) as con:
        load_files(
            con,
            discover(settings.landing_dir),
            raw_dir=settings.raw_dir,
            load_id=name,
            loaded_at=datetime(2026, 6, 2, tzinfo=UTC),
            settle_ns=0,
        )


def build_on_both(settings: Settings, scratch: Path, *args: str) -> None:
    """`dbt <args>` on DuckDB (a subprocess, as a bare dbt call) and on Spark (in this process,
    on its session, with the raw zone's loads listed again)."""
    from orchestration.spark_engine import prepare_session

    done = dbt(list(args), db=settings.working_db, scratch=scratch / "duckdb")
    assert done.returncode == 0, done.stdout[-3000:]
    prepare_session(settings)
    with mock.patch.dict(os.environ, {"WAREHOUSE_ENGINE": "spark", "DBT_THREADS": "1"}):
        list(stream_dbt(list(args), project_dir=DBT_PROJECT_DIR, target_path=scratch / "spark"))


def test_every_model_builds_the_same_rows_on_both_engines(landed: Settings, spark: object, tmp_path: Path) -> None:
    """A first build, then an incremental one after a new load (a re-extraction of an event, a
    new one and the second half of the labelled mentions: the replace strategies delete and
    insert, the registry meets known spellings), on both engines; every seed and model holds the
    same rows on both after each, ids and scores included."""
    build_on_both(landed, tmp_path / "first", "seed")
    build_on_both(landed, tmp_path / "first", "run")
    land(
        landed,
        "d.jsonl",
        [
            make_event("a1", [("Reuters", "certain"), ("AP", "likely")], extracted_at="2026-05-31T09:00:00.000Z"),
            make_event("d1", [("BBC", "unclear")], story="9000002"),
            *labelled_records(first_half=False),
        ],
    )
    build_on_both(landed, tmp_path / "second", "run")
    with duckdb.connect(str(landed.working_db), read_only=True) as con:
        relations = [
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables where table_schema in ? order by all",
                [list(SCHEMAS)],
            ).fetchall()
        ]
    assert len(relations) > 40  # every seed and model
    # Spark holds no more tables: no registry stage and no table's next version was left behind
    # (dbt-spark's session-scoped temporary views, listed in every schema, are not tables)
    in_spark = {
        f"{schema}.{row.tableName}"  # type: ignore[attr-defined]
        for schema in SCHEMAS
        for row in spark.sql(f"show tables in {schema}").collect()  # type: ignore[attr-defined]
        if not row.isTemporary  # type: ignore[attr-defined]
    }
    assert in_spark == set(relations)
    for relation in relations:
        assert spark_rows(spark, f"select * from {relation}") == duckdb_rows(
            landed.working_db, f"select * from {relation}"
        ), relation
    # the incremental run replaced the re-extracted event's rows: two versions of a1 now
    assert duckdb_rows(
        landed.working_db, "select count(*) from intermediate.int_event_records_ranked where event_id = 'a1'"
    ) == ["[2]"]


# Texts on which RE2 (DuckDB) and Java (Spark) disagree unless macros/regex.sql translates: a
# word boundary next to an accented letter, a vertical tab, a final new line before `$`,
# case-insensitive Cyrillic, a first-only replacement, group references, a quote in a pattern.
REGEX_TEXTS = [
    "kyiv", "Kyiv city", "ékyiv", "kyivé", "a\u000bb  c\td", "kyiv\n", "ІМЕНІ Шевченка", "імені",
    "hello world", "mississippi", "it's o’clock", "a\nb", "axb", "", None, "x$y", "Київ kyiv Kyiv",
    "word1 word2", "ab\rcd", "named after kyiv",
]  # fmt: skip
REGEX_EXPRESSIONS = """
    {{ re_replace_all('t', '\\\\bkyiv\\\\b', 'K') }},
    {{ re_replace_all('t', '\\\\s+', '_') }},
    {{ re_matches('t', 'v$') }},
    {{ re_matches('t', 'імені', case_insensitive=true) }},
    {{ re_replace_all('t', '^(\\\\w+) (\\\\w+)$', '\\\\2 \\\\1') }},
    {{ re_replace_first('t', 'i', '[\\\\0]') }},
    {{ re_full_match('t', '[a-z ]+') }},
    {{ re_extract('t', '(\\\\w+)$', 1) }},
    {{ re_extract_all('t', '[a-z]+', 0) }},
    {{ re_replace_all('t', "[''’]", '') }},
    {{ re_replace_all('t', 'a.b', 'X') }}
"""


@pytest.fixture(scope="module")
def compile_targets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt's target folders for the inline compilations, one per engine, kept for the module:
    the second compilation on an engine reuses the first one's parse (a full parse each time
    cost several seconds)."""
    return tmp_path_factory.mktemp("compile")


def compiled(sql: str, engine: str, targets: Path) -> str:
    """`sql` (with the project's macros) compiled for `engine`'s adapter."""
    from dbt.cli.main import dbtRunner

    env = {"WAREHOUSE_ENGINE": engine, "WAREHOUSE_DB_PATH": ":memory:"}
    with mock.patch.dict(os.environ, env):
        project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        result = dbtRunner().invoke(
            ["compile", "--inline", sql, "--quiet", *project, "--target-path", str(targets / engine)]
        )
    assert result.success, result.exception
    return str(result.result.results[0].node.compiled_code)  # type: ignore[union-attr]


def assert_same_on_both(spark: object, targets: Path, folder: Path, columns: dict[str, list], expressions: str) -> None:
    """`expressions` (SQL with the project's macros over `columns`) give the same rows on both
    engines: the columns are written once as Parquet, the query compiled for each adapter."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = folder / "columns.parquet"
    pq.write_table(pa.table(columns), data)
    sql = f"select {', '.join(columns)}, {expressions} from __DATA__"
    in_duckdb = compiled(sql, "duckdb", targets).replace("__DATA__", f"read_parquet('{data}')")
    in_spark = compiled(sql, "spark", targets).replace("__DATA__", f"parquet.`{data}`")
    with duckdb.connect() as con:
        expected = sorted(repr(plain(row)) for row in con.execute(in_duckdb).fetchall())
    assert spark_rows(spark, in_spark) == expected


def test_regular_expressions_match_the_same_texts_on_both_engines(
    spark: object, compile_targets: Path, tmp_path: Path
) -> None:
    assert_same_on_both(spark, compile_targets, tmp_path, {"t": REGEX_TEXTS}, REGEX_EXPRESSIONS)


# Pairs around one edit: substitutions, insertions and deletions at either end, swaps of
# neighbours (Damerau), two edits, the empty text, non-Latin letters, null.
EDIT_PAIRS = [
    ("oblast", "oblast"), ("oblast", "oblst"), ("oblast", "obalst"), ("raion", "raoin"),
    ("guards", "gaurds"), ("guards", "gurads"), ("kyiv", "kiev"), ("kyiv", "kyivv"), ("kyiv", "ykiv"),
    ("ab", "ba"), ("abc", "cab"), ("a", ""), ("", ""), ("", "ab"), ("donetsk", "donetks"),
    ("донецьк", "донецк"), ("sumy", "sum"), ("x", None),
]  # fmt: skip


def test_one_edit_tests_agree_with_damerau_levenshtein_on_both_engines(
    spark: object, compile_targets: Path, tmp_path: Path
) -> None:
    """On Spark the resolver's one-edit tests are spelled out over the positions (a Python
    function cannot run in a lambda); on DuckDB they are damerau_levenshtein <= 1 and = 1. The
    registered Python functions give DuckDB's values, nulls included (a column of nulls reaches
    them as NaN)."""
    pairs = EDIT_PAIRS + [(b, a) for a, b in EDIT_PAIRS]
    assert_same_on_both(
        spark,
        compile_targets,
        tmp_path,
        {"l": [a for a, _ in pairs], "r": [b for _, b in pairs]},
        "{{ at_most_one_edit('l', 'r') }}, {{ one_edit_apart('l', 'r') }},"
        " damerau_levenshtein(l, r), jaro_winkler_similarity(l, r), damerau_levenshtein(r, {{ as_text('null') }})",
    )


def rounding_cases() -> list[float]:
    """Doubles to round to 4 places: confidence-like scores (one minus products of evidence
    weights), texts ending in 5 at the fifth decimal (0.97795 is 0.977949999… in binary),
    uniform values and negatives."""
    rng = random.Random(7)
    weights = [i / 100 for i in range(50, 100)] + [0.875, 0.125, 0.0625]
    scores = [1 - math.prod(1 - rng.choice(weights) for _ in range(rng.randint(1, 4))) for _ in range(20_000)]
    ties = [k / 100_000 + 0.000005 for k in range(0, 100_000, 7)]
    uniform = [rng.uniform(-1000, 1000) for _ in range(10_000)]
    return scores + ties + uniform + [0.72675, 0.97795, 0.00015, -0.97795, -0.5, 0.0, 0.5, 1.00005]


def test_rounding_gives_the_same_doubles_on_both_engines(spark: object, compile_targets: Path, tmp_path: Path) -> None:
    """round_places(x, 4) is DuckDB's round on DuckDB and an exact emulation on Spark, whose own
    round(x, 4) rounds hundreds of these values to another double."""
    assert_same_on_both(spark, compile_targets, tmp_path, {"x": rounding_cases()}, "{{ round_places('x', 4) }}")


def test_a_statements_top_level_ctes_are_found_past_quotes_and_comments(compile_targets: Path) -> None:
    """The stages' parser (macros/spark_stages.sql) splits at top-level CTEs only: parentheses
    in quoted texts (a backslash-escaped quote among them), comments and nested `x as (` do not
    count."""
    sql = (
        "-- a (comment\\nwith\\n\\nfirst as (select 'a)\\\\' b' as x /* ) */),\\n"
        "second as (select cast(x as (string)) from (select 1) as t(x)),\\n"
        "-- between\\nthird as (select * from second)\\nselect * from third"
    )
    macro = '{%- set parts = _top_level_ctes("' + sql + '") -%}'
    rendered = compiled(
        macro + "{{ parts.ctes | map('first') | join(',') }}|{{ parts.body }}|{{ parts.ctes[0][1] }}",
        "duckdb",
        compile_targets,
    )
    assert rendered == "first,second,third|select * from third|first as (select 'a)\\' b' as x /* ) */)"


def entity_spellings() -> list[tuple[str, str]]:
    """(spelling, type) of every labelled mention and seed alias: Latin, Cyrillic, units,
    organisations, weapons and places with their qualifiers."""
    folder = DBT_PROJECT_DIR.parent / "tests" / "fixtures" / "entity_eval"
    spellings = set()
    for labels in sorted(folder.glob("*_mentions.csv")):
        with open(labels, newline="", encoding="utf-8") as rows:
            spellings |= {(row["mention"], row["entity_type"]) for row in csv.DictReader(rows)}
    with open(DBT_PROJECT_DIR / "seeds" / "entity_aliases.csv", newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            spellings |= {(row["alias"], row["entity_type"]), (row["canonical_name"], row["entity_type"])}
    return sorted(spellings)


# Every name key the resolver computes, over a spelling `n` of type `ty`.
NAME_KEYS = """
    {{ entity_match_key('n', 'ty') }}, {{ entity_core_key('n', 'ty') }}, {{ outlet_key('n') }},
    {{ location_head('n') }}, {{ location_qualifier('n') }},
    {{ organization_initials('n') }}, {{ organization_initials('n', true) }}, {{ is_acronym_form('n') }},
    {{ unit_honorific_words(entity_base_key('n'), true) }}, {{ unit_honorific_words(entity_base_key('n'), false) }},
    {{ qualifier_stem(entity_base_key('n')) }}, {{ qualifier_key(entity_base_key('n')) }},
    {{ token_sorted(entity_base_key('n')) }}, {{ spelled_right(entity_base_key('n')) }}
"""


def test_name_keys_are_the_same_on_both_engines(spark: object, compile_targets: Path, tmp_path: Path) -> None:
    """The resolver's keys, romanisation and acronyms included, for every spelling of the
    labelled sets and the alias seed (about 4,000): equal on both engines, list order too."""
    spellings = entity_spellings()
    assert len(spellings) > 3000
    columns = {"n": [n for n, _ in spellings], "ty": [t for _, t in spellings]}
    assert_same_on_both(spark, compile_targets, tmp_path, columns, NAME_KEYS)


def test_a_second_warehouse_is_refused_by_the_process_session(spark: object, tmp_path: Path) -> None:
    """One process, one session, one catalog: a second warehouse would see the first's tables."""
    from orchestration.spark_engine import start_session

    with pytest.raises(RuntimeError, match="one warehouse per process on the Spark engine"):
        start_session(settings_for(tmp_path))
