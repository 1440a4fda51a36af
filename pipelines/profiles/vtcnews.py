"""VTC News (vtcnews.vn): its own CMS.

Articles are ``/<slug>-ar<id>.html``; sections ``/<slug>-<id>.html`` (no ``ar``), the
latest-news list ``/tin-moi-hom-nay.html`` with next pages ``/tin-moi-hom-nay/trang-2.html``;
videos ``/video/...``, tags ``/tag/...``, topics ``/chu-de/...``.

The article page: ``section.nd-detail`` with ``h1`` (``font28``), ``span.time-update``
("Thứ Tư, 24/12/2025 09:30:00 +07:00"), ``a.mt-category``, the sapo printed as
``span.inline-nb`` "(VTC News) -" then ``h2.inline-nb``, the body
``div.edittor-content`` (photo stories: each ``figure`` with an empty caption and the
text ``p.ctmb`` beside it), ``div.author-make`` (byline), ``ul.keylink a`` (tags); the
sponsored boxes are ``div.baner-mb``/``div.baner-pc``.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="vtcnews",
    root="section.nd-detail h1, section.nd-detail div.edittor-content",
    headline="section.nd-detail header h1, section.nd-detail h1",
    body="div.edittor-content",
    sapo="div.content-wrapper > h2.inline-nb, div.content-wrapper > h2",
    dateline="section.nd-detail span.time-update",
    byline="div.author-make",
    images="figure, div.expNoEdit.div-pic-fw table, table.image",
    caption="figcaption, .expNoEdit p.caption",
    leave_out=".baner-mb, .baner-pc, .ads-item, .div-interaction, .result-quizz, "
    ".relate-listnews, .box-related",
    tags="ul.keylink a",
    category="section.nd-detail a.mt-category",
)

LAYOUT = SiteLayout(
    RULES,
    hosts=("vtcnews.vn",),
    listing="article h3 a[href*='-ar'], article h2 a[href*='-ar']",
    sapo_prefix="div.content-wrapper > span.inline-nb",
)

PROFILE = Profile(
    name="vtcnews",
    hosts=("vtcnews.vn",),
    platform="vtcnews",
    title="VTC News",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/[a-z0-9][a-z0-9-]*-ar(?P<id>\d{5,})\.html$"),
        never=frozenset({"video", "tag", "chu-de", "tim-kiem", "rss", "emagazine",
                         "infographic", "podcast"}),
    ),
    discovery=Discovery(
        feeds=("/rss/feed.rss",),
        sections=("/tin-moi-hom-nay.html",),
        section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:-\d+)?\.html$"),
        listing_links="section.list-articles article h3 a, article figure a",
    ),
    checked="real page + gold (vtcnews-1 article, vtcnews-2 list); the real list page "
    "crawled from a local stand-in (its news list only)",
)
