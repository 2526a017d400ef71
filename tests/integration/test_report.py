"""The static report of a published warehouse, opened the way analysts open it: from file://, in
a real browser (Debian's chromium driven by playwright), offline."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.charts import CATEGORICAL, LEVEL_COLORS, LEVELS
from orchestration.publish.report import (
    CHART_CONFIDENCE,
    CHART_ENTITIES,
    CHART_EVENTS,
    CHART_IDS,
    CHART_OUTLETS,
    CHART_QUARANTINE,
    write_report,
)
from orchestration.publish.report_data import CONFIDENCE_BINS, MAX_OUTLETS, MAX_PERIODS, TOP_ENTITIES
from tests.integration.conftest import SampleWarehouse, query

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
# Root in a container needs --no-sandbox; the rest keep Chromium from calling Google on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LINKS = {
    "dbt docs (tables, columns, lineage)": "dbt-docs/index.html",
    "Data quality (Great Expectations Data Docs)": "data-docs/index.html",
}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: apt-get install chromium"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def decode_png(png: bytes) -> tuple[int, int, int, list[bytearray]]:
    """Width, height, bytes per pixel and rows of an 8-bit, non-interlaced RGB or RGBA PNG (what
    Chromium writes), undoing the five PNG row filters; no imaging library needed."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, bytearray()
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert depth == 8 and color_type in (2, 6) and interlace == 0, (depth, color_type, interlace)
    bpp = 3 if color_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    rows, prior = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up
            line = bytearray((a + b) & 255 for a, b in zip(line, prior, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prior[i]) // 2) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a, b, c = (line[i - bpp], prior[i], prior[i - bpp]) if i >= bpp else (0, prior[i], 0)
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prior = line
    return width, height, bpp, rows


def colour_counts(rows: list[bytearray], bpp: int) -> dict[str, int]:
    """Pixels per colour, as "rrggbb"."""
    counts: dict[str, int] = {}
    for row in rows:
        for i in range(0, len(row), bpp):
            key = row[i : i + 3].hex()
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_report_opens_offline_in_chromium(sample_warehouse: SampleWarehouse, tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    published = sample_warehouse.settings.published_db
    out = tmp_path / "site" / "report.html"
    summary = write_report(published, out, links=LINKS)
    assert summary.path == out and summary.bytes_written == out.stat().st_size
    assert summary.charts == CHART_IDS
    assert summary.version_id == query(published, "select version_id from audit_publish")[0][0]
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]  # no staging file left
    assert query(published, "select count(*) from audit_quarantine")[0][0] > 0  # the sample plants defects

    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(out.as_uri(), wait_until="load")

            assert summary.version_id in page.locator("header").inner_text()
            assert [page.locator("nav a").nth(i).inner_text() for i in range(len(LINKS))] == list(LINKS)
            for chart_id in CHART_IDS:
                chart = page.locator(f"#{chart_id}")
                assert chart.is_visible(), chart_id
                box = chart.bounding_box()
                assert box is not None and box["width"] > 400 and box["height"] > 200, (chart_id, box)
                svg_box = chart.locator("svg").bounding_box()
                assert svg_box is not None and svg_box["height"] > 100, (chart_id, svg_box)
                assert chart.locator("rect.mark, path.mark, circle.mark").count() > 0, chart_id
            assert page.locator(f"#{CHART_QUARANTINE} .no-data").count() == 0
            png = page.screenshot(full_page=True, path=str(tmp_path / "report.png"))
            if copy := os.environ.get("REPORT_SCREENSHOT"):  # REPORT_SCREENSHOT=x.png: for a person to look at
                Path(copy).write_bytes(png)
        finally:
            browser.close()

    assert problems == []
    assert requests == [out.as_uri()]

    width, height, bpp, rows = decode_png(png)
    assert width == 1400 and height > 900
    colours = colour_counts(rows, bpp)
    background = max(colours, key=colours.__getitem__)
    assert background in ("f6f8fa", "ffffff")  # the page colour dominates: decoded correctly
    assert len(colours) > 200
    assert sum(n for c, n in colours.items() if c not in ("f6f8fa", "ffffff")) > 0.1 * width * height
    painted = {colour.lstrip("#").lower() for colour in LEVEL_COLORS.values()} & colours.keys()
    assert painted == {colour.lstrip("#").lower() for colour in LEVEL_COLORS.values()}


def large_published_db(path: Path) -> Path:
    """The tables the report reads, at the scale of 1M events over 630 days from a Monday (exactly
    MAX_PERIODS weeks: the most bars and points a time chart holds), 5,000 entities, 400 outlets
    and 100k quarantined records of 30 reasons over the same days."""
    levels = "['verified', 'corroborated', 'single_source', 'unverified', 'disputed']"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table audit_publish as select 'v-large' as version_id, "
            "timestamptz '2026-05-25 06:00:00+00' as published_at"
        )
        con.execute(
            f"create table fct_events as select random() as confidence_score, "
            f"{levels}[1 + range % 5] as verification_level from range(1000000)"
        )
        con.execute(
            f"create table agg_daily_event_counts as select date '2023-05-29' + day::int as event_date, "
            f"'cat' || category as category, {levels}[level + 1] as verification_level, "
            "(day + category + level) % 17 + 1 as n_events "
            "from range(630) d(day), range(20) c(category), range(5) l(level)"
        )
        con.execute(
            "create table agg_outlet_scorecards as select 'o' || range as outlet_id, "
            "'outlet ' || range as outlet_name, 'group' || (range % 50) as ownership_group, '1' as reliability_tier, "
            "1 + range % 300 as n_events, (range % 97) / 97 as corroboration_rate from range(400)"
        )
        con.execute(
            "create table agg_entity_timelines as select 'e' || entity as entity_id, "
            "'entity ' || entity as canonical_name, 'person' as entity_type, "
            "date '2023-05-29' + day::int as event_date, 1 + (entity * day) % 7 as n_events "
            "from range(5000) e(entity), range(0, 630, 5) d(day)"
        )
        con.execute(
            "create table audit_quarantine as select 'reason_' || (range % 30) as reason_code, "
            "timestamp '2023-05-29' + to_seconds(range * 544) as loaded_at from range(100000)"
        )
    return path


