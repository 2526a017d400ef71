"""Landing: line splitting, structural validation reasons, exactly-once per content (in-memory DuckDB)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.landing import loader, raw_zone, reading
from orchestration.landing.discover import discover
from orchestration.landing.loader import load_files
from tests.conftest import SAMPLES, make_event, real_event, write_jsonl

LOADED_AT = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def raw_of(landing: Path) -> Path:
    """The raw zone of the warehouse that `landing` is loaded into (one per test)."""
    return landing.parent / f"{landing.name}-raw"


def load(con: duckdb.DuckDBPyConnection, landing: Path, load_id: str = "load-1"):
    return load_files(con, discover(landing), raw_dir=raw_of(landing), load_id=load_id, loaded_at=LOADED_AT)


def reasons(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return con.execute("select line_number, reason_code from raw.quarantine order by all").fetchall()


def test_bom_crlf_blank_lines_and_bad_bytes_keep_their_line_numbers(tmp_path, con) -> None:
    """Lines DuckDB splits (BOM, CRLF, blank lines) and lines Python judges (bad UTF-8, a NUL)
    are numbered alike; only the lines with bad bytes are quarantined."""
    (tmp_path / "f.jsonl").write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(real_event()).encode()
        + b"\r\n\r\n  \t\n"
        + json.dumps(make_event("e2", [("AP", "likely")])).encode()
        + b'\n\xff\xfe\n{"c":\x00 3}\n'
    )
    [result] = load(con, tmp_path)
    assert (result.lines_read, result.rows_loaded) == (4, 2)
    records = con.execute("select line_number, record->>'$.event_id' from raw.event_records order by 1").fetchall()
    assert records == [(1, real_event()["event_id"]), (4, "e2")]
    assert reasons(con) == [(5, "invalid_utf8"), (6, "nul_byte")]
    assert con.execute("select raw_text from raw.quarantine where line_number = 6").fetchall() == [('{"c":\\0 3}',)]


def test_pieces_and_single_lines_give_the_same_lines(tmp_path) -> None:
    """A piece with a bad byte is judged line by line in Python: every other line of it comes out
    as if DuckDB had split it (numbers, CR and blank lines), so where a bad byte falls changes
    nothing about its neighbours."""
    clean = list(reading.iter_export_items(io.BytesIO(b'{"a": 1}\r\n\n \n{}\n{"b": 2}\nlast').read))
    dirty = list(reading.iter_export_items(io.BytesIO(b'{"a": 1}\r\n\n \n\xff\n{"b": 2}\nlast').read))
    assert clean and all(isinstance(item, reading.Piece) for item in clean)
    lines = [(c.line_number, c.text, c.reason) for c in dirty if isinstance(c, reading.Candidate)]
    assert lines == [(1, '{"a": 1}', None), (4, "\ufffd", "invalid_utf8"), (5, '{"b": 2}', None)]
    [last] = [p for p in dirty if isinstance(p, reading.Piece)]  # the line after the dirty piece
    assert (last.first_line, last.text.to_pylist()) == (6, ["last"])


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        ('{"event_id": "x", ', "malformed_json", "not valid JSON"),
        ("[1, 2]", "not_an_object", "top-level JSON ARRAY"),
        ('"just a string"', "not_an_object", "top-level JSON VARCHAR"),
        ({k: v for k, v in real_event().items() if k != "headline"}, "missing_required_field", "missing: headline"),
        ({**real_event(), "headline": "   "}, "missing_required_field", "missing: headline"),
        (
            {**real_event(), "location": {"region": "Kharkiv Oblast"}},
            "missing_required_field",
            "missing: location.name",
        ),
        ({**real_event(), "sources": "UNIAN"}, "invalid_field_type", "sources is VARCHAR"),
        ({**real_event(), "sources": " "}, "missing_required_field", "missing: sources"),
        ({**real_event(), "source_reports": []}, "empty_source_reports", "source_reports is empty"),
        (
            make_event("e", [("Reuters", "certain")], extracted_at="2026-05-30 04:20"),
            "invalid_extracted_at",
            "extracted_at: 2026-05-30 04:20",
        ),
        (
            make_event("e", [("Reuters", "certain")], extracted_at="2026-06-01T00:00:01.000Z"),
            "extracted_at_in_future",
            None,
        ),
        (make_event("e", [("Reuters", "certain")], story="12a"), "invalid_source_story_id", "source_story_id: 12a"),
    ],
)
def test_structural_defects_quarantined_with_reason(tmp_path, con, line, reason, detail) -> None:
    write_jsonl(tmp_path / "f.jsonl", [real_event(), line])
    [result] = load(con, tmp_path)
    assert (result.lines_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    row = con.execute("select line_number, reason_code, detail from raw.quarantine").fetchall()
    assert row[0][:2] == (2, reason)
    if detail:
        assert row[0][2].startswith(detail)


def test_unknown_fields_are_kept_and_vocabulary_is_not_judged_here(tmp_path, con) -> None:
    drifted = {**make_event("e", [("Reuters", "probable")]), "language": "uk", "translation": {"en": True}}
    write_jsonl(tmp_path / "f.jsonl", [drifted])
    [result] = load(con, tmp_path)
    assert result.rows_loaded == 1
    [(extra, record)] = con.execute("select extra_fields, record from raw.event_records").fetchall()
    assert json.loads(extra) == {"language": "uk", "translation": {"en": True}}
    assert json.loads(record)["source_reports"][0]["tone"] == "probable"


def test_same_bytes_load_once_whatever_the_name(tmp_path, con) -> None:
    write_jsonl(tmp_path / "a.jsonl", [real_event()])
    first = load(con, tmp_path)
    (tmp_path / "copy-of-a.jsonl").write_bytes((tmp_path / "a.jsonl").read_bytes())
    second = load(con, tmp_path, load_id="load-2")
    assert [r.status for r in first] == ["loaded"]
    assert sorted(r.status for r in second) == ["already_loaded", "already_loaded"]
    assert con.execute("select count(*) from raw.event_records").fetchall() == [(1,)]
    assert con.execute("select count(*) from raw.file_loads").fetchall() == [(1,)]


def test_corrected_file_under_same_name_loads_again(tmp_path, con) -> None:
    write_jsonl(tmp_path / "a.jsonl", [make_event("e", [("Reuters", "certain")])])
    load(con, tmp_path)
    write_jsonl(tmp_path / "a.jsonl", [make_event("e", [("Reuters", "likely")])])
    [result] = load(con, tmp_path, load_id="load-2")
    assert result.status == "loaded"
    assert con.execute("select count(*) from raw.file_loads where source_file = 'a.jsonl'").fetchall() == [(2,)]


def test_file_contents_are_numbered_in_load_order(tmp_path, con) -> None:
    """load_sequence is what staging selects new rows by: one number per file content, in the
    order of loading, on the manifest row and on every record of the file (rejected files too)."""
    write_jsonl(
        tmp_path / "a.jsonl", [make_event("a1", [("Reuters", "certain")]), make_event("a2", [("AP", "likely")])]
    )
    load(con, tmp_path)
    write_jsonl(tmp_path / "b.jsonl", [make_event("b1", [("Reuters", "certain")])])
    load(con, tmp_path, load_id="load-2")
    assert con.execute("select source_file, load_sequence from raw.file_loads order by load_sequence").fetchall() == [
        ("a.jsonl", 1),
        ("b.jsonl", 2),
    ]
    assert con.execute(
        "select source_file, load_sequence, count(*) from raw.event_records group by all order by all"
    ).fetchall() == [("a.jsonl", 1, 2), ("b.jsonl", 2, 1)]


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The files landing reads (and so hashes), in order."""
    calls: list[str] = []
    original = loader.stage_file

    def counting(con, landed, *args):
        calls.append(landed.path.name)
        return original(con, landed, *args)

    monkeypatch.setattr(loader, "stage_file", counting)
    return calls


