"""Inline SVG charts for the static report: pure functions from plain data to SVG text.

Each chart is one self-contained `<svg>` sized by its viewBox (the page scales it to its card),
with no script, no external reference and no XML namespace URL: inside HTML the parser puts it
in the SVG namespace, and on its own it still parses as XML. Every data mark has class `mark`
and a `<title>` tooltip; every piece of text is HTML-escaped, because outlet, entity and reason
names come from delivered data. Empty data renders a "no data" panel instead of an empty frame.

Colours are the Okabe–Ito colour-blind-safe palette (with its neutral grey); verification levels
always get the same colour, in every chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
BLACK = "#000000"

# Most to least certain: stacked bars draw them bottom-up in this order.
LEVELS = ("verified", "corroborated", "single_source", "unverified", "disputed")
LEVEL_COLORS = {
    "verified": GREEN,
    "corroborated": SKY_BLUE,
    "single_source": ORANGE,
    "unverified": GREY,
    "disputed": VERMILLION,
}
# For series without a fixed meaning (quarantine reasons), in order of use; grey is kept for
# an "other" bucket, so at most len(CATEGORICAL) named series fit in one chart.
CATEGORICAL = (BLUE, ORANGE, GREEN, PURPLE, SKY_BLUE, VERMILLION, YELLOW, BLACK)
OTHER_COLOR = GREY

WIDTH = 640  # viewBox width; the page scales every chart to its card
FONT_SIZE = 11
CHAR_WIDTH = 6.2  # average glyph width of the system sans-serif at FONT_SIZE, for layout only
INK = "#1f2328"  # titles
TEXT = "#57606a"  # axis labels, legends, notes
GRID = "#e1e4e8"
AXIS = "#8c959f"
PANEL_BACKGROUND = "#f6f8fa"

BAR_HEIGHT = 300  # total height of the stacked bar charts and histograms
LEFT = 52  # room for value-axis labels
RIGHT = 12
BOTTOM = 26  # room for category labels
MAX_BAR_WIDTH = 48.0  # a single day must not become one slab across the whole chart


@dataclass(frozen=True)
class Series:
    """One named, coloured series: a value per category (or per bin)."""

    name: str
    values: tuple[float, ...]
    color: str


@dataclass(frozen=True)
class RankedBar:
    """One row of a ranked bar chart; `note` is printed after the value, `detail` only in the tooltip."""

    label: str
    value: float
    note: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Panel:
    """One small multiple: a titled line over the shared categories."""

    title: str
    subtitle: str
    values: tuple[float, ...]


def escape_html(text: object) -> str:
    """Text (or a number) safe in HTML and SVG text and attribute values."""
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: two decimals at most keeps the markup small."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_number(value: float) -> str:
    """Axis and value text: 1,234 for counts, 12.3k / 1.5M when long, up to 2 decimals otherwise."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.3g}k"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _exact(value: float) -> str:
    """Tooltip text: the exact count, never abbreviated."""
    return f"{int(value):,}" if value == int(value) else f"{value:,.4g}"


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * CHAR_WIDTH * size / FONT_SIZE


