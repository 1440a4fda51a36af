"""The coverage report as one self-contained HTML file: inline CSS and SVG, no scripts,
nothing fetched when it is opened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from storage.report import EXTRACTOR_GROUPS, FIELDS, ReportOptions, SiteCoverage
from storage.report_svg import day_bars, hbars, run_timeline, stacked_months

STYLE = """
body { font: 14px/1.4 sans-serif; margin: 2em auto; max-width: 940px; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #3b6ea5; margin-top: 2em; }
h3 { font-size: 1.05em; margin: 1.4em 0 .3em; }
table { border-collapse: collapse; margin: .3em 0; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
td.n, th.n { text-align: right; } .note { color: #666; } .bad { color: #d62728; }
svg { display: block; max-width: 100%; height: auto; }
"""


def render(sites: Sequence[SiteCoverage], options: ReportOptions, generated_at: datetime) -> str:
    """The whole page."""
    span = f"{options.since or 'first article'} .. {options.until or 'last article'}"
    parts = [
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Archive coverage</title><style>{STYLE}</style></head><body>",
        "<h1>Archive coverage</h1>",
        f'<p class="note">Range: {escape(span)} (Vietnam publication dates). '
        f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by <code>vnnews report</code>.</p>",
    ]
    if not sites:
        parts.append("<p>The archive holds nothing in this range.</p>")
    parts.extend(_site(found) for found in sites)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _site(found: SiteCoverage) -> str:
    hosts = ", ".join(found.hosts) or "no articles"
    empty = len(found.empty_days)
    return "\n".join([
        f'<section id="site-{escape(found.site)}"><h2>{escape(found.site)}</h2>',
        f'<p>{found.articles} articles ({escape(hosts)}), {found.undated} undated; '
        f"published {found.first or '-'} .. {found.last or '-'}; "
        f'<span class="{"bad" if empty else ""}">{empty} days without articles</span>.</p>',
        "<h3>Articles per day</h3>", day_bars(found.per_day),
        '<p class="note">Red marks under the axis: days with no article.</p>',
        "<h3>Largest gaps</h3>", _gap_tables(found),
        "<h3>Crawl runs</h3>", run_timeline(_runs(found)), _outcomes(found),
        "<h3>Failures by kind</h3>",
        hbars([(k, n, str(n)) for k, n in found.errors.items()], "errors", "failed"),
        _counts_table("Dropped pages", found.dropped),
        "<h3>Extractor per month</h3>",
        stacked_months(found.extractors, EXTRACTOR_GROUPS),
        "<h3>Field completeness</h3>", hbars(_completeness(found), "completeness", scale=1.0),
        "</section>",
    ])


def _runs(found: SiteCoverage) -> list[tuple[datetime, int, str, str]]:
    points = []
    for run in found.runs:
        colour = "ok" if run.ok else "open" if run.outcome == "open" else "failed"
        errors = sum(run.errors.values())
        title = (f"run {run.id} {run.outcome}: {run.pages} pages, {run.new} new, "
                 f"{errors} errors ({run.started_at:%Y-%m-%d %H:%M} UTC)")
        points.append((run.started_at, run.pages, colour, title))
    return points


def _outcomes(found: SiteCoverage) -> str:
    if not found.outcomes:
        return ""
    failed = [run for run in found.runs if not run.ok]
    rows = "".join(
        f"<tr><td>{run.id}</td><td>{run.started_at:%Y-%m-%d %H:%M}</td>"
        f'<td class="bad">{escape(run.outcome)}</td><td class="n">{run.pages}</td></tr>'
        for run in failed
    )
    shown = ", ".join(f"{escape(k)}: {n}" for k, n in found.outcomes.items())
    table = ("<table><tr><th>run</th><th>started (UTC)</th><th>outcome</th>"
             f'<th class="n">pages</th></tr>{rows}</table>') if failed else ""
    return f"<p>Outcomes: {shown}. Green: finished; red: failed; grey: open.</p>{table}"


def _gap_tables(found: SiteCoverage) -> str:
    dates = "".join(f'<tr><td>{g["first"]}</td><td>{g["last"]}</td><td class="n">{g["days"]}'
                    "</td></tr>" for g in found.date_gaps)
    ids = "".join(f'<tr><td>{g["after"]}</td><td>{g["before"]}</td>'
                  f'<td class="n">{g["missing"]}</td></tr>' for g in found.id_gaps)
    return (
        '<table><tr><th>first empty day</th><th>last empty day</th><th class="n">days</th></tr>'
        f"{dates or '<tr><td colspan=3>none</td></tr>'}</table>"
        '<table><tr><th>article id</th><th>next id</th><th class="n">ids missing</th></tr>'
        f"{ids or '<tr><td colspan=3>none</td></tr>'}</table>"
    )


def _counts_table(title: str, counts: dict[str, int]) -> str:
    if not counts:
        return f'<p class="note">{escape(title)}: none.</p>'
    rows = "".join(f'<tr><td>{escape(k)}</td><td class="n">{n}</td></tr>'
                   for k, n in counts.items())
    return f'<table><tr><th>{escape(title)}</th><th class="n">pages</th></tr>{rows}</table>'


def _completeness(found: SiteCoverage) -> list[tuple[str, float, str]]:
    total = found.completeness.articles
    items = []
    for name in FIELDS:
        count = getattr(found.completeness, name)
        share = count / total if total else 0.0
        items.append((f"with {name}", share, f"{share:.0%} ({count}/{total})"))
    return items