def test_a_loaded_file_not_written_since_is_not_hashed_again(tmp_path, con, hashed) -> None:
    write_jsonl(tmp_path / "a.jsonl", [make_event("a1", [("Reuters", "certain")])])
    first = load_files(
        con, discover(tmp_path), raw_dir=raw_of(tmp_path), load_id="load-1", loaded_at=LOADED_AT, settle_ns=0
    )
    second = load_files(
        con, discover(tmp_path), raw_dir=raw_of(tmp_path), load_id="load-2", loaded_at=LOADED_AT, settle_ns=0
    )
    assert [r.status for r in first] == ["loaded"] and [r.status for r in second] == ["already_loaded"]
    assert second[0].content_sha256 == first[0].content_sha256
    assert hashed == ["a.jsonl"]  # once, by the first run


def test_a_file_rewritten_in_place_is_hashed_and_loaded_again(tmp_path, con, hashed) -> None:
    path = tmp_path / "a.jsonl"
    write_jsonl(path, [make_event("a1", [("Reuters", "certain")])])
    load_files(con, discover(tmp_path), raw_dir=raw_of(tmp_path), load_id="load-1", loaded_at=LOADED_AT, settle_ns=0)
    before = path.stat()
    write_jsonl(path, [make_event("a1", [("Reuters", "likely ")])])  # same size, new bytes
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # old times back: only ctime tells
    [again] = load_files(
        con, discover(tmp_path), raw_dir=raw_of(tmp_path), load_id="load-2", loaded_at=LOADED_AT, settle_ns=0
    )
    assert again.status == "loaded" and hashed == ["a.jsonl", "a.jsonl"]


