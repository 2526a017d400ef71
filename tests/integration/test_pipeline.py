"""End to end: land → dbt → checks → publish over a temp landing directory, asserting the
published facts for the real page, entity merges, every planted contract defect, re-runs and
confidence properties. One pipeline run per module keeps this a couple of minutes at most."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings
from tests.conftest import SAMPLES, make_event, real_event, write_jsonl
from tests.integration.conftest import PipelineRun, query, run_pipeline, settings_for

pytestmark = pytest.mark.integration

CLEAN = "2026-05-30T10:00:00.000Z"

# (event_id or None, raw line or record, expected reason code, where it must show up)
QUARANTINED = {
    "malformed_json": '{"event_id": "d-malformed", "category": ',
    "not_an_object": "[1, 2, 3]",
    "missing_required_field": {
        k: v for k, v in make_event("d-missing", [("Reuters", "certain")]).items() if k != "headline"
    },
    "invalid_field_type": make_event(
        "d-type",
        [("Reuters", "certain")],
        verification={"status": "Single source", "summary": "x", "source_count": "1"},
    ),
    "empty_source_reports": make_event("d-empty", [("Reuters", "certain")], source_reports=[]),
    "invalid_extracted_at": make_event("d-ts", [("Reuters", "certain")], extracted_at="30/05/2026 04:20"),
    "extracted_at_in_future": make_event("d-future", [("Reuters", "certain")], extracted_at="2099-01-01T00:00:00.000Z"),
    "invalid_source_story_id": make_event("d-story", [("Reuters", "certain")], story="73a67"),
}
FLAGGED = {
    "source_count_mismatch": make_event("d-count", [("Reuters", "certain")], source_count=3),
    "sources_list_mismatch": make_event("d-list", [("Reuters", "certain")], sources=["Reuters", "BBC"]),
    "status_inconsistent": make_event("d-status", [("Reuters", "certain")], status="Verified"),
    "unknown_tone": make_event("d-tone", [("Reuters", "probable")]),
    "unknown_entity_type": make_event("d-etype", [("Reuters", "certain")], entities=[("T-72", "vehicle")]),
    "unknown_category": make_event("d-category", [("Reuters", "certain")], category="Cyberattack"),
    "unknown_stated_status": make_event("d-stated", [("Reuters", "certain")], status="Probably true"),
}
CONFLICT_A = make_event("d-conflict", [("Reuters", "certain")], story="9000002")
CONFLICT_B = make_event("d-conflict", [("Reuters", "certain")], story="9000002", headline="Another headline")

PROPERTY_EVENTS = [
    make_event("p-reuters", [("Reuters", "certain")], story="9100001"),
    make_event(
        "p-reuters-kyivpost", [("Reuters", "certain"), ("Kyiv Post", "certain")], story="9100002", status="Corroborated"
    ),
    make_event(
        "p-reuters-doubting-kyivpost",
        [("Reuters", "certain"), ("kyivpost.com", "doubtful")],
        story="9100003",
        status="Corroborated",
    ),
    make_event("p-unian", [("UNIAN", "certain")], story="9100004"),
    make_event("p-unian-tsn", [("UNIAN", "certain"), ("TSN", "certain")], story="9100005"),
    make_event(
        "p-unian-kyivpost", [("UNIAN", "certain"), ("Kyiv Post", "certain")], story="9100006", status="Corroborated"
    ),
    make_event("p-doubtful", [("Reuters", "doubtful")], story="9100007", status="Unverified"),
    make_event(
        "p-versions",
        [("Reuters", "doubtful")],
        story="9100008",
        extracted_at="2026-05-29T10:00:00.000Z",
        status="Unverified",
    ),
    make_event(
        "p-versions", [("Reuters", "certain"), ("AP", "certain"), ("BBC", "likely")], story="9100008", status="Verified"
    ),
]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = settings_for(tmp_path_factory.mktemp("e2e"))
    landing_dir = settings.landing_dir
    # The real event twice: as a rendered page and as its export line (one event, not two).
    (landing_dir / "pages").mkdir(parents=True)
    shutil.copy(SAMPLES / "event-page-7367235.txt", landing_dir / "pages")
    write_jsonl(landing_dir / "exports" / "real.jsonl", [real_event()])
    write_jsonl(landing_dir / "exports" / "quarantined.jsonl", list(QUARANTINED.values()))
    write_jsonl(landing_dir / "exports" / "flagged.jsonl", [*FLAGGED.values(), CONFLICT_A, CONFLICT_B])
    write_jsonl(landing_dir / "exports" / "properties.jsonl", PROPERTY_EVENTS)
    (landing_dir / "pages" / "broken-page.txt").write_text("➡️ Movement\n\nA headline only.\n")
    (landing_dir / "pages" / ".in-flight.txt").write_text("not finished")  # never picked up
    return settings


@pytest.fixture(scope="module")
def first_run(landing: Settings) -> PipelineRun:
    run = run_pipeline(landing)
    assert run.result.success, run.failed_checks()
    return run


@pytest.fixture(scope="module")
def published(first_run: PipelineRun) -> Path:
    assert first_run.published
    return first_run.settings.published_db


def scores(db: Path) -> dict[str, float]:
    return dict(query(db, "select event_id, confidence_score from fct_events"))


def test_real_page_event_published_with_consistent_metadata(published: Path) -> None:
    rows = query(
        published,
        "select event_id, places.canonical_name, n_outlets, n_source_reports, stated_source_count, "
        "n_independent_sources, source_count_consistent, status_consistent, verification_level, "
        "confidence_score, quality_flags from fct_events "
        "join dim_entities as places on places.entity_id = fct_events.location_entity_id "
        "where source_story_id = '7367235'",
    )
    assert len(rows) == 1, "page and export line of one event must be one event"
    event_id, location, outlets, reports, stated, independent, count_ok, status_ok, level, score, flags = rows[0]
    assert event_id == "7367235-1"  # the export's id wins over the page's derived id
    assert (location, outlets, reports, stated, independent) == ("Izium", 4, 7, 4, 4)
    assert count_ok and status_ok and flags == []
    assert level == "verified" and score >= 0.9
    assert query(published, "select count(*) from bridge_event_entities where event_id = '7367235-1'") == [(48,)]


@pytest.mark.parametrize(
    ("entity_type", "variants"),
    [
        ("location", ["Izium", "Izyum"]),
        ("location", ["Kupiansk", "Kupyansk", "Koupiansk"]),
        ("location", ["Balakliia", "Balakliya"]),
        ("location", ["Vovchansk", "Volchansk"]),
        ("organization", ["Russian Ministry of Defense", "Ministry of Defence of Russia"]),
        ("military_unit", ["Ukrainian Border Guard Service", "State Border Guard Service of Ukraine"]),
        ("organization", ["Pentagon", "US Pentagon"]),
        ("weapon_system", ["Zooprark counter-battery radar", "Zoopark counter-battery radar"]),
    ],
)
def test_entity_variants_resolve_to_one_entity(published: Path, entity_type: str, variants: list[str]) -> None:
    seen = dict(
        query(
            published,
            "select alias, entity_id from dim_entity_aliases where entity_type = ?",
            [entity_type],
        )
    )
    canonical = dict(query(published, "select canonical_name, entity_id from dim_entities"))
    ids = {seen.get(v) or canonical.get(v) for v in variants}
    assert None not in ids, f"{variants} not all known: {seen.keys() & set(variants)}"
    assert len(ids) == 1, f"{variants} resolve to {len(ids)} entities"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Kharkiv", "Kharkiv Oblast"), ("Russian forces", "Ukrainian forces")],
)
def test_distinct_entities_stay_distinct(published: Path, a: str, b: str) -> None:
    ids = dict(query(published, "select alias, entity_id from dim_entity_aliases"))
    assert ids[a] != ids[b]


@pytest.mark.parametrize("reason", sorted(QUARANTINED))
def test_structural_defects_are_quarantined_with_reason(published: Path, reason: str) -> None:
    rows = query(
        published,
        "select line_number from audit_quarantine where source_file = 'exports/quarantined.jsonl' and reason_code = ?",
        [reason],
    )
    assert rows == [(list(QUARANTINED).index(reason) + 1,)]  # its own line, nothing else


def test_unparseable_page_is_quarantined(published: Path) -> None:
    assert query(published, "select reason_code from audit_quarantine where source_file = 'pages/broken-page.txt'") == [
        ("page_missing_extraction_metadata",)
    ]


@pytest.mark.parametrize("reason", sorted(FLAGGED))
def test_consistency_defects_are_flagged(published: Path, reason: str) -> None:
    event_id = FLAGGED[reason]["event_id"]
    (flags,) = query(published, "select quality_flags from fct_events where event_id = ?", [event_id])[0]
    assert reason in flags


def test_rule_three_and_four_booleans(published: Path) -> None:
    rows = dict(
        query(
            published,
            "select event_id, [source_count_consistent, status_consistent] from fct_events "
            "where event_id in ('d-count', 'd-list', 'd-status', 'p-reuters')",
        )
    )
    assert rows == {
        "d-count": [False, True],
        "d-list": [False, True],
        "d-status": [True, False],
        "p-reuters": [True, True],
    }


def test_conflicting_duplicate_is_flagged_and_loser_quarantined(published: Path) -> None:
    (flags,) = query(published, "select quality_flags from fct_events where event_id = 'd-conflict'")[0]
    assert "conflicting_duplicate" in flags
    assert query(
        published,
        "select source_file, quarantine_stage from audit_quarantine where reason_code = 'conflicting_duplicate'",
    ) == [("exports/flagged.jsonl", "modelling")]


def test_every_file_balances_and_in_flight_files_are_ignored(published: Path) -> None:
    loads = query(published, "select source_file, lines_read, rows_loaded, rows_quarantined from audit_loads")
    assert all(read == loaded + quarantined for _, read, loaded, quarantined in loads)
    assert {f for f, *_ in loads} == {
        "exports/real.jsonl",
        "exports/quarantined.jsonl",
        "exports/flagged.jsonl",
        "exports/properties.jsonl",
        "pages/event-page-7367235.txt",
        "pages/broken-page.txt",
    }


def test_versions_keep_history_and_latest_is_current(published: Path) -> None:
    rows = query(
        published,
        "select version_number, is_current, valid_to is null, verification_level from fct_event_versions "
        "where event_id = 'p-versions' order by version_number",
    )
    assert rows == [(1, False, False, "unverified"), (2, True, True, "verified")]
    assert query(published, "select n_versions from fct_events where event_id = 'p-versions'") == [(2,)]


def test_confidence_properties(published: Path) -> None:
    s = scores(published)
    assert all(0.0 <= v <= 1.0 for v in s.values())
    # a report from a new independent outlet never lowers the score, whatever its tone
    assert s["p-reuters-kyivpost"] > s["p-reuters"]
    assert s["p-reuters-doubting-kyivpost"] >= s["p-reuters"]
    # a second outlet of the same ownership group (UNIAN + TSN: 1+1 Media) adds less
    assert s["p-unian"] < s["p-unian-tsn"] < s["p-unian-kyivpost"]
    assert s["p-doubtful"] < 0.5
    assert s["7367235-1"] >= 0.9


def test_marts_refuse_a_null_in_a_required_column(first_run: PipelineRun) -> None:
    """Required mart columns are contract constraints, so the database itself refuses a null
    as the row is written (no dbt test reads the rows back for it)."""
    with duckdb.connect(str(first_run.settings.working_db)) as con:
        nullable = dict(
            con.execute(
                "select column_name, is_nullable from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'fct_claims'"
            ).fetchall()
        )
        assert nullable["outlet_id"] == "NO" and nullable["event_id"] == "NO"
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute(
                "insert into marts.fct_claims select * replace (null as outlet_id) from marts.fct_claims limit 1"
            )


def test_rerun_adds_nothing(first_run: PipelineRun, published: Path) -> None:
    tables = [
        "audit_loads",
        "audit_quarantine",
        "fct_events",
        "fct_event_versions",
        "fct_claims",
        "bridge_event_entities",
    ]
    before = {t: query(published, f"select count(*) from {t}")[0][0] for t in tables}
    again = run_pipeline(first_run.settings)
    assert again.result.success and again.published
    after = {t: query(published, f"select count(*) from {t}")[0][0] for t in tables}
    assert after == before
    with_renamed_copy = first_run.settings.landing_dir / "exports" / "same-bytes-new-name.jsonl"
    shutil.copy(first_run.settings.landing_dir / "exports" / "properties.jsonl", with_renamed_copy)
    third = run_pipeline(first_run.settings)
    assert third.result.success
    assert {t: query(published, f"select count(*) from {t}")[0][0] for t in tables} == before
