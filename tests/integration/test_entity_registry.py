"""Stable entity ids (issue 5): a spelling keeps the entity id the registry gave it through new
spellings, full refreshes and new curated aliases; a merge or split decided later is a recorded
decision beside the registered id, never a silent re-key."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.incremental import CHANGED_SINCE_BATCH_ENV
from orchestration.settings import DBT_PROJECT_DIR, Settings
from tests.integration.conftest import dbt, run_pipeline, settings_for
from tools.entity_eval import label_records

pytestmark = pytest.mark.integration

FIRST = [
    ("Kupiansk", "location"),
    ("Kharkiv", "location"),
    ("Kharkiv Oblast", "location"),
    ("Valery Gerasimov", "person"),
    ("Kamianka", "location"),
    ("Stone Village", "location"),
    ("Russian Air Force", "organization"),
    ("Ukrainian Air Force", "organization"),
    ("IRIS-T SLM", "weapon_system"),
    ("ВКС РФ", "organization"),
    ("Toretsk, Donetsk Oblast", "location"),
    # long forms an acronym of the second batch spells: one of them, or two alike
    ("Центр протидії дезінформації", "organization"),
    ("Державне бюро розслідувань", "organization"),
    ("Державний банк розвитку", "organization"),
    ("Агентство стратегических инициатив России", "organization"),
    # places qualified by their oblast; the second batch names raions (seed raion_oblasts)
    ("Siversk, Donetsk Oblast", "location"),
    ("Andriivka, Donetsk Oblast", "location"),
    # a unit named after someone; the second batch names it by its honorific alone
    ("54th Separate Mechanized Brigade named after Hetman Ivan Mazepa", "military_unit"),
]
SECOND = [
    ("Kupyansk", "location"),
    ("Kupainsk", "location"),
    ("Gerasimov", "person"),
    ("Kharkivska oblast", "location"),
    ("Kharkiv city", "location"),
    ("Charkiw", "location"),
    ("Air Force", "organization"),
    # look-alikes of the first batch, one edit apart: never merged (guards), listed for review
    ("IRIS-T SLS", "weapon_system"),
    ("ВС РФ", "organization"),
    ("Torez, Donetsk Oblast", "location"),
    # a former name from seed entity_renamings (2016), never seen before
    ("Dymytrov", "location"),
    # acronyms: of one registered name (joins it), of two (review), of another country's (apart)
    ("ЦПД", "organization"),
    ("ДБР", "organization"),
    ("АСИ Украины", "organization"),
    ("Siversk, Bakhmut Raion", "location"),  # a raion of Donetsk Oblast: the same Siversk
    ("Andriivka, Bucha Raion", "location"),  # a raion of Kyiv Oblast: another Andriivka
    ("Ivan Mazepa Brigade", "military_unit"),  # the 54th
    ("Ivan Sirko Brigade", "military_unit"),  # another honorific: not the 54th
]


def _land(
    settings: Settings, name: str, mentions: list[tuple[str, str]], first_number: int, outlet: str = "Reuters"
) -> None:
    labels = pl.DataFrame(mentions, schema=["mention", "entity_type"], orient="row")
    with open(settings.landing_dir / name, "w", encoding="utf-8") as out:
        for record in label_records(labels, first_number=first_number):
            record["sources"] = [outlet]
            record["source_reports"][0]["outlet"] = outlet
            out.write(json.dumps(record) + "\n")


def _aliases(db: Path, table: str = "dim_entity_aliases") -> dict[str, tuple]:
    """alias → (entity_id, registered_entity_id, match_method, match_score, decision)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select alias, entity_id, registered_entity_id, match_method, match_score, decision "
            f"from {table} where entity_type in ('location', 'person')"
        ).fetchall()
    return {alias: tuple(rest) for alias, *rest in rows}


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict, dict]:
    """The aliases after a first batch, and after a second batch of new spellings."""
    settings = settings_for(tmp_path_factory.mktemp("registry"))
    _land(settings, "first.jsonl", FIRST, 1)
    assert run_pipeline(settings).published
    first = _aliases(settings.published_db)
    _land(settings, "second.jsonl", SECOND, 100, outlet="Reutres")  # a typo of a registered outlet
    assert run_pipeline(settings).published
    return settings, first, _aliases(settings.published_db)


def test_new_spellings_join_registered_entities_and_old_ids_stay(two_batches) -> None:
    _, first, second = two_batches
    for alias, (entity_id, *_rest) in first.items():
        assert second[alias][0] == entity_id, alias
    kupiansk, kharkiv_oblast, kharkiv = first["Kupiansk"][0], first["Kharkiv Oblast"][0], first["Kharkiv"][0]
    assert second["Kupyansk"][0] == kupiansk
    assert second["Charkiw"][0] == kharkiv and second["Charkiw"][2] == "transliteration"
    assert second["Kupainsk"][0] == kupiansk and second["Kupainsk"][2] == "fuzzy"
    assert 0.9 <= second["Kupainsk"][3] < 1
    assert second["Gerasimov"][0] == first["Valery Gerasimov"][0] and second["Gerasimov"][2] == "surname"
    assert second["Kharkivska oblast"][0] == kharkiv_oblast
    assert second["Kharkiv city"][0] == kharkiv != kharkiv_oblast


