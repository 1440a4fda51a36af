"""Lao Động (laodong.vn): its own CMS, not VCCorp. Articles are
``/<section>/<slug>-<id>.ldo``; tag pages ``/tags/<slug>-<id>.ldo`` and topic pages
``/su-kien/<slug>-<id>.ldo`` share that shape, video and photo stories live under
``/video/``, ``/photo/``. An article has ``h1.title``, the lead ``div.chappeau``, the body
``div.art-body`` (photos in ``figure``), authors ``div.art-authors``, the time
``span.time`` ("Thứ năm, 04/12/2025 10:30 (GMT+7)"), tags ``div.art-tags``."""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.profiles.listings import ListingLayout
from pipelines.sites.selectors import Rules, SelectorLayout

STORY_LINKS = "article h2 a, article h3 a, .list-main-content h2 a, .list-main-content h3 a"

RULES = Rules(
    name="laodong",
    root="div.art-body, div.chappeau",
    headline="h1.title, h1.article-title",
    body="div.art-body",
    sapo="div.chappeau",
    dateline=".art-info .time, span.time",
    byline="div.art-authors, .art-author, .author .name",
    leave_out=".art-related, .box-related, .ads, .ad, [class*='adv'], .art-authors",
    tags="div.art-tags a, .tags a",
    category=".breadcrumbs a, .breadcrumb a",
)

URLS = UrlRules(
    article=re.compile(r"/[a-z0-9][a-z0-9-]*?-(?P<id>\d{5,})\.ldo$"),
    never=frozenset({"tags", "tag", "su-kien", "video", "photo", "emagazine", "podcast",
                     "infographic", "tim-kiem", "search", "rss", "tac-gia", "english"}),
)

PROFILE = Profile(
    name="laodong",
    hosts=("laodong.vn",),
    platform="laodong",
    title="Lao Động",
    layouts=(SelectorLayout(RULES),
             ListingLayout("laodong-listing", STORY_LINKS, RULES.body, URLS)),
    urls=URLS,
    discovery=Discovery(
        feeds=("/rss/home.rss",),
        section_path=re.compile(r"^/[a-z0-9-]+(?:/[a-z0-9-]+)?/?$"),
        listing_links=STORY_LINKS,
        next_links="a[rel~='next'], .pagination a",
    ),
    checked="public crawler selectors (h1.title, div.chappeau, div.art-body: "
            "12dTa05/CoLy server/utils/laodong.py and other public crawlers); fixture page",
)
