"""Asset keys and groups shared by the stages (one place, so the graph reads the same everywhere)."""

from __future__ import annotations

import dagster as dg

WAREHOUSE_POOL = "warehouse"  # every asset that writes the working DuckDB file; limit 1

RAW_EVENT_RECORDS = dg.AssetKey(["raw", "event_records"])
RAW_QUARANTINE = dg.AssetKey(["raw", "quarantine"])
RAW_FILE_LOADS = dg.AssetKey(["raw", "file_loads"])
PUBLISHED_WAREHOUSE = dg.AssetKey(["published", "warehouse"])

MARTS_GROUP = "marts"


def mart_key(table: str) -> dg.AssetKey:
    """The asset key dbt gives a mart model (its schema, then its name)."""
    return dg.AssetKey([MARTS_GROUP, table])