def test_report_stays_small_on_a_large_warehouse(tmp_path: Path) -> None:
    published = large_published_db(tmp_path / "published.duckdb")
    summary = write_report(published, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")

    def marks(chart_id: str) -> int:
        return html.split(f'id="{chart_id}"', 1)[1].split("</figure>", 1)[0].count('class="mark"')

    # 630 days do not fit as days: weekly bars, the most any time chart draws
    assert html.count("Per week (weeks start on Monday), 2023-05-29 to 2025-02-10.") == 3
    assert marks(CHART_EVENTS) == len(LEVELS) * MAX_PERIODS
    assert marks(CHART_ENTITIES) == TOP_ENTITIES * (MAX_PERIODS + 1)  # a point per week, a line each
    assert marks(CHART_QUARANTINE) == len(CATEGORICAL) * MAX_PERIODS  # 7 reasons and "other"
    assert "other (23 reasons)" in html
    assert marks(CHART_OUTLETS) == MAX_OUTLETS
    assert f"(8 of 400 left out). The {MAX_OUTLETS} highest of 392 are shown." in html
    assert marks(CHART_CONFIDENCE) == len(LEVELS) * CONFIDENCE_BINS
    # so the page has a ceiling, whatever the warehouse's size
    assert summary.bytes_written < 400_000


def test_write_report_replaces_the_page_atomically(sample_warehouse: SampleWarehouse, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report")
    held = out.open()  # a reader with the old page open keeps reading the old page
    write_report(sample_warehouse.settings.published_db, out)
    assert held.read() == "previous report"
    held.close()
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_the_published_file_is_opened_read_only(sample_warehouse: SampleWarehouse, tmp_path: Path) -> None:
    """While an analyst holds the published file open read-only, the report can open it too: a
    read-write open in the same process would be refused (DuckDB allows one configuration per
    open file)."""
    published = sample_warehouse.settings.published_db
    with duckdb.connect(str(published), read_only=True) as analyst:
        summary = write_report(published, tmp_path / "report.html")
        assert summary.version_id == analyst.execute("select version_id from audit_publish").fetchall()[0][0]
