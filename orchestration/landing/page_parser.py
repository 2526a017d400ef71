"""Parse a rendered event page (contract §2) into the JSON export shape (contract §1).

The page is the platform's human-readable rendering of one event. This module turns it back into
the same dict that the JSON Lines export carries, so both delivery formats land through one path.

Deliberately *not* done here: vocabulary checks (tone, entity type, category, status), outlet-name
normalisation and the consistency rules of contract §3. Values are kept exactly as written (only
trimmed) so that the warehouse can flag them with reason codes later instead of the parser silently
fixing or dropping them. The parser only raises :class:`PageParseError` when it cannot recognise the
page's *structure*.

Pure and stdlib only: no I/O, no clock, no globals mutated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["PageParseError", "derive_page_event_id", "parse_event_page"]


class PageParseError(ValueError):
    """The page's structure could not be recognised.

    ``reason_code`` is a short snake_case code meant for quarantine tables; ``detail`` is a human
    readable explanation (which line, what was expected).
    """

    def __init__(self, reason_code: str, detail: str) -> None:
        super().__init__(f"{reason_code}: {detail}")
        self.reason_code = reason_code
        self.detail = detail


# --- vocabulary of the page layout (headings and navigation, not data) -------------------------

# Statuses the platform uses. Only used to find where the status ends and the summary starts
# ("Single source Reported by ..." has a two-word status); an unknown status is still accepted.
_KNOWN_STATUSES = ("Verified", "Corroborated", "Single source", "Unverified", "Disputed")

# Navigation / boilerplate lines rendered around the data. Matched as case-insensitive prefixes
# because the submission paragraphs vary with the event's status.
_NAV_PREFIXES = (
    "how we assess confidence",
    "share this event",
    "know another source?",
    "if you've seen this event covered",
    "if you’ve seen this event covered",
    "submissions are reviewed",
    "this event is already verified",
)

# `Outlet → Source tone: tone`. "->" is accepted as well in case the arrow was transliterated.
_REPORT_LINE = re.compile(r"^(?P<outlet>.+?)\s*(?:→|->)\s*Source tone\s*:\s*(?P<tone>.*?)$", re.I)
# Anything that mentions "Source tone:" but does not match the above is a broken report line,
# which must fail loudly rather than be glued into the previous claim.
_LOOKS_LIKE_REPORT = re.compile(r"source tone\s*:", re.I)
_REPORTS_EXPLANATION_PREFIX = "what each source reports"

# The `(type)` that closes each `Name (type)` entity item; the name is the text since the previous
# item. Names may hold digits, hyphens, dots, apostrophes, commas but no parentheses; the type is
# a single word (kept as written, even if outside the vocabulary). Scanning for the `(type)`
# markers alone keeps parsing linear: a lazy `name (type)` pattern backtracks quadratically on a
# long line without parentheses.
_ENTITY_TYPE = re.compile(r"\((?P<type>\w+)\)")

_METADATA_LINE = re.compile(r"^(?P<key>[^:]+?)\s*:\s*(?P<value>.*)$")

_NUMBER_WORDS = {
    "a single": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUMBER = r"(?P<number>\d+|" + "|".join(_NUMBER_WORDS) + r")"
# The number that counts sources: "confirmed by 4 sources", "1 of 3 sources" (3), "a single source".
_COUNTED_SOURCES = re.compile(_NUMBER + r"\s+(?:independent\s+)?(?:sources?|outlets?)\b", re.I)
# Otherwise the first number in the summary.
_ANY_NUMBER = re.compile(r"\b" + _NUMBER + r"\b", re.I)


# Required header lines in page order, with the reason code used when the header stops short.
_HEADER_LINES = (
    ("page_missing_category", "category"),
    ("page_missing_headline", "headline"),
    ("page_missing_location", "location"),
    ("page_missing_status", "verification status"),
    ("page_missing_sources", "confirming outlets"),
)


@dataclass(frozen=True)
class _Sections:
    """The page cut into its regions; each is a list of stripped lines (blank lines kept)."""

    header: list[str]
    entities: list[str]
    reports: list[str]
    metadata: list[str]


# --- public API ---------------------------------------------------------------------------------


def derive_page_event_id(source_story_id: str, headline: str) -> str:
    """Stable event id for a page, which carries no ``event_id`` of its own.

    One story yields several events, so the story id alone is not enough; the headline tells the
    events apart. It is normalised (whitespace collapsed, casefolded) so that a re-render with
    trivial spacing/case differences maps to the same id and supersedes rather than duplicates.
    """
    normalised = " ".join(headline.split()).casefold()
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
    return f"page-{source_story_id.strip()}-{digest}"


def parse_event_page(text: str) -> dict[str, Any]:
    """Parse one rendered event page into the JSON export's shape (see module docstring)."""
    lines = _split_lines(text)
    if not any(lines):
        raise PageParseError("page_empty", "the page holds no text")

    sections = _split_sections(lines)
    extraction = _parse_metadata(sections.metadata)
    reports = _parse_reports(sections.reports)
    entities = _parse_entities(sections.entities)

    # The header is positional: icon + category, headline, location, status, outlets[, assessment].
    header = [line for line in sections.header if line]
    for position, (reason_code, what) in enumerate(_HEADER_LINES):
        if len(header) <= position:
            raise PageParseError(reason_code, f"the page header has no {what} line")
    category = _parse_category(header[0])
    if not category:
        raise PageParseError("page_missing_category", "first line holds no category after the icon")
    headline = header[1]
    location = _parse_location(header[2])
    status, summary = _parse_status(header[3])
    report_outlets = list(dict.fromkeys(report["outlet"] for report in reports))
    sources = _split_sources(header[4], report_outlets)
    # Whatever sits between the sources line and "How we assess confidence →" is the assessment.
    assessment = " ".join(header[5:]) or None

    return {
        "event_id": derive_page_event_id(extraction["source_story_id"], headline),
        "category": category,
        "headline": headline,
        "location": location,
        "verification": {
            "status": status,
            "summary": summary,
            "source_count": _source_count(summary, sources),
            "assessment": assessment,
        },
        "sources": sources,
        "entities": entities,
        "source_reports": reports,
        "extraction": extraction,
    }


