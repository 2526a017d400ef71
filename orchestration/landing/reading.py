"""Reading landing files into candidate records, streamed: export lines split without reading a
file whole (a line over MAX_LINE_BYTES is drained, not held), rendered pages parsed into the
export's shape, binary and undecodable input recognised. Python touches bytes here only; what
a record says is validated set-based in DuckDB (validation.py)."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from orchestration.landing.page_parser import PageParseError, parse_event_page

# Quarantined text is kept for diagnosis, but a hostile 50 MB line must not bloat the warehouse.
MAX_RAW_TEXT_CHARS = 65_536


# No real event comes near this; a longer line is rejected before any JSON parsing, which bounds
# the time and memory one hostile line can cost.
MAX_LINE_BYTES = 8 * 1024 * 1024


# DuckDB's vector size: the rows of one Arrow record batch handed to validation.
VECTOR_ROWS = 2048


# How much of a file is sniffed to tell text from binary.
SNIFF_BYTES = 8192


# Records are validated and inserted in chunks of about this many bytes of text (callers derive
# it from DuckDB's memory limit: Settings.landing_chunk_bytes).
DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """One record as read from a file, before validation. `reason` is set when Python already
    knows it cannot be loaded (undecodable bytes, an unrecognisable page)."""

    line_number: int
    text: str
    reason: str | None = None
    detail: str | None = None


def looks_binary(data: bytes) -> bool:
    """Mostly control bytes or non-UTF-8 in the first few KB: not a text file at all.

    A text file with one bad line is not binary: that line alone is quarantined.
    """
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    text = head.decode("utf-8", "replace")
    suspicious = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r"))
    return suspicious > 0.1 * len(text)


def preview_text(raw: bytes) -> str:
    return raw[:MAX_RAW_TEXT_CHARS].decode("utf-8", "replace").replace("\x00", "\\0")


def _binary_candidate(head: bytes, size_bytes: int) -> Candidate:
    return Candidate(1, preview_text(head[:1024]), "binary_file", f"{size_bytes} bytes, not UTF-8 text")


def drain(stream: BinaryIO, *, to_newline: bool = False) -> int:
    """Consume the rest of the line (or stream) in bounded blocks, never holding it; bytes read."""
    skipped = 0
    while block := (stream.readline if to_newline else stream.read)(1024 * 1024):
        skipped += len(block)
        if to_newline and block.endswith(b"\n"):
            break
    return skipped


def iter_export_lines(stream: io.BufferedReader[Any]) -> Iterator[Candidate]:
    """JSON Lines stream → candidates with 1-based line numbers. Blank lines are not records.

    Tolerates a UTF-8 BOM and CRLF line ends; a line that is not UTF-8, holds a NUL byte or is
    longer than MAX_LINE_BYTES is quarantined alone (and never held whole in memory). A binary
    file is one quarantined record. A last line without its newline (a writer still writing, or
    one that died) is read like any other: not being JSON, it is quarantined, not loaded.
    """
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if looks_binary(head):
        yield _binary_candidate(head, drain(stream))
        return
    if head.startswith(b"\xef\xbb\xbf"):
        stream.read(3)
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw) + drain(stream, to_newline=True)
            yield Candidate(number, preview_text(raw), "line_too_long", f"{size} bytes > {MAX_LINE_BYTES}")
            continue
        raw = raw.rstrip(b"\n").rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Candidate(number, raw.decode("utf-8", "replace"), "invalid_utf8", str(exc))
            continue
        if "\x00" in text:
            yield Candidate(number, text.replace("\x00", "\\0"), "nul_byte", None)
            continue
        yield Candidate(number, text)


def split_export_lines(data: bytes) -> list[Candidate]:
    """`iter_export_lines` over bytes already in memory."""
    return list(iter_export_lines(io.BufferedReader(io.BytesIO(data))))


def chunked(candidates: Iterable[Candidate], chunk_bytes: int) -> Iterator[list[Candidate]]:
    """Consecutive runs of candidates holding about `chunk_bytes` of text each (at least one)."""
    chunk: list[Candidate] = []
    size = 0
    for candidate in candidates:
        chunk.append(candidate)
        size += len(candidate.text)
        if size >= chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def page_candidate(data: bytes, size_bytes: int | None = None) -> Candidate:
    """A rendered page is one record: parse it into the export's JSON shape.

    `data` may be only the head of a page of `size_bytes` (a page too large is never read whole).
    """
    size_bytes = len(data) if size_bytes is None else size_bytes
    if looks_binary(data):
        return _binary_candidate(data, size_bytes)
    if size_bytes > MAX_LINE_BYTES:
        return Candidate(1, preview_text(data), "page_too_large", f"{size_bytes} bytes > {MAX_LINE_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Candidate(1, data.decode("utf-8", "replace"), "invalid_utf8", str(exc))
    if "\x00" in text:
        return Candidate(1, text.replace("\x00", "\\0"), "nul_byte", None)
    try:
        record = parse_event_page(text)
    except PageParseError as exc:
        return Candidate(1, text, exc.reason_code, exc.detail)
    except Exception as exc:  # a parser bug must not stop the other files
        return Candidate(1, text, "page_parser_error", f"{type(exc).__name__}: {exc}"[:500])
    return Candidate(1, json.dumps(record, ensure_ascii=False))


class FileChangedWhileReading(Exception):
    """The file's bytes changed between hashing and loading: a writer ignoring the convention."""


def read_page(stream: BinaryIO) -> Candidate:
    head = stream.read(MAX_LINE_BYTES + 1)
    return page_candidate(head, len(head) + drain(stream))


class HashingReader(io.RawIOBase):
    """A forward-only stream that hashes every byte read through it: what was actually loaded."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.hasher = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        self.hasher.update(data)
        buffer[: len(data)] = data
        return len(data)
