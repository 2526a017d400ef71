"""Hostile input never crashes landing: every record is loaded or quarantined with a reason code,
within bounded time and memory, and SQL-looking text stays plain data."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from orchestration.landing.page_parser import PageParseError, parse_event_page
from orchestration.landing.reading import MAX_LINE_BYTES, Piece, iter_export_items, page_candidate
from tests.conftest import SAMPLES, real_event

LOADED_AT = datetime(2026, 6, 1, tzinfo=UTC)
INJECTION = "'; DROP TABLE raw.event_records; --\" ) ; select 1; /*"


def land(tmp_path: Path, name: str, data: bytes) -> tuple[duckdb.DuckDBPyConnection, dict]:
    landing = tmp_path / "landing"
    landing.mkdir(exist_ok=True)
    (landing / name).write_bytes(data)
    con = duckdb.connect()
    [result] = load_files(con, discover(landing), raw_dir=tmp_path / "raw", load_id="l", loaded_at=LOADED_AT)
    assert result.lines_read == result.rows_loaded + result.rows_quarantined
    return con, result.quarantine_reasons


@pytest.mark.parametrize(
    ("name", "data", "reasons"),
    [
        ("huge.jsonl", b'{"event_id": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n', {"line_too_long": 1}),
        ("deep.jsonl", b"[" * 10_000 + b"]" * 10_000 + b"\n", {"not_an_object": 1}),
        ("deep-object.jsonl", b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"\n", {"missing_required_field": 1}),
        (
            "bigint.jsonl",
            json.dumps(real_event()).replace('"source_count": 4', '"source_count": ' + "9" * 5000).encode() + b"\n",
            {"invalid_field_type": 1},
        ),
        ("bad-utf8.jsonl", json.dumps(real_event()).encode() + b"\n\xc3\x28 broken\n", {"invalid_utf8": 1}),
        ("nul.jsonl", json.dumps(real_event()).encode() + b'\n{"a": "\x00"}\n', {"nul_byte": 1}),
        ("bom-crlf.jsonl", b"\xef\xbb\xbf" + json.dumps(real_event()).encode() + b"\r\n", {}),
        ("empty.jsonl", b"", {}),
        ("binary.jsonl", bytes(range(256)) * 400, {"binary_file": 1}),
        ("binary.txt", os.urandom(4096) + b"\x00", {"binary_file": 1}),
        (
            "truncated.jsonl",
            json.dumps(real_event()).encode() + b"\n" + json.dumps(real_event()).encode()[:-40],
            {"malformed_json": 1},
        ),
    ],
)
def test_hostile_files_are_quarantined_with_a_reason(tmp_path, name, data, reasons) -> None:
    _, got = land(tmp_path, name, data)
    assert got == reasons


def test_sql_injection_strings_are_plain_data(tmp_path) -> None:
    event = real_event()
    event.update(event_id=INJECTION, headline=INJECTION, category=INJECTION)
    event["source_reports"][0]["claim"] = INJECTION
    event[INJECTION] = INJECTION  # an unknown field whose *name* is hostile
    con, reasons = land(tmp_path, "inj.jsonl", json.dumps(event).encode() + b"\n")
    assert reasons == {}
    [(event_id, extra)] = con.execute("select record->>'$.event_id', extra_fields from raw.event_records").fetchall()
    assert event_id == INJECTION and json.loads(extra) == {INJECTION: INJECTION}
    assert con.execute("select count(*) from raw.file_loads").fetchall() == [(1,)]


def test_pathological_page_is_rejected_quickly() -> None:
    page = (SAMPLES / "event-page-7367235.txt").read_text()
    start = page.index("Armed Forces of the Russian Federation (military_unit)")
    hostile = page[:start] + "a " * 500_000 + page[page.index("\n", start) :]
    with pytest.raises(PageParseError) as error:
        parse_event_page(hostile)  # linear: quadratic backtracking would take hours here
    assert error.value.reason_code == "page_bad_entity_line"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_export_splitter_never_raises(data: bytes) -> None:
    for item in iter_export_items(io.BytesIO(data).read):
        assert (
            isinstance(item, Piece)
            or item.reason is None
            or item.reason
            in {
                "invalid_utf8",
                "nul_byte",
                "binary_file",
                "line_too_long",
            }
        )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_page_parser_returns_or_rejects_with_a_reason(text: str) -> None:
    try:
        record = parse_event_page(text)
    except PageParseError as error:
        assert error.reason_code.startswith("page_")
    else:
        assert set(record) >= {"event_id", "headline", "source_reports", "extraction"}


LINES = st.one_of(
    st.text(max_size=200),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    ).map(json.dumps),
    st.builds(
        lambda key, value: json.dumps({**real_event(), key: value}),
        st.sampled_from(list(real_event())),
        st.text(max_size=20),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=8))
def test_every_export_line_is_loaded_or_quarantined(tmp_path_factory, lines: list[str]) -> None:
    landing = tmp_path_factory.mktemp("fuzz")
    (landing / "f.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    con = duckdb.connect()
    [result] = load_files(
        con, discover(landing), raw_dir=landing.with_name(f"{landing.name}-raw"), load_id="l", loaded_at=LOADED_AT
    )
    # a record is a line with non-blank bytes (ASCII whitespace), as JSON Lines readers see it
    records = len([line for line in "\n".join(lines).split("\n") if line.encode("utf-8", "surrogatepass").strip()])
    assert result.lines_read == result.rows_loaded + result.rows_quarantined
    if result.quarantine_reasons == {"binary_file": 1}:  # mostly control bytes: one rejected file
        assert result.lines_read == 1
    else:
        assert result.lines_read == records
    reasons = con.execute("select count(*) from raw.quarantine where reason_code is null").fetchall()
    assert reasons == [(0,)]


def test_page_candidate_never_raises_on_binary_or_huge_pages() -> None:
    assert page_candidate(b"\x00\x01\x02" * 100).reason == "binary_file"
    assert page_candidate(b"x" * (MAX_LINE_BYTES + 1)).reason == "page_too_large"


def test_a_file_duckdb_refuses_is_rejected_whole_and_the_run_goes_on(tmp_path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.jsonl").write_text(json.dumps(real_event()) + "\n")
    (landing / "b.jsonl").write_text(json.dumps(real_event()) + "\n\n")
    import orchestration.landing.loader as loader

    real_load_file = loader.load_file

    def refuse_a(con, landed, **kwargs):
        if landed.relative_path == "a.jsonl":
            raise duckdb.InvalidInputException("planted: input DuckDB cannot take")
        return real_load_file(con, landed, **kwargs)

    monkeypatch.setattr(loader, "load_file", refuse_a)
    con = duckdb.connect()
    results = {
        r.source_file: r
        for r in load_files(con, discover(landing), raw_dir=tmp_path / "raw", load_id="l", loaded_at=LOADED_AT)
    }
    assert results["a.jsonl"].quarantine_reasons == {"file_rejected": 1}
    assert results["b.jsonl"].rows_loaded == 1
    assert con.execute("select reason_code, detail from raw.quarantine").fetchall() == [
        ("file_rejected", "InvalidInputException: planted: input DuckDB cannot take")
    ]