def test_a_file_written_moments_ago_is_not_trusted_by_its_times(tmp_path, con, hashed) -> None:
    """Times come from a coarse clock: a file changed within the settle window is hashed on
    every run until it has settled."""
    write_jsonl(tmp_path / "a.jsonl", [make_event("a1", [("Reuters", "certain")])])
    never_settled = 10**18  # deterministic: the file is always "moments" old
    for load_id in ("load-1", "load-2"):
        load_files(
            con,
            discover(tmp_path),
            raw_dir=raw_of(tmp_path),
            load_id=load_id,
            loaded_at=LOADED_AT,
            settle_ns=never_settled,
        )
    assert hashed == ["a.jsonl", "a.jsonl"]
    assert con.execute("select count(*) from raw.landing_file_identities").fetchall() == [(0,)]


def test_page_becomes_one_record_in_export_shape(tmp_path, con) -> None:
    (tmp_path / "page.txt").write_bytes((SAMPLES / "event-page-7367235.txt").read_bytes())
    (tmp_path / "broken.txt").write_text("nothing here that looks like a page\n")
    results = {r.source_file: r for r in load(con, tmp_path)}
    assert results["page.txt"].rows_loaded == 1
    assert results["broken.txt"].rows_quarantined == 1
    [(record,)] = con.execute("select record from raw.event_records").fetchall()
    parsed = json.loads(record)
    twin = real_event()
    assert {k: v for k, v in parsed.items() if k != "event_id"} == {k: v for k, v in twin.items() if k != "event_id"}
    assert parsed["event_id"].startswith("page-7367235-")


def test_in_flight_and_outside_files_are_not_discovered(tmp_path) -> None:
    landing = tmp_path / "landing"
    write_jsonl(landing / "ok.jsonl", [real_event()])
    write_jsonl(landing / ".partial.jsonl", [real_event()])
    write_jsonl(landing / "notes.md", [real_event()])
    outside = write_jsonl(tmp_path / "secret.jsonl", [real_event()])
    (landing / "link.jsonl").symlink_to(outside)
    assert [f.relative_path for f in discover(landing)] == ["ok.jsonl"]


