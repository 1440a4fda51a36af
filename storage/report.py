"""The archive's coverage, per site: is it complete, where are the holes, what failed?

:func:`coverage` reads the archive (articles and ``crawl_runs``) and returns plain
numbers; :mod:`storage.report_html` draws them, ``--format json`` prints them.

A site is a profile name (``baonghean``) when a profile owns the articles' host
(:func:`pipelines.profiles.for_host`), else the host itself. Dates are Vietnam
publication dates; with ``since``/``until`` only articles published in that range
(and runs started in it) count, without them undated articles count too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select, true
from sqlalchemy.orm import Session

from pipelines.profiles import for_host
from storage.models import Article, ArticleAuthor, ArticleCaption, ArticleTag
from storage.report_runs import RunPoint, site_runs

TOP_GAPS = 5
EXTRACTOR_GROUPS = ("site_rules", "metadata", "generic")
"""Extraction layers: a site's own rules (any layout module), structured metadata, generic."""
FIELDS = ("time", "authors", "captions", "tags")


@dataclass(frozen=True)
class ReportOptions:
    site: str | None = None
    """Profile name or host; None: every site."""
    since: date | None = None
    until: date | None = None


@dataclass
class Completeness:
    articles: int = 0
    time: int = 0
    """Articles whose publication time is known (not a bare date, not undated)."""
    authors: int = 0
    captions: int = 0
    tags: int = 0


@dataclass
class SiteCoverage:
    site: str
    hosts: list[str] = field(default_factory=list)
    articles: int = 0
    undated: int = 0
    first: str | None = None
    last: str | None = None
    per_day: list[tuple[str, int]] = field(default_factory=list)
    """Every day of the range with its article count, zeros included."""
    empty_days: list[str] = field(default_factory=list)
    date_gaps: list[dict[str, Any]] = field(default_factory=list)
    """The longest runs of days without articles: first, last, days."""
    id_gaps: list[dict[str, Any]] = field(default_factory=list)
    """The largest gaps between consecutive numeric article ids: after, before, missing."""
    extractors: list[dict[str, Any]] = field(default_factory=list)
    """Per month: articles by extraction layer."""
    completeness: Completeness = field(default_factory=Completeness)
    runs: list[RunPoint] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)


SiteGetter = Callable[[str], SiteCoverage]


def site_key(host: str) -> str:
    """The profile name owning *host*, else the host."""
    found = for_host(host)
    return found.name if found is not None else host


def coverage(session: Session, options: ReportOptions) -> list[SiteCoverage]:
    """The coverage of every site of the archive (or of ``options.site``), by site name."""
    sites: dict[str, SiteCoverage] = {}

    def get(name: str) -> SiteCoverage:
        return sites.setdefault(name, SiteCoverage(site=name))

    where = _article_filter(options)
    _add_days(session, where, options, get)
    _add_completeness(session, where, get)
    _add_id_gaps(session, where, get)
    for name, runs in site_runs(session, options.since, options.until, site_key).items():
        get(name).runs = runs
    wanted = options.site
    chosen = [s for name, s in sorted(sites.items())
              if wanted is None or wanted in (name, *s.hosts)]
    for found in chosen:
        _summarise(found)
    return chosen


def _article_filter(options: ReportOptions) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if options.since is not None:
        conditions.append(Article.published_date >= options.since)
    if options.until is not None:
        conditions.append(Article.published_date <= options.until)
    return and_(true(), *conditions)


def _add_days(session: Session, where: ColumnElement[bool], options: ReportOptions,
              get: SiteGetter) -> None:
    stmt = (
        select(Article.site, Article.published_date, Article.extractor, func.count())
        .where(where)
        .group_by(Article.site, Article.published_date, Article.extractor)
    )
    days: dict[str, Counter[date]] = defaultdict(Counter)
    months: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for host, day, extractor, count in session.execute(stmt):
        found = get(site_key(host))
        if host not in found.hosts:
            found.hosts.append(host)
        found.articles += count
        if day is None:
            found.undated += count
            continue
        days[found.site][day] += count
        months[found.site][f"{day:%Y-%m}"][extractor_group(extractor)] += count
    for name, counts in days.items():
        _fill_days(get(name), counts, options)
        get(name).extractors = [
            {"month": month, **{g: groups[g] for g in EXTRACTOR_GROUPS}}
            for month, groups in sorted(months[name].items())
        ]