def test_an_ambiguous_spelling_is_left_apart_for_review(two_batches) -> None:
    """ "Air Force" alone could be Russia's or Ukraine's: it becomes its own entity and both
    candidates are listed for a person to decide, rather than merged wrongly."""
    settings, _, _ = two_batches
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        [(own, russian, ukrainian)] = con.execute(
            "select max(entity_id) filter (where alias = 'Air Force'), "
            "max(entity_id) filter (where alias = 'Russian Air Force'), "
            "max(entity_id) filter (where alias = 'Ukrainian Air Force') "
            "from dim_entity_aliases where entity_type = 'organization'"
        ).fetchall()
        review = con.execute(
            "select candidate_entity_id, reason from review_entity_matches "
            "where mention_name = 'Air Force' and entity_type = 'organization'"
        ).fetchall()
    assert len({own, russian, ukrainian}) == 3
    assert {entity for entity, _ in review} >= {russian, ukrainian}
    assert {reason for _, reason in review} == {"ambiguous"}


@pytest.mark.parametrize(
    ("registered", "look_alike", "reviewed"),
    [
        ("IRIS-T SLM", "IRIS-T SLS", True),
        ("ВКС РФ", "ВС РФ", False),  # too short to be a fuzzy candidate at all
        # each joins its own (curated) place through its qualifier: nothing left to review
        ("Toretsk, Donetsk Oblast", "Torez, Donetsk Oblast", False),
    ],
)
def test_a_look_alike_one_edit_away_is_never_merged(
    two_batches, registered: str, look_alike: str, reviewed: bool
) -> None:
    """A model code or an acronym differs by one letter (SLM / SLS, ВКС / ВС), or a place's name
    is the start of another's (Torez / Toretsk) with the same qualifier: another thing, which
    the guards keep apart and list for a person to see."""
    settings, _, _ = two_batches
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        ids = dict(con.execute("select alias, entity_id from dim_entity_aliases").fetchall())
        reasons = {
            reason
            for (reason,) in con.execute(
                "select reason from review_entity_matches where mention_name = ?", [look_alike]
            ).fetchall()
        }
    assert ids[look_alike] != ids[registered]
    assert ("guard_failed" in reasons) == reviewed


def _entity_ids(db: Path, entity_type: str) -> dict[str, str]:
    """alias → entity_id of one entity type, from the published file."""
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "select alias, entity_id from dim_entity_aliases where entity_type = ?"
        return dict(con.execute(sql, [entity_type]).fetchall())


def test_an_acronym_joins_the_one_name_it_spells_and_only_that(two_batches) -> None:
    """ЦПД spells Центр протидії дезінформації and joins it; ДБР spells two registered names
    (Державне бюро розслідувань, Державний банк розвитку) and goes to review with both; АСИ
    Украины spells the initials of a Russian agency, whose country it contradicts."""
    settings, _, _ = two_batches
    aliases = _entity_ids(settings.published_db, "organization")
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        review = con.execute(
            "select candidate_entity_id, reason from review_entity_matches "
            "where mention_name = 'ДБР' and entity_type = 'organization'"
        ).fetchall()
    assert aliases["ЦПД"] == aliases["Центр протидії дезінформації"]
    bureau, bank = aliases["Державне бюро розслідувань"], aliases["Державний банк розвитку"]
    assert aliases["ДБР"] not in {bureau, bank}
    assert {entity for entity, _ in review} == {bureau, bank}
    assert {reason for _, reason in review} == {"ambiguous"}
    assert aliases["АСИ Украины"] != aliases["Агентство стратегических инициатив России"]


def test_a_unit_named_by_its_honorific_joins_the_unit_named_after_it(two_batches) -> None:
    settings, _, _ = two_batches
    aliases = _entity_ids(settings.published_db, "military_unit")
    brigade = aliases["54th Separate Mechanized Brigade named after Hetman Ivan Mazepa"]
    assert aliases["Ivan Mazepa Brigade"] == brigade
    assert aliases["Ivan Sirko Brigade"] != brigade


def test_a_raion_agrees_with_its_oblast_and_clashes_with_another(two_batches) -> None:
    _, first, second = two_batches
    assert second["Siversk, Bakhmut Raion"][0] == first["Siversk, Donetsk Oblast"][0]
    assert second["Siversk, Bakhmut Raion"][2] == "qualifier" and second["Siversk, Bakhmut Raion"][3] == 0.97
    assert second["Andriivka, Bucha Raion"][0] != first["Andriivka, Donetsk Oblast"][0]