def _truncate(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text` cut with an ellipsis to fit `width` (the full text goes into the tooltip)."""
    fits = max(1, int(width / (CHAR_WIDTH * size / FONT_SIZE)))
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def _text(x: float, y: float, content: str, *, anchor: str = "start", attrs: str = "") -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    extra = f" {attrs}" if attrs else ""
    return f'<text x="{_n(x)}" y="{_n(y)}"{anchor_attr}{extra}>{escape_html(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, color: str) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{color}"/>'


def _svg(label: str, height: float, parts: Sequence[str], css_class: str = "chart") -> str:
    return (
        f'<svg class="{css_class}" viewBox="0 0 {WIDTH} {_n(height)}" width="{WIDTH}" '
        f'height="{_n(height)}" role="img" aria-label="{escape_html(label)}" font-size="{FONT_SIZE}" '
        f'fill="{TEXT}">{"".join(parts)}</svg>'
    )


def no_data(message: str, *, label: str, height: float = 140) -> str:
    """A panel saying why there is nothing to draw, in place of a chart."""
    return _svg(
        f"{label}: {message}",
        height,
        [
            f'<rect x="1" y="1" width="{WIDTH - 2}" height="{_n(height - 2)}" rx="8" '
            f'fill="{PANEL_BACKGROUND}" stroke="{AXIS}" stroke-dasharray="4 4"/>',
            _text(WIDTH / 2, height / 2 + 5, message, anchor="middle", attrs='font-size="14"'),
        ],
        css_class="chart no-data",
    )


def nice_ticks(top: float, *, count: int = 4, integer: bool = True) -> tuple[float, ...]:
    """Round tick values 0, s, 2s, … up to the first ≥ `top`, about `count` steps, with s in
    1-2-2.5-5 steps; `integer` keeps s a whole number (counts have no fractional ticks)."""
    if top <= 0:
        return (0.0, 1.0)
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if integer:
        steps = [s for s in steps if s >= 1 and s == int(s)]
    step = next((s for s in steps if s >= raw * (1 - 1e-9)), 1.0)
    return tuple(round(i * step, 10) for i in range(math.ceil(top / step - 1e-9) + 1))


def _require_lengths(expected: int, rows: Sequence[Series] | Sequence[Panel]) -> None:
    for row in rows:
        if len(row.values) != expected:
            name = row.name if isinstance(row, Series) else row.title
            raise ValueError(f"{name!r} has {len(row.values)} values for {expected} categories")


def _legend(items: Sequence[tuple[str, str]]) -> tuple[list[str], float]:
    """A swatch and a name per series, left to right, wrapping; the parts and the height used."""
    parts: list[str] = []
    x, y = 0.0, 0.0
    for name, color in items:
        shown = _truncate(name, 220)
        width = 14 + _text_width(shown) + 16
        if x > 0 and x + width > WIDTH:
            x, y = 0.0, y + 18
        parts.append(f'<rect x="{_n(x)}" y="{_n(y + 1)}" width="10" height="10" rx="2" fill="{color}"/>')
        parts.append(_text(x + 14, y + 10, shown))
        x += width
    return ['<g class="legend">', *parts, "</g>"], y + 18


def _value_axis(ticks: Sequence[float], left: float, right: float, y_of: Callable[[float], float]) -> list[str]:
    """Horizontal grid lines with their values on the left; the zero line is the darker baseline."""
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(_line(left, y, right, y, AXIS if tick == 0 else GRID))
        parts.append(_text(left - 6, y + 4, format_number(tick), anchor="end"))
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float, slot: float) -> list[str]:
    """Labels under the plot at `xs`, every k-th one so that they never overlap, kept inside the
    chart's width, each with a short tick."""
    widest = max(_text_width(label) for label in labels) + 10
    step = max(1, math.ceil(widest / slot)) if slot > 0 else 1
    parts = []
    for i in range(0, len(labels), step):
        half = _text_width(labels[i]) / 2
        x = min(max(xs[i], half), WIDTH - half)
        parts.append(_line(xs[i], y - 16, xs[i], y - 12, AXIS))
        parts.append(_text(x, y, labels[i], anchor="middle"))
    return parts


def _stacked(
    spans: Sequence[tuple[float, float]],
    series: Sequence[Series],
    *,
    tips: Sequence[str],
    unit: str,
    label: str,
    axis_labels: Callable[[float], list[str]],
) -> str:
    """Bars at `spans` (x, width), one segment per series with a value, the first series at the
    bottom; `axis_labels(y)` draws the category axis at baseline y."""
    legend, legend_height = _legend([(s.name, s.color) for s in series])
    top, bottom = legend_height + 10, BAR_HEIGHT - BOTTOM
    totals = [sum(s.values[i] for s in series) for i in range(len(spans))]
    ticks = nice_ticks(max(totals))
    scale = (bottom - top) / ticks[-1]

    def y_of(value: float) -> float:
        return bottom - value * scale

    parts = [*legend, *_value_axis(ticks, LEFT, WIDTH - RIGHT, y_of)]
    for i, (x, width) in enumerate(spans):
        base = 0.0
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            tip = f"{tips[i]} · {s.name}: {_exact(value)} {unit} (of {_exact(totals[i])})"
            parts.append(
                f'<rect class="mark" x="{_n(x)}" y="{_n(y_of(base + value))}" width="{_n(width)}" '
                f'height="{_n(value * scale)}" fill="{s.color}"><title>{escape_html(tip)}</title></rect>'
            )
            base += value
    parts += axis_labels(bottom + 16)
    return _svg(label, BAR_HEIGHT, parts)


def _has_data(series: Sequence[Series]) -> bool:
    return any(value > 0 for s in series for value in s.values)


def stacked_bar_chart(
    categories: Sequence[str], series: Sequence[Series], *, label: str, unit: str, empty_message: str
) -> str:
    """Stacked bars, one per category (e.g. day), one segment per series with a positive value."""
    _require_lengths(len(categories), series)
    if not categories or not _has_data(series):
        return no_data(empty_message, label=label)
    slot = (WIDTH - LEFT - RIGHT) / len(categories)
    width = min(slot * 0.8, MAX_BAR_WIDTH)
    spans = [(LEFT + slot * i + (slot - width) / 2, width) for i in range(len(categories))]
    centres = [x + width / 2 for x, _ in spans]
    return _stacked(
        spans,
        series,
        tips=categories,
        unit=unit,
        label=label,
        axis_labels=lambda y: _x_labels(categories, centres, y, slot),
    )


def histogram(edges: Sequence[float], series: Sequence[Series], *, label: str, unit: str, empty_message: str) -> str:
    """Stacked histogram: bin i spans [edges[i], edges[i+1]) on a linear axis, one segment per series."""
    if len(edges) < 2 or any(hi <= lo for lo, hi in pairwise(edges)):
        raise ValueError("edges must be at least two increasing values")
    _require_lengths(len(edges) - 1, series)
    if not _has_data(series):
        return no_data(empty_message, label=label)
    plot_width = WIDTH - LEFT - RIGHT
    xs = [LEFT + (edge - edges[0]) / (edges[-1] - edges[0]) * plot_width for edge in edges]
    spans = [(x0 + 0.5, x1 - x0 - 1) for x0, x1 in pairwise(xs)]  # a 1-unit gap between bins
    tips = [f"{format_number(lo)}–{format_number(hi)}" for lo, hi in pairwise(edges)]
    labels = [format_number(edge) for edge in edges]
    return _stacked(
        spans,
        series,
        tips=tips,
        unit=unit,
        label=label,
        axis_labels=lambda y: _x_labels(labels, xs, y, plot_width / (len(edges) - 1)),
    )


RANK_ROW = 20
RANK_AXIS = 20  # the value axis labels above the first row
MAX_RANK_LABEL = 210.0


def ranked_bar_chart(
    bars: Sequence[RankedBar],
    *,
    label: str,
    value_format: Callable[[float], str],
    x_max: float,
    empty_message: str,
    color: str = BLUE,
) -> str:
    """Horizontal bars in the given order (rank them first), name on the left, value and note on
    the right, on a value axis from 0 to `x_max`."""
    if not bars:
        return no_data(empty_message, label=label)
    label_width = min(max(_text_width(b.label) for b in bars), MAX_RANK_LABEL) + 10
    value_texts = [" · ".join(filter(None, (value_format(b.value), b.note))) for b in bars]
    right = WIDTH - max(_text_width(text) for text in value_texts) - 10
    scale = (right - label_width) / x_max
    height = RANK_AXIS + RANK_ROW * len(bars) + 6

    parts = []
    for tick in nice_ticks(x_max, integer=False):
        if tick > x_max:
            break
        x = label_width + tick * scale
        parts.append(_line(x, RANK_AXIS - 4, x, height - 4, AXIS if tick == 0 else GRID))
        parts.append(_text(x, RANK_AXIS - 8, value_format(tick), anchor="middle"))
    for i, (bar, value_text) in enumerate(zip(bars, value_texts, strict=True)):
        y = RANK_AXIS + RANK_ROW * i
        tip = " · ".join(part for part in (bar.label, value_text, bar.detail) if part)
        width = max(0.0, min(bar.value, x_max)) * scale
        parts += [
            f"<g><title>{escape_html(tip)}</title>",
            _text(label_width - 8, y + 14, _truncate(bar.label, MAX_RANK_LABEL), anchor="end"),
            f'<rect class="mark" x="{_n(label_width)}" y="{_n(y + 3)}" width="{_n(width)}" '
            f'height="{RANK_ROW - 6}" rx="2" fill="{color}"/>',
            _text(label_width + width + 6, y + 14, value_text),
            "</g>",
        ]
    return _svg(label, height, parts)


PANEL_GAP = 24
PANEL_HEADER = 34  # title and subtitle above each plot
PANEL_PLOT = 64
PANEL_FOOTER = 18  # first and last category below each plot
PANEL_LEFT = 34  # room for the shared scale's labels


def small_multiples(
    categories: Sequence[str],
    panels: Sequence[Panel],
    *,
    label: str,
    unit: str,
    empty_message: str,
    columns: int = 2,
    color: str = BLUE,
) -> str:
    """One small line chart per panel over the same categories (e.g. days), all on one value
    scale so that panels compare; a point per value carries the tooltip."""
    _require_lengths(len(categories), panels)
    if not categories or not panels:
        return no_data(empty_message, label=label)
    columns = min(columns, len(panels))
    rows = math.ceil(len(panels) / columns)
    panel_width = (WIDTH - PANEL_GAP * (columns - 1)) / columns
    panel_height = PANEL_HEADER + PANEL_PLOT + PANEL_FOOTER
    ticks = nice_ticks(max(max(p.values) for p in panels), count=2)
    scale = PANEL_PLOT / ticks[-1]

    parts = []
    for index, panel in enumerate(panels):
        px = (panel_width + PANEL_GAP) * (index % columns)
        py = (panel_height + PANEL_GAP) * (index // columns)
        left, right = px + PANEL_LEFT, px + panel_width - 4
        bottom = py + PANEL_HEADER + PANEL_PLOT

        def y_of(v: float, b: float = bottom) -> float:
            return b - v * scale

        parts += [
            f"<g><title>{escape_html(panel.title)}</title>",
            _text(
                px,
                py + 12,
                _truncate(panel.title, panel_width, 12),
                attrs=f'font-size="12" font-weight="600" fill="{INK}"',
            ),
            "</g>",
            _text(px, py + 26, _truncate(panel.subtitle, panel_width)),
            *_value_axis(ticks, left, right, y_of),
        ]
        n = len(categories)
        xs = [(left + right) / 2] if n == 1 else [left + (right - left) * i / (n - 1) for i in range(n)]
        ys = [bottom - v * scale for v in panel.values]
        if n > 1:
            line = " ".join(f"{_n(x)},{_n(y)}" for x, y in zip(xs, ys, strict=True))
            parts += [
                f'<path d="M{_n(xs[0])},{_n(bottom)} L{line} L{_n(xs[-1])},{_n(bottom)}Z" '
                f'fill="{color}" fill-opacity="0.12"/>',
                f'<path class="mark" d="M{line}" fill="none" stroke="{color}" stroke-width="2" '
                'stroke-linejoin="round"/>',
            ]
        for category, x, y, value in zip(categories, xs, ys, panel.values, strict=True):
            tip = f"{panel.title} · {category}: {_exact(value)} {unit}"
            parts.append(
                f'<circle class="mark" cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{color}">'
                f"<title>{escape_html(tip)}</title></circle>"
            )
        parts.append(_text(xs[0], bottom + 14, categories[0], anchor="middle" if n == 1 else "start"))
        if n > 1:
            parts.append(_text(xs[-1], bottom + 14, categories[-1], anchor="end"))
    return _svg(label, rows * panel_height + (rows - 1) * PANEL_GAP, parts)