def extractor_group(extractor: str) -> str:
    """``metadata`` and ``generic`` are layers of their own; every other name is site rules."""
    return extractor if extractor in ("metadata", "generic") else "site_rules"


def _fill_days(found: SiteCoverage, counts: Counter[date], options: ReportOptions) -> None:
    first = options.since or min(counts)
    last = options.until or max(counts)
    found.first, found.last = min(counts).isoformat(), max(counts).isoformat()
    day = first
    while day <= last:
        found.per_day.append((day.isoformat(), counts.get(day, 0)))
        day += timedelta(days=1)
    found.empty_days = [d for d, n in found.per_day if n == 0]
    found.date_gaps = date_gaps(found.per_day)


def date_gaps(per_day: list[tuple[str, int]], top: int = TOP_GAPS) -> list[dict[str, Any]]:
    """The *top* longest runs of days with no article (longest first, then earliest)."""
    runs: list[dict[str, Any]] = []
    for day, count in per_day:
        if count:
            continue
        if runs and date.fromisoformat(runs[-1]["last"]) + timedelta(days=1) == \
                date.fromisoformat(day):
            runs[-1]["last"] = day
            runs[-1]["days"] += 1
        else:
            runs.append({"first": day, "last": day, "days": 1})
    return sorted(runs, key=lambda run: (-run["days"], run["first"]))[:top]


def _has(model: type[ArticleAuthor | ArticleCaption | ArticleTag]) -> ColumnElement[int]:
    return func.sum(case((exists().where(model.article_id == Article.id), 1), else_=0))


def _add_completeness(session: Session, where: ColumnElement[bool], get: SiteGetter) -> None:
    stmt = (
        select(Article.site, func.count(), func.count(Article.published_utc),
               _has(ArticleAuthor), _has(ArticleCaption), _has(ArticleTag))
        .where(where)
        .group_by(Article.site)
    )
    for host, articles, timed, authors, captions, tags in session.execute(stmt):
        total = get(site_key(host)).completeness
        total.articles += articles
        total.time += timed
        total.authors += authors or 0
        total.captions += captions or 0
        total.tags += tags or 0


def _add_id_gaps(session: Session, where: ColumnElement[bool], get: SiteGetter) -> None:
    stmt = select(Article.site, Article.article_id).where(where, Article.article_id.is_not(None))
    ids: dict[str, set[int]] = defaultdict(set)
    for host, article_id in session.execute(stmt):
        if article_id is not None and article_id.isdigit():
            ids[site_key(host)].add(int(article_id))
    for name, numbers in ids.items():
        get(name).id_gaps = id_gaps(sorted(numbers))


def id_gaps(numbers: list[int], top: int = TOP_GAPS) -> list[dict[str, Any]]:
    """The *top* largest gaps between consecutive sorted ids (largest first, then lowest)."""
    gaps = sorted(
        (a - b + 1, a, b) for a, b in zip(numbers, numbers[1:], strict=False) if b - a > 1
    )
    return [{"after": str(a), "before": str(b), "missing": -negative}
            for negative, a, b in gaps[:top]]


def _summarise(found: SiteCoverage) -> None:
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for run in found.runs:
        outcomes[run.outcome] += 1
        errors.update(run.errors)
        dropped.update(run.dropped)
    found.outcomes = dict(sorted(outcomes.items()))
    found.errors = dict(sorted(errors.items(), key=lambda item: (-item[1], item[0])))
    found.dropped = dict(sorted(dropped.items(), key=lambda item: (-item[1], item[0])))


def as_json(sites: list[SiteCoverage], options: ReportOptions) -> dict[str, Any]:
    """The report's numbers, JSON-ready."""
    return {
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "sites": [_site_json(found) for found in sites],
    }


def _site_json(found: SiteCoverage) -> dict[str, Any]:
    data = asdict(found)
    data["per_day"] = [{"date": day, "articles": n} for day, n in found.per_day]
    data["completeness"] = {
        name: {"count": getattr(found.completeness, name),
               "share": _share(getattr(found.completeness, name), found.completeness.articles)}
        for name in FIELDS
    } | {"articles": found.completeness.articles}
    data["runs"] = [run.as_json() for run in found.runs]
    return data


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None