@pytest.mark.parametrize(
    ("qualified", "place"), [("Toretsk, Donetsk Oblast", "Toretsk"), ("Torez, Donetsk Oblast", "Torez")]
)
def test_a_qualified_place_joins_its_own_place_and_not_its_look_alike(two_batches, qualified: str, place: str) -> None:
    """A qualifier that agrees with (or adds to) a place's name joins that place (layer
    `qualifier`), one batch after the other, while Torez and Toretsk stay two places."""
    settings, _, _ = two_batches
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        found = dict(
            con.execute(
                "select alias, (entity_id, match_method) from dim_entity_aliases where entity_type = 'location'"
            ).fetchall()
        )
        canonical = dict(con.execute("select canonical_name, entity_id from dim_entities").fetchall())
    entity_id, method = found[qualified]
    assert entity_id == canonical[place]
    assert method == "qualifier"


def test_a_former_name_joins_the_renamed_place(two_batches) -> None:
    """A renaming with its source (seed entity_renamings) is an alias: Dymytrov is Myrnohrad."""
    settings, _, second = two_batches
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        [(myrnohrad,)] = con.execute(
            "select entity_id from dim_entities where canonical_name = 'Myrnohrad' and entity_type = 'location'"
        ).fetchall()
    entity_id, _, method, *_ = second["Dymytrov"]
    assert (entity_id, method) == (myrnohrad, "curated_alias")


def test_an_outlet_typo_resolves_to_the_registered_outlet_and_its_ownership_group(two_batches) -> None:
    settings, _, _ = two_batches
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        found = con.execute(
            "select alias, outlet_id, ownership_group, match_method, match_score from dim_outlet_aliases "
            "where alias in ('Reuters', 'Reutres')"
        ).fetchall()
    rows = {alias: rest for alias, *rest in found}
    assert rows["Reutres"][:2] == rows["Reuters"][:2]
    assert rows["Reutres"][2] == "fuzzy" and 0.9 <= rows["Reutres"][3] < 1
    assert rows["Reuters"][2:] == ["exact", 1.0]


def test_a_full_refresh_keeps_every_id(two_batches) -> None:
    settings, _, second = two_batches
    assert run_pipeline(settings, dbt_full_refresh=True).published
    assert _aliases(settings.published_db) == second


def _build_with_seeds(settings: Settings, tmp_path: Path, seeds: dict[str, str]) -> subprocess.CompletedProcess:
    """`dbt build --full-refresh` of a copy of the project whose seeds have `seeds` appended."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    for seed, rows in seeds.items():
        with open(project / "seeds" / seed, "a", encoding="utf-8") as out:
            out.write(rows)
    return dbt(
        ["build", "--full-refresh"],
        db=settings.working_db,
        scratch=tmp_path,
        project=project,
        env={CHANGED_SINCE_BATCH_ENV: None},  # all of it, as a full refresh reads
    )


def test_a_new_curated_alias_does_not_re_key_and_decisions_are_recorded(two_batches, tmp_path: Path) -> None:
    settings, _, before = two_batches
    build = _build_with_seeds(
        settings,
        tmp_path,
        {
            # a curated alias that would now send a registered spelling elsewhere: it stays put
            "entity_aliases.csv": "location,Kupainsk,Kharkiv,test: a later alias must not re-key\n",
            "entity_resolution_decisions.csv": (
                "merge,location,Stone Village,Kamianka,test: the same village translated,2026-11-25\n"
                "split,location,Kupainsk,,test: not a typo after all,2026-11-25\n"
            ),
        },
    )
    assert build.returncode == 0, build.stdout[-3000:]
    after = _aliases(settings.working_db, "marts.dim_entity_aliases")
    assert after["Kupyansk"] == before["Kupyansk"]
    merged = after["Stone Village"]
    assert merged[0] == before["Kamianka"][0] and merged[1] == before["Stone Village"][0] and merged[4] == "merged"
    split = after["Kupainsk"]
    assert split[1] == before["Kupiansk"][0] != split[0] and split[4] == "split"
    assert {alias: row[0] for alias, row in after.items() if row[4] is None} == {
        alias: row[0] for alias, row in before.items() if alias not in ("Stone Village", "Kupainsk")
    }


def test_a_decision_about_an_unknown_spelling_fails_the_build(two_batches, tmp_path: Path) -> None:
    """A merge naming a spelling the registry does not hold would match nothing: the build stops
    instead of ignoring it. (Last in the module: it leaves the working file half-rebuilt.)"""
    settings, _, _ = two_batches
    build = _build_with_seeds(
        settings,
        tmp_path,
        {
            "entity_resolution_decisions.csv": (
                "merge,location,Stone Vilage,Kamianka,test: a typo in the decision,2026-11-25\n"
            ),
        },
    )
    assert build.returncode != 0
    assert "relationships_entity_resolution_decisions_mention_name" in build.stdout
