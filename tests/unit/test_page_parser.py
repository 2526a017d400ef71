"""Tests for the rendered-page parser (contract §2), driven by the real sample pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.landing.page_parser import PageParseError, derive_page_event_id, parse_event_page

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SOURCES_LINE = "Ukrainska Pravda Kyiv Independent UNIAN Censor.NET"
STATUS_LINE = "Verified Independently confirmed by 4 sources"
ASSESSMENT = "Multiple high-reliability sources confirm the core facts of this event."


@pytest.fixture(scope="module")
def page() -> str:
    return (SAMPLES / "event-page-7367235.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def twin() -> dict:
    return json.loads((SAMPLES / "event-7367235.json").read_text(encoding="utf-8"))


def _replace_once(text: str, old: str, new: str) -> str:
    """Edit the real page, failing loudly if the sample no longer holds the text we edit."""
    assert text.count(old) == 1, f"sample page should contain {old!r} exactly once"
    return text.replace(old, new)


def _reason(text: str) -> str:
    with pytest.raises(PageParseError) as caught:
        parse_event_page(text)
    assert caught.value.detail  # every failure explains itself
    return caught.value.reason_code


# --- the real page ------------------------------------------------------------------------------


def test_real_page_equals_json_twin_except_event_id(page: str, twin: dict) -> None:
    parsed = parse_event_page(page)
    assert set(parsed) == set(twin)
    assert {k: v for k, v in parsed.items() if k != "event_id"} == {k: v for k, v in twin.items() if k != "event_id"}


def test_real_page_key_facts(page: str) -> None:
    parsed = parse_event_page(page)
    assert parsed["category"] == "Movement"
    assert parsed["headline"].startswith("Russian forces withdrew from the Kharkiv region")
    assert parsed["location"] == {"name": "Izium", "region": "Kharkiv Oblast"}
    assert parsed["verification"]["status"] == "Verified"
    assert parsed["verification"]["summary"] == "Independently confirmed by 4 sources"
    assert parsed["verification"]["source_count"] == 4
    assert parsed["verification"]["assessment"] == ASSESSMENT
    assert parsed["sources"] == ["Ukrainska Pravda", "Kyiv Independent", "UNIAN", "Censor.NET"]

    assert len(parsed["entities"]) == 48
    assert parsed["entities"][0] == {"name": "Armed Forces of the Russian Federation", "type": "military_unit"}
    assert {"name": "Shahed-136", "type": "weapon_system"} in parsed["entities"]
    assert {"name": "247th Independent Battalion", "type": "military_unit"} in parsed["entities"]
    assert parsed["entities"][-1] == {"name": "Ukrainian defenders", "type": "military_unit"}

    reports = parsed["source_reports"]
    assert len(reports) == 7
    assert len({r["outlet"] for r in reports}) == 4
    assert [r["outlet"] for r in reports].count("Censor.NET") == 3
    assert reports[-1] == {
        "outlet": "Censor.NET",
        "tone": "likely",
        "claim": "The liberation operation is ongoing and planned until the complete liberation of the Kharkiv region.",
    }
    # Navigation text never leaks into a claim.
    assert not any("Share This Event" in r["claim"] or "Submissions" in r["claim"] for r in reports)

    assert parsed["extraction"] == {
        "extracted_at": "2026-05-30T04:20:51.845Z",
        "source_story_id": "7367235",
    }
    assert parsed["event_id"] == derive_page_event_id("7367235", parsed["headline"])
    assert parsed["event_id"].startswith("page-7367235-")


def test_crlf_bom_trailing_spaces_and_extra_blank_lines_parse_identically(page: str) -> None:
    messy = "\ufeff" + "\r\n".join(line + "  " for line in page.split("\n")).replace("\r\n\r\n", "\r\n\r\n\r\n")
    assert parse_event_page(messy) == parse_event_page(page)


# --- derive_page_event_id -----------------------------------------------------------------------


def test_event_id_is_stable_and_ignores_whitespace_and_case() -> None:
    headline = "Russian forces withdrew from the Kharkiv region."
    first = derive_page_event_id("7367235", headline)
    assert first == derive_page_event_id("7367235", headline)
    messy = "  RUSSIAN forces   withdrew\tfrom the kharkiv region. "
    assert first == derive_page_event_id("7367235", messy)
    assert first.startswith("page-7367235-") and len(first) == len("page-7367235-") + 16
    assert first != derive_page_event_id("7367236", headline)
    assert first != derive_page_event_id("7367235", "Russian forces advanced near Kupiansk.")


# --- tolerated variations -----------------------------------------------------------------------


def test_outlet_without_report_is_kept_as_its_own_outlet(page: str) -> None:
    parsed = parse_event_page(_replace_once(page, SOURCES_LINE, SOURCES_LINE + " Reuters"))
    assert parsed["sources"] == ["Ukrainska Pravda", "Kyiv Independent", "UNIAN", "Censor.NET", "Reuters"]
    assert parsed["verification"]["source_count"] == 4  # the claimed count comes from the summary


def test_unmatched_run_between_known_outlets_is_one_outlet(page: str) -> None:
    line = "Ukrainska Pravda Radio Svoboda Kyiv Independent UNIAN censor.net"
    parsed = parse_event_page(_replace_once(page, SOURCES_LINE, line))
    # Matching is case-insensitive, but the name is kept as written on the sources line.
    assert parsed["sources"] == ["Ukrainska Pravda", "Radio Svoboda", "Kyiv Independent", "UNIAN", "censor.net"]


def test_longest_outlet_name_wins(page: str) -> None:
    text = _replace_once(page, "UNIAN → Source tone: certain", "Kyiv Independent Post → Source tone: certain")
    text = _replace_once(text, SOURCES_LINE, "Kyiv Independent Post Kyiv Independent Censor.NET")
    parsed = parse_event_page(text)
    assert parsed["sources"] == ["Kyiv Independent Post", "Kyiv Independent", "Censor.NET"]


def test_multi_word_category(page: str) -> None:
    parsed = parse_event_page(_replace_once(page, "➡️ Movement", "💥 Drone strike"))
    assert parsed["category"] == "Drone strike"


def test_page_without_region_and_assessment(page: str) -> None:
    text = _replace_once(page, "Izium, Kharkiv Oblast", "Izium")
    text = _replace_once(text, ASSESSMENT + "\n", "")
    parsed = parse_event_page(text)
    assert parsed["location"] == {"name": "Izium", "region": None}
    assert parsed["verification"]["assessment"] is None
    assert parsed["sources"] == ["Ukrainska Pravda", "Kyiv Independent", "UNIAN", "Censor.NET"]

    # Also without the "How we assess confidence →" link: the assessment stays absent.
    no_link = _replace_once(text, "How we assess confidence →\n", "")
    assert parse_event_page(no_link) == parsed


def test_region_split_on_first_comma_only(page: str) -> None:
    text = _replace_once(page, "Izium, Kharkiv Oblast", "Izium, Kharkiv Oblast, Ukraine")
    parsed = parse_event_page(text)
    assert parsed["location"] == {"name": "Izium", "region": "Kharkiv Oblast, Ukraine"}


@pytest.mark.parametrize(
    ("status_line", "status", "summary", "count"),
    [
        ("Single source Reported by one outlet", "Single source", "Reported by one outlet", 1),
        (
            "single source Reported by a single source",
            "single source",
            "Reported by a single source",
            1,
        ),
        ("Corroborated Confirmed by 1 source", "Corroborated", "Confirmed by 1 source", 1),
        ("Pending review by editors", "Pending", "review by editors", 4),  # unknown status kept
        ("Verified Independently confirmed", "Verified", "Independently confirmed", 4),  # no number
    ],
)
def test_status_summary_and_source_count(page: str, status_line: str, status: str, summary: str, count: int) -> None:
    verification = parse_event_page(_replace_once(page, STATUS_LINE, status_line))["verification"]
    assert (verification["status"], verification["summary"], verification["source_count"]) == (status, summary, count)


def test_unknown_vocabulary_is_kept_as_written(page: str) -> None:
    text = _replace_once(page, "Censor.NET → Source tone: likely", "Censor.NET → Source tone: probable")
    text = _replace_once(text, "Pentagon (organization) Balakliia", "Pentagon (agency) Balakliia")
    parsed = parse_event_page(text)
    assert parsed["source_reports"][-1]["tone"] == "probable"
    assert {"name": "Pentagon", "type": "agency"} in parsed["entities"]


def test_entity_names_with_punctuation(page: str) -> None:
    text = _replace_once(
        page,
        "Pentagon (organization) Balakliia",
        "St. John's 2-nd Unit, Ltd. (organization) Balakliia",
    )
    parsed = parse_event_page(text)
    assert {"name": "St. John's 2-nd Unit, Ltd.", "type": "organization"} in parsed["entities"]
    assert len(parsed["entities"]) == 48


def test_empty_or_missing_entities_section(page: str) -> None:
    start = page.index("Armed Forces of the Russian Federation")
    end = page.index("\n", start)
    assert parse_event_page(page[:start] + page[end:])["entities"] == []
    without_heading = page[: page.index("Entities")] + page[end + 1 :]
    assert parse_event_page(without_heading)["entities"] == []


def test_multi_line_claim_and_extractor_version(page: str) -> None:
    text = _replace_once(
        page,
        "Russian forces remain present in large numbers within Ukraine despite the retreat.",
        "Russian forces remain present\nin large numbers within Ukraine despite the retreat.",
    )
    text = text.rstrip("\n") + "\n\nExtractor version: v2.3.1\n"
    parsed = parse_event_page(text)
    assert parsed["source_reports"][2]["claim"] == (
        "Russian forces remain present in large numbers within Ukraine despite the retreat."
    )
    assert parsed["extraction"] == {
        "extracted_at": "2026-05-30T04:20:51.845Z",
        "source_story_id": "7367235",
        "extractor_version": "v2.3.1",
    }
    assert "extractor_version" not in parse_event_page(page)["extraction"]


def test_source_story_id_is_kept_as_written(page: str) -> None:
    text = _replace_once(page, "Source story: 7367235", "Source story: 73x67235")
    parsed = parse_event_page(text)
    assert parsed["extraction"]["source_story_id"] == "73x67235"  # validated by the warehouse


# --- structural failures ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\ufeff", "  \r\n\n\t\n"])
def test_empty_page(text: str) -> None:
    assert _reason(text) == "page_empty"


def test_missing_extraction_metadata(page: str) -> None:
    assert _reason(page[: page.index("Extraction metadata")]) == "page_missing_extraction_metadata"
    no_story = _replace_once(page, "Source story: 7367235", "")
    assert _reason(no_story) == "page_missing_extraction_metadata"
    empty_timestamp = _replace_once(page, "Extracted: 2026-05-30T04:20:51.845Z", "Extracted:")
    assert _reason(empty_timestamp) == "page_missing_extraction_metadata"


def test_no_report_lines(page: str) -> None:
    start = page.index("Ukrainska Pravda → Source tone")
    end = page.index("Share This Event")
    assert _reason(page[:start] + page[end:]) == "page_no_source_reports"
    # Neither the heading nor any report line.
    no_heading = page[: page.index("Source Reports")] + page[end:]
    assert _reason(no_heading) == "page_no_source_reports"


def test_missing_headline(page: str) -> None:
    header_end = page.index("Entities")
    assert _reason("➡️ Movement\n\n" + page[header_end:]) == "page_missing_headline"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("UNIAN → Source tone: certain", "UNIAN → Source tone:"),  # no tone
        ("UNIAN → Source tone: certain", "UNIAN Source tone: certain"),  # no arrow
        (
            "Ukrainian forces liberated Izium and Koupiansk, expelling Russian troops from most of the occupied areas.",
            "",
        ),  # report without claim
    ],
)
def test_bad_report_line(page: str, old: str, new: str) -> None:
    assert _reason(_replace_once(page, old, new)) == "page_bad_report_line"


def test_unrecognised_entity_text_fails_loudly(page: str) -> None:
    text = _replace_once(page, "Pentagon (organization) Balakliia", "Pentagon organization) Balakliia")
    assert _reason(text) == "page_bad_entity_line"


def test_error_is_a_value_error_with_attributes() -> None:
    error = PageParseError("page_empty", "nothing")
    assert isinstance(error, ValueError)
    assert (error.reason_code, error.detail) == ("page_empty", "nothing")


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("Independently confirmed by 4 sources", 4),
        ("Disputed by 1 of 3 sources", 3),  # the count of sources, not the first number
        ("Reported by a single source", 1),
        ("Corroborated by two outlets", 2),
    ],
)
def test_stated_source_count_comes_from_the_summary(page: str, summary: str, expected: int) -> None:
    parsed = parse_event_page(_replace_once(page, STATUS_LINE, f"Verified {summary}"))
    assert parsed["verification"]["summary"] == summary
    assert parsed["verification"]["source_count"] == expected