# --- layout -------------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    # A BOM would otherwise stick to the icon; splitlines() copes with CRLF/CR; strip() removes
    # trailing spaces and non-breaking spaces that renderers leave behind.
    return [line.strip() for line in text.lstrip("\ufeff").splitlines()]


def _is_heading(line: str, heading: str) -> bool:
    return line.rstrip(":").strip().casefold() == heading


def _is_nav(line: str) -> bool:
    return line.casefold().startswith(_NAV_PREFIXES)


def _index(lines: list[str], predicate: Callable[[str], bool], stop: int | None = None) -> int | None:
    """Index of the first line (before ``stop``) that satisfies ``predicate``, else None."""
    stop = len(lines) if stop is None else stop
    return next((i for i in range(stop) if predicate(lines[i])), None)


def _split_sections(lines: list[str]) -> _Sections:
    """Cut the page at its headings: header | Entities | Source Reports | Extraction metadata."""
    i_meta = _index(lines, lambda line: _is_heading(line, "extraction metadata"))
    if i_meta is None:
        raise PageParseError("page_missing_extraction_metadata", "no 'Extraction metadata' section")
    i_reports = _index(lines, lambda line: _is_heading(line, "source reports"), stop=i_meta)
    i_first_report = _index(lines, lambda line: bool(_REPORT_LINE.match(line)), stop=i_meta)
    # Reports start at their heading, or at the first report line if the heading is missing.
    reports_start = i_reports if i_reports is not None else i_first_report
    if reports_start is None:
        raise PageParseError("page_no_source_reports", "no 'Source Reports' section or report line")
    i_entities = _index(lines, lambda line: _is_heading(line, "entities"), stop=reports_start)

    header_end = i_entities if i_entities is not None else reports_start
    # The header ends at the first navigation line ("How we assess confidence →"); anything after
    # it and before "Entities" is layout, not data.
    i_nav = _index(lines, _is_nav, stop=header_end)
    header = lines[: i_nav if i_nav is not None else header_end]
    entities = lines[i_entities + 1 : reports_start] if i_entities is not None else []
    reports_from = reports_start + 1 if i_reports is not None else reports_start
    return _Sections(header, entities, lines[reports_from:i_meta], lines[i_meta + 1 :])


# --- header -------------------------------------------------------------------------------------


def _parse_category(line: str) -> str:
    # The icon is one or more emoji / symbols plus variation selectors (U+FE0F) and joiners, none of
    # which are alphanumeric; the category is everything after them (may be multi-word).
    start = next((i for i, char in enumerate(line) if char.isalnum()), len(line))
    return line[start:].strip()


def _parse_location(line: str) -> dict[str, str | None]:
    # Only the FIRST comma separates place and region: a region name may itself contain commas.
    name, _, region = line.partition(",")
    return {"name": name.strip(), "region": region.strip() or None}


def _parse_status(line: str) -> tuple[str, str]:
    """Split `Verified Independently confirmed by 4 sources` into status and summary."""
    folded = line.casefold()
    matches = [
        status
        for status in _KNOWN_STATUSES
        if folded.startswith(status.casefold()) and (len(line) == len(status) or line[len(status)].isspace())
    ]
    if matches:
        # Longest wins, so a longer status that shares a prefix with a shorter one is never cut.
        size = len(max(matches, key=len))
    else:
        # Unknown status: keep its first word as written; the warehouse flags it.
        size = len(line.split(maxsplit=1)[0])
    return line[:size], line[size:].strip()


