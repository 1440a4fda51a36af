"""Plain SVG charts for the coverage report: no scripts, no fonts or files to fetch.

Each function returns one ``<svg>`` element; every mark has a ``<title>`` (shown on
hover) with its exact figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

WIDTH = 900
PLOT_LEFT = 48
PLOT_RIGHT = WIDTH - 12
COLOURS = {"bar": "#3b6ea5", "empty": "#d62728", "ok": "#2ca02c", "failed": "#d62728",
           "open": "#888888", "site_rules": "#3b6ea5", "metadata": "#ff9f1c",
           "generic": "#9467bd", "axis": "#444444"}


def _svg(height: int, label: str, body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'font-family="sans-serif" font-size="11">{"".join(body)}</svg>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, colour: str, title: str) -> str:
    return (f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" '
            f'fill="{COLOURS[colour]}" class="{colour}"><title>{escape(title)}</title></rect>')


def _axis(top: int, bottom: int) -> str:
    return (f'<path d="M{PLOT_LEFT} {top}V{bottom}H{PLOT_RIGHT}" fill="none" '
            f'stroke="{COLOURS["axis"]}"/>')


def _empty(label: str) -> str:
    return _svg(40, label, [_text(PLOT_LEFT, 24, f"{label}: nothing in this range")])


def day_bars(per_day: Sequence[tuple[str, int]]) -> str:
    """Articles per day; a day with none is a red mark under the axis."""
    label = "articles per day"
    if not per_day:
        return _empty(label)
    top, bottom = 14, 170
    peak = max(n for _, n in per_day) or 1
    step = (PLOT_RIGHT - PLOT_LEFT) / len(per_day)
    body = [_axis(top, bottom), _text(PLOT_LEFT - 4, top + 4, str(peak), "end"),
            _text(PLOT_LEFT - 4, bottom, "0", "end")]
    for index, (day, count) in enumerate(per_day):
        x = PLOT_LEFT + index * step
        width = max(step * 0.85, 0.6)
        if count:
            height = (bottom - top) * count / peak
            body.append(_rect(x, bottom - height, width, height, "bar", f"{day}: {count}"))
        else:
            body.append(_rect(x, bottom + 3, max(width, 1.5), 8, "empty", f"{day}: no article"))
    body.append(_text(PLOT_LEFT, bottom + 26, per_day[0][0]))
    body.append(_text(PLOT_RIGHT, bottom + 26, per_day[-1][0], "end"))
    return _svg(bottom + 34, label, body)


def run_timeline(runs: Sequence[tuple[datetime, int, str, str]]) -> str:
    """Crawl runs over time: (started, pages, outcome colour, title); height is pages."""
    label = "crawl runs"
    if not runs:
        return _empty(label)
    top, bottom = 14, 130
    start, end = runs[0][0], runs[-1][0]
    span = (end - start).total_seconds() or 1.0
    peak = max(pages for _, pages, _, _ in runs) or 1
    body = [_axis(top, bottom), _text(PLOT_LEFT - 4, top + 4, str(peak), "end"),
            _text(PLOT_LEFT - 4, bottom, "0", "end")]
    inner = PLOT_RIGHT - PLOT_LEFT - 16
    for started, pages, colour, title in runs:
        x = PLOT_LEFT + 8 + inner * (started - start).total_seconds() / span
        y = bottom - (bottom - top) * pages / peak
        body.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{y:.1f}" '
                    f'stroke="{COLOURS[colour]}" stroke-width="2"/>')
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{COLOURS[colour]}" '
                    f'class="{colour}"><title>{escape(title)}</title></circle>')
    body.append(_text(PLOT_LEFT, bottom + 18, f"{start:%Y-%m-%d %H:%M} UTC"))
    body.append(_text(PLOT_RIGHT, bottom + 18, f"{end:%Y-%m-%d %H:%M} UTC", "end"))
    return _svg(bottom + 26, label, body)


def hbars(items: Sequence[tuple[str, float, str]], label: str, colour: str = "bar",
          scale: float | None = None) -> str:
    """Horizontal bars: (name, value, shown value); *scale* is the full-width value."""
    if not items:
        return _empty(label)
    row, left = 22, 220
    full = scale or max(value for _, value, _ in items) or 1
    body = []
    for index, (name, value, shown) in enumerate(items):
        y = 6 + index * row
        width = (PLOT_RIGHT - left - 140) * value / full
        body.append(_text(left - 6, y + 13, name, "end"))
        body.append(_rect(left, y + 2, max(width, 1.0), row - 6, colour, f"{name}: {shown}"))
        body.append(_text(left + width + 6, y + 13, shown))
    return _svg(12 + row * len(items), label, body)


def stacked_months(rows: Sequence[dict[str, object]], groups: Sequence[str]) -> str:
    """A column per month, stacked by extraction layer, with a legend."""
    label = "extractor per month"
    if not rows:
        return _empty(label)
    top, bottom = 26, 170
    peak = max(sum(int(str(r[g])) for g in groups) for r in rows) or 1
    step = (PLOT_RIGHT - PLOT_LEFT) / len(rows)
    body = [_axis(top, bottom), _text(PLOT_LEFT - 4, top + 4, str(peak), "end")]
    for index, group in enumerate(groups):
        left = PLOT_LEFT + index * 130
        body.append(_rect(left, 4, 12, 12, group, group))
        body.append(_text(left + 16, 14, group.replace("_", " ")))
    for index, row in enumerate(rows):
        x = PLOT_LEFT + index * step
        y: float = bottom
        for group in groups:
            count = int(str(row[group]))
            height = (bottom - top) * count / peak
            if count:
                body.append(_rect(x, y - height, min(max(step * 0.8, 0.6), 60), height, group,
                                  f"{row['month']} {group}: {count}"))
            y -= height
    body.append(_text(PLOT_LEFT, bottom + 16, str(rows[0]["month"])))
    if len(rows) > 1:
        body.append(_text(PLOT_RIGHT, bottom + 16, str(rows[-1]["month"]), "end"))
    return _svg(bottom + 24, label, body)
