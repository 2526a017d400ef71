"""Shared test helpers: contract-shaped records and a way to run the real pipeline in a temp dir."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


def real_event() -> dict[str, Any]:
    return json.loads((SAMPLES / "event-7367235.json").read_text(encoding="utf-8"))


def make_event(
    event_id: str,
    reports: list[tuple[str, str]],
    *,
    story: str = "9000001",
    extracted_at: str = "2026-05-30T10:00:00.000Z",
    status: str | None = None,
    source_count: int | None = None,
    entities: list[tuple[str, str]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A clean, contract-shaped export record; `reports` is [(outlet, tone)]."""
    outlets = list(dict.fromkeys(outlet for outlet, _ in reports))
    record: dict[str, Any] = {
        "event_id": event_id,
        "category": "Shelling",
        "headline": f"Test event {event_id} in Kharkiv.",
        "location": {"name": "Kharkiv", "region": "Kharkiv Oblast"},
        "verification": {
            "status": status or "Single source",
            "summary": f"Reported by {len(outlets)} sources",
            "source_count": len(outlets) if source_count is None else source_count,
        },
        "sources": outlets,
        "entities": [{"name": n, "type": t} for n, t in (entities or [("Kharkiv", "location")])],
        "source_reports": [
            {"outlet": outlet, "tone": tone, "claim": f"{outlet} says it happened ({tone})."}
            for outlet, tone in reports
        ],
        "extraction": {"extracted_at": extracted_at, "source_story_id": story},
    }
    for key, value in overrides.items():
        record[key] = value
    return copy.deepcopy(record)


def write_jsonl(path: Path, records: list[dict[str, Any] | str]) -> Path:
    """Records as JSON Lines; a str is written as the raw line (for malformed input)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