def _split_sources(line: str, known_outlets: list[str]) -> list[str]:
    """Split the space-separated outlets line using the outlet names that head the reports.

    Outlet names contain spaces themselves, so the line is ambiguous on its own. Walk it word by
    word, at each position taking the longest known outlet that matches (case-insensitively); a run
    of words that matches no known outlet becomes one outlet of its own rather than being lost.
    """
    words = line.split()
    candidates = sorted((name.split() for name in known_outlets if name.split()), key=len, reverse=True)
    candidates_folded = [[word.casefold() for word in name] for name in candidates]

    sources: list[str] = []
    unmatched: list[str] = []
    i = 0
    while i < len(words):
        window = [word.casefold() for word in words[i:]]
        size = next((len(name) for name in candidates_folded if window[: len(name)] == name), 0)
        if size:
            if unmatched:
                sources.append(" ".join(unmatched))
                unmatched = []
            sources.append(" ".join(words[i : i + size]))  # as written on the sources line
            i += size
        else:
            unmatched.append(words[i])
            i += 1
    if unmatched:
        sources.append(" ".join(unmatched))
    return sources


def _source_count(summary: str, sources: list[str]) -> int:
    """The count the platform claims; falls back to the outlets listed when the summary has none.

    This is the *claimed* count on purpose: contract §3 rule 3 compares it with the reports later.
    """
    match = _COUNTED_SOURCES.search(summary) or _ANY_NUMBER.search(summary)
    if match:
        number = match.group("number")
        return int(number) if number.isdigit() else _NUMBER_WORDS[number.casefold()]
    return len({source.casefold() for source in sources})


# --- entities -----------------------------------------------------------------------------------


def _parse_entities(lines: list[str]) -> list[dict[str, str]]:
    # Rendered as one line, but joining all lines tolerates a renderer that wraps it.
    text = " ".join(line for line in lines if line and not _is_nav(line))
    entities: list[dict[str, str]] = []
    position = 0
    for match in _ENTITY_TYPE.finditer(text):
        name = text[position : match.start()].strip()
        if not name or "(" in name or ")" in name:
            break  # text that is not a `Name (type)` item: reported below
        entities.append({"name": name, "type": match.group("type")})
        position = match.end()
    leftover = text[position:].strip()
    if leftover:
        # Fail loudly: dropping part of the entity list silently would hide entities.
        raise PageParseError("page_bad_entity_line", f"unrecognised entity text: {leftover[:80]!r}")
    return entities


# --- source reports -----------------------------------------------------------------------------


def _parse_reports(lines: list[str]) -> list[dict[str, str]]:
    """Parse `Outlet → Source tone: tone` lines, each followed by its claim paragraph.

    A claim is the non-empty lines up to the next report line or the first navigation line.
    Between navigation and the next report line (or the end) everything is boilerplate, so a
    re-worded submission paragraph does not break parsing or leak into a claim.
    """
    reports: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    claim: list[str] = []

    def finish() -> None:
        if current is None:
            return
        if not claim:
            raise PageParseError("page_bad_report_line", f"report of {current['outlet']!r} has no claim")
        current["claim"] = " ".join(claim)
        reports.append(current)

    for line in lines:
        if not line or line.casefold().startswith(_REPORTS_EXPLANATION_PREFIX):
            continue
        match = _REPORT_LINE.match(line)
        if match:
            outlet, tone = match.group("outlet").strip(), match.group("tone").strip()
            if not tone:
                raise PageParseError("page_bad_report_line", f"report line without tone: {line!r}")
            finish()
            current, claim = {"outlet": outlet, "tone": tone}, []
        elif _LOOKS_LIKE_REPORT.search(line):
            raise PageParseError("page_bad_report_line", f"unrecognised report line: {line!r}")
        elif _is_nav(line):
            finish()
            current, claim = None, []
        elif current is not None:
            claim.append(line)
        # else: text outside any report (wrapped explanation, boilerplate): not data.
    finish()

    if not reports:
        raise PageParseError("page_no_source_reports", "no `Outlet → Source tone: tone` line")
    return reports


# --- extraction metadata ------------------------------------------------------------------------


def _parse_metadata(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        match = _METADATA_LINE.match(line)
        if match:
            # First occurrence wins; keys are compared case-insensitively.
            values.setdefault(match.group("key").casefold(), match.group("value").strip())

    extracted_at = values.get("extracted", "")
    source_story_id = values.get("source story", "")
    if not extracted_at or not source_story_id:
        missing = [
            label for label, value in (("Extracted:", extracted_at), ("Source story:", source_story_id)) if not value
        ]
        raise PageParseError("page_missing_extraction_metadata", f"missing {' and '.join(missing)} in metadata")
    extraction = {"extracted_at": extracted_at, "source_story_id": source_story_id}
    version = values.get("extractor version") or values.get("extractor")
    if version:
        extraction["extractor_version"] = version  # only present when the page gives it
    return extraction
