"""The fixture site an hour later: new articles published, some edited.

``tests/siteserver.py`` reads ``routes.json`` once, at start, so a site that changes
while it is served is written in three steps::

    prepare(root, today, update)   # routes of both versions, the base version's pages
    ...start the server on root, crawl...
    publish(root, today, update)   # the pages as of the update

Until :func:`publish`, the new articles' pages exist but nothing links to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.sitecorpus import SECTIONS
from tests.sitegen import BULK, VN_TZ, Article, Site, make_article, plan, write_site

PUBLISH_WITHIN = timedelta(hours=1)
"""Routes (monthly sitemaps) listed by :func:`prepare` cover an update published this late."""
EDIT_NOTE = "Bài viết đã được cập nhật thêm thông tin từ cơ quan chức năng."
"""The sentence an edit appends to an article's first paragraph."""


@dataclass(frozen=True)
class Update:
    """What happened on the site since the base version."""

    now: datetime
    """Aware time of the update; new articles are published in the hours before it."""
    new: int = 4
    """Articles published (one an hour before ``now``), linked from listings, sitemaps, feeds."""
    edited: tuple[int, ...] = ()
    """Indexes of existing articles edited at ``now``: their sitemap ``<lastmod>`` moves."""


def apply_update(articles: list[Article], update: Update) -> tuple[list[Article], list[Article]]:
    """Publish and edit in place; returns (new articles, edited articles)."""
    edited = [articles[index] for index in update.edited]
    for article in edited:
        article.paragraphs[0] = f"{article.paragraphs[0]} {EDIT_NOTE}"
        article.modified = update.now.astimezone(VN_TZ).replace(microsecond=0)
    new = []
    for k in range(update.new):
        index = len(articles)
        published = (update.now - timedelta(hours=k + 1)).astimezone(VN_TZ)
        section = SECTIONS[index % len(SECTIONS)]
        new.append(make_article(index, section, BULK + k, published.replace(second=0,
                                                                             microsecond=0)))
        articles.append(new[-1])
    return new, edited


def updated_site(today: date, update: Update) -> Site:
    site = plan(today)
    apply_update(site.articles, update)
    return site


def prepare(root: Path, today: date, update: Update) -> Site:
    """Write the base site into *root*, with the routes of the updated one already listed
    (for an update published up to :data:`PUBLISH_WITHIN` after ``update.now``)."""
    write_site(updated_site(today, update), root)
    write_site(updated_site(today, replace(update, now=update.now + PUBLISH_WITHIN)), root)
    return write_site(plan(today), root)


def publish(root: Path, today: date, update: Update) -> Site:
    """Rewrite the pages of *root* as of *update*."""
    return write_site(updated_site(today, update), root)
