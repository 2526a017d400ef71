"""Fuzz targets for both parsers (coverage-guided with atheris: `make fuzz`).

Each target takes arbitrary bytes and checks the landing promise: nothing raises, and every
record is accounted for (loaded or quarantined with a reason code). `tests/unit` runs the targets
over the seed corpus so they keep working; `make fuzz` lets atheris mutate from there.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from orchestration.landing.page_parser import PageParseError, parse_event_page
from orchestration.landing.reading import page_candidate

LOADED_AT = datetime(2026, 6, 1, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def page_target(data: bytes) -> None:
    """The page parser returns a record or rejects with a reason code; the landing wrapper never
    raises and always gives one candidate."""
    text = data.decode("utf-8", "replace")
    try:
        record = parse_event_page(text)
    except PageParseError as exc:
        assert exc.reason_code, "a rejection must carry a reason code"
    else:
        assert isinstance(record, dict)
    candidate = page_candidate(data)
    assert candidate.line_number == 1
    assert candidate.reason is None or candidate.reason.isidentifier(), candidate.reason


class ExportTarget:
    """Whole-file landing of arbitrary bytes as a `.jsonl` export into one in-memory DuckDB."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="fuzz-landing-"))
        self._con = duckdb.connect()
        self._runs = 0

    def __call__(self, data: bytes) -> None:
        self._runs += 1
        landing = self._dir / str(self._runs)
        landing.mkdir()
        (landing / "input.jsonl").write_bytes(data)
        [result] = load_files(
            self._con, discover(landing), raw_dir=self._dir / "raw", load_id=str(self._runs), loaded_at=LOADED_AT
        )
        assert result.lines_read == result.rows_loaded + result.rows_quarantined
        (landing / "input.jsonl").unlink()
        landing.rmdir()


def seed_corpus() -> list[bytes]:
    """Real inputs to start mutating from: the sample page, its JSON twin, a generated line."""
    return [
        (SAMPLES / "event-page-7367235.txt").read_bytes(),
        (SAMPLES / "event-7367235.jsonl").read_bytes(),
        (SAMPLES / "event-7367235.json").read_bytes(),
    ]
