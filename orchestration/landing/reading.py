"""Reading landing files, streamed and hashed in one pass: exports cut into pieces of complete
lines that DuckDB splits and validates set-based (validation.py), rendered pages parsed into the
export's shape. Python looks at single lines only where bytes are not text (a NUL, invalid
UTF-8, a binary file) or a line is too long to be an event (drained, never held whole)."""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TypeVar, cast

import pyarrow as pa

from orchestration.landing.page_parser import PageParseError, parse_event_page

T = TypeVar("T")

# Quarantined text is kept for diagnosis, but a hostile 50 MB line must not bloat the warehouse.
MAX_RAW_TEXT_CHARS = 65_536


# No real event comes near this; a longer line is rejected before any JSON parsing, which bounds
# the time and memory one hostile line can cost.
MAX_LINE_BYTES = 8 * 1024 * 1024


# How much of a file is sniffed to tell text from binary.
SNIFF_BYTES = 8192


# Records are validated and inserted in chunks of about this many bytes of text (callers derive
# it from DuckDB's memory limit: Settings.landing_chunk_bytes).
DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024


# Exports are read in blocks of this size and handed to DuckDB as pieces of complete lines:
# big enough that Python's work per piece is negligible, small enough that a chunk holds many
# pieces for DuckDB's threads to share.
PIECE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """One record as read from a file, before validation. `reason` is set when Python already
    knows it cannot be loaded (undecodable bytes, an unrecognisable page)."""

    line_number: int
    text: str
    reason: str | None = None
    detail: str | None = None

    @property
    def size(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Piece:
    """Complete lines of an export (valid UTF-8, no NUL byte) as one Arrow string: DuckDB splits,
    numbers and validates them (validation.py); Python never looks at a line of it."""

    first_line: int
    text: pa.Array  # type: ignore[type-arg]  # one string value

    @property
    def size(self) -> int:
        return int(self.text.nbytes)


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


Read = Callable[[int], bytes]


def drain(read: Read, *, to_newline: bool = False) -> tuple[int, bytes]:
    """Consume the rest of the line (or stream) in bounded blocks, never holding it: the bytes
    skipped (the newline not counted) and what followed the newline in the last block read."""
    skipped = 0
    while block := read(PIECE_BYTES):
        end = block.find(b"\n") if to_newline else -1
        if end >= 0:
            return skipped + end, block[end + 1 :]
        skipped += len(block)
    return skipped, b""


def _text_or_reject(number: int, raw: bytes, encoding: str = "utf-8") -> str | Candidate:
    """A record's bytes as text, or its reject: not UTF-8 (`invalid_utf8`), or holding a NUL
    byte (`nul_byte`, kept with the NUL spelled out)."""
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return Candidate(number, raw.decode("utf-8", "replace"), "invalid_utf8", str(exc))
    if "\x00" in text:
        return Candidate(number, text.replace("\x00", "\\0"), "nul_byte", None)
    return text


def _line_candidate(number: int, raw: bytes) -> Candidate | None:
    """One line (without its newline) judged by Python: only for the lines of a piece that holds
    bytes DuckDB must not see (a NUL, invalid UTF-8). Blank lines are not records."""
    raw = raw.rstrip(b"\r")
    if not raw.strip():
        return None
    text = _text_or_reject(number, raw)
    return text if isinstance(text, Candidate) else Candidate(number, text)


def _items_of(lines: bytes, first_line: int) -> Iterator[Piece | Candidate]:
    """Complete lines as one piece for DuckDB, or (when some byte in them is not text) line by
    line through Python."""
    if b"\x00" not in lines:
        text = pa.array([lines], pa.binary()).view(pa.string())
        try:
            text.validate(full=True)  # UTF-8, checked by Arrow without decoding into Python
        except pa.ArrowInvalid:
            pass
        else:
            yield Piece(first_line, text)
            return
    for offset, raw in enumerate(lines.split(b"\n")):
        if (candidate := _line_candidate(first_line + offset, raw)) is not None:
            yield candidate


def iter_export_items(read: Read) -> Iterator[Piece | Candidate]:
    """A JSON Lines stream as pieces of complete lines (DuckDB splits, numbers and judges them)
    and the candidates Python judged itself: the lines of a piece holding a NUL byte or invalid
    UTF-8, lines longer than MAX_LINE_BYTES (never held whole in memory), a binary file (one
    record). Tolerates a UTF-8 BOM and CRLF line ends. A last line without its newline (a
    writer still writing, or one that died) is read like any other: not being JSON, it is
    quarantined, not loaded. Line numbers are 1-based and count blank lines.
    """
    head = read(PIECE_BYTES)
    if looks_binary(head):
        size, _ = drain(read)
        yield _binary_candidate(head, len(head) + size)
        return
    data = head.removeprefix(b"\xef\xbb\xbf")  # read, not yet emitted, from a line start
    number = 1  # the line `data` starts with
    while True:
        first_end = data.find(b"\n")
        if first_end > MAX_LINE_BYTES or (first_end < 0 and len(data) > MAX_LINE_BYTES):
            # Too long to be an event: rejected with its size, never held whole.
            if first_end >= 0:
                size, rest = first_end, data[first_end + 1 :]
            else:
                skipped, rest = drain(read, to_newline=True)
                size = len(data) + skipped
            yield Candidate(number, preview_text(data), "line_too_long", f"{size} bytes > {MAX_LINE_BYTES}")
            data, number = rest, number + 1
            continue
        cut = data.rfind(b"\n")
        if cut >= 0:
            yield from _items_of(data[: cut + 1], number)
            number += data.count(b"\n", 0, cut + 1)
            data = data[cut + 1 :]
        block = read(PIECE_BYTES)
        if not block:  # end of file: what is left is a last line without its newline
            if data:
                yield from _items_of(data, number)
            return
        data += block


def chunked(items: Iterable[Piece | Candidate], chunk_bytes: int) -> Iterator[list[Piece | Candidate]]:
    """Consecutive runs of items holding about `chunk_bytes` of text each (at least one)."""
    chunk: list[Piece | Candidate] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += item.size
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
    text = _text_or_reject(1, data, "utf-8-sig")
    if isinstance(text, Candidate):
        return text
    try:
        record = parse_event_page(text)
    except PageParseError as exc:
        return Candidate(1, text, exc.reason_code, exc.detail)
    except Exception as exc:  # a parser bug must not stop the other files
        return Candidate(1, text, "page_parser_error", f"{type(exc).__name__}: {exc}"[:500])
    return Candidate(1, json.dumps(record, ensure_ascii=False))


_DONE = object()


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items`, produced by a background thread up to `depth` ahead: reading, hashing and cutting
    the next chunk (C code that releases the GIL) overlaps DuckDB validating this one, instead
    of leaving a core idle in turn. An error in the producer is raised here; a consumer that
    stops early (or fails) stops the producer and waits for it, so nothing reads a closed file."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=produce, name="landing-reader", daemon=True)
    thread.start()
    try:
        while (item := slots.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)
    finally:
        stop.set()
        thread.join()


class FileChangedWhileReading(Exception):
    """The file changed while it was read: a writer ignoring the temporary-name convention."""


def read_page(read: Read) -> Candidate:
    head = read(MAX_LINE_BYTES + 1)
    size, _ = drain(read)
    return page_candidate(head, len(head) + size)


class HashingFile:
    """Reads a file forward and hashes every byte read: the content key of exactly what was
    loaded (one pass over the file, no second read to hash it)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.hasher = hashlib.sha256()

    def read(self, size: int) -> bytes:
        data = self._stream.read(size)
        self.hasher.update(data)
        return data
