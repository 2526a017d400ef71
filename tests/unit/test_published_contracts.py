"""What analysts and BI tools rely on, read from dbt's manifest: every published model (schema
`marts`) has an enforced contract, a description, and a type and description for every column;
the exposures name the report and the PostgreSQL publish, which reads every published model."""

from __future__ import annotations

import json
from functools import cache

import pytest

from orchestration.transform.assets import current_manifest


@cache
def manifest() -> dict:
    return json.loads(current_manifest().read_text(encoding="utf-8"))


def published_models() -> list[dict]:
    return sorted(
        (n for n in manifest()["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"),
        key=lambda n: n["name"],
    )


def test_the_published_models_include_the_convenience_views() -> None:
    names = {n["name"] for n in published_models()}
    assert {
        "fct_events",
        "dim_entities",
        "agg_daily_event_counts",
        "agg_outlet_days",
        "agg_outlet_scorecards",
        "agg_entity_timelines",
    } <= names


@pytest.mark.parametrize("node", published_models(), ids=lambda n: n["name"])
def test_every_published_model_is_contracted_and_documented(node: dict) -> None:
    assert node["config"]["contract"]["enforced"], f"{node['name']}: contract not enforced"
    assert node["description"].strip(), f"{node['name']}: no description"
    assert node["columns"], f"{node['name']}: no columns declared"
    undocumented = [c for c, column in node["columns"].items() if not column.get("description", "").strip()]
    untyped = [c for c, column in node["columns"].items() if not column.get("data_type")]
    assert (undocumented, untyped) == ([], []), node["name"]


def test_exposures_declare_the_report_and_the_postgres_publish_of_every_mart() -> None:
    exposures = {e["name"]: e for e in manifest()["exposures"].values()}
    assert {"analyst_report", "postgres_publish"} <= set(exposures)
    published = {n["unique_id"] for n in published_models()}
    assert set(exposures["postgres_publish"]["depends_on"]["nodes"]) == published
    assert set(exposures["analyst_report"]["depends_on"]["nodes"]) <= published
    assert exposures["analyst_report"]["type"] == "dashboard"