def test_two_concurrent_loads_of_one_file_load_it_once(tmp_path) -> None:
    """Two runs racing on the same new file: one loads it, the other sees it loaded."""
    import threading

    landing = tmp_path / "landing"
    write_jsonl(landing / "a.jsonl", [real_event(), make_event("e2", [("Reuters", "certain")])])
    base = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_files(base, [], raw_dir=raw_of(landing), load_id="schema", loaded_at=LOADED_AT)  # the raw schema
    barrier = threading.Barrier(2)
    statuses: list[str] = []

    def run(load_id: str) -> None:
        con = base.cursor()
        barrier.wait()
        statuses.extend(
            r.status
            for r in load_files(con, discover(landing), raw_dir=raw_of(landing), load_id=load_id, loaded_at=LOADED_AT)
        )

    threads = [threading.Thread(target=run, args=(f"run-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["already_loaded", "loaded"]
    assert base.execute("select count(*) from raw.event_records").fetchall() == [(2,)]
    assert base.execute("select count(*) from raw.file_loads").fetchall() == [(1,)]


def _table(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_chunks_of_one_piece_load_exactly_what_one_chunk_loads(tmp_path) -> None:
    """Chunking (bounded memory) changes nothing about what lands, line numbers included. The
    file spans several pieces (reading.PIECE_BYTES), with rejects DuckDB finds and a line Python
    judges (bad UTF-8) among them, so one-byte chunks really are one piece each."""
    padding = "x" * 2000  # ~2 KB per record: about 500 records a piece
    records = [{**make_event(f"e{i}", [("Reuters", "certain")]), "note": padding} for i in range(1500)]
    write_jsonl(tmp_path / "f.jsonl", [*records[:600], "{broken", *records[600:1100], "[1]", *records[1100:]])
    with open(tmp_path / "f.jsonl", "ab") as f:
        f.write(b"\xff\xfe not text\n")
    outcomes = []
    for chunk_bytes in (1, 10**9):
        con = duckdb.connect()
        raw_dir = tmp_path.parent / f"{tmp_path.name}-raw-{chunk_bytes}"
        [result] = load_files(
            con, discover(tmp_path), raw_dir=raw_dir, load_id="l", loaded_at=LOADED_AT, chunk_bytes=chunk_bytes
        )
        parts = len(list(raw_zone.records_dir(raw_dir).glob(raw_zone.PARTS)))
        assert parts > 2 if chunk_bytes == 1 else parts == 1  # what the chunking changes: files
        outcomes.append(
            (
                (result.lines_read, result.rows_loaded, result.rows_quarantined, result.quarantine_reasons),
                _table(con, "select line_number, record::varchar from raw.event_records order by 1"),
                _table(con, "select line_number, reason_code from raw.quarantine order by 1"),
                _table(con, "select lines_read, rows_loaded, rows_quarantined from raw.file_loads"),
            )
        )
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == (1503, 1500, 3, {"invalid_utf8": 1, "malformed_json": 1, "not_an_object": 1})
    assert outcomes[0][2] == [(601, "malformed_json"), (1102, "not_an_object"), (1503, "invalid_utf8")]


def test_a_file_changing_while_read_loads_nothing_until_it_is_stable(tmp_path, con, monkeypatch) -> None:
    """A writer that ignores the temporary-name convention and appends during the load: the file
    is not what it was when reading began, so nothing commits and nothing becomes visible; the
    next run loads the file."""
    path = write_jsonl(tmp_path / "f.jsonl", [make_event("e1", [("Reuters", "certain")])])
    real_items = loader.iter_export_items

    def read_then_append(read):
        yield from real_items(read)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(make_event("e2", [("Reuters", "certain")])) + "\n")

    monkeypatch.setattr(loader, "iter_export_items", read_then_append)
    [result] = load(con, tmp_path)
    assert result.status == "changed_while_reading"
    assert _table(con, "select count(*) from raw.event_records")[0][0] == 0
    assert _table(con, "select count(*) from raw.file_loads")[0][0] == 0
    assert not any(raw_of(tmp_path).rglob("*.parquet"))

    monkeypatch.setattr(loader, "iter_export_items", real_items)
    [result] = load(con, tmp_path, load_id="load-2")
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    assert path.read_text().count("\n") == 2
