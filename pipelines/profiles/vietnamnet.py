"""VietNamNet (vietnamnet.vn): its own CMS.

Articles ``/<slug>-<id>.html`` (7 digits today; ``/<slug>-i<id>.html`` in some sections);
tags ``/<slug>-tag<id>.html`` (a topic in the article shape), authors ``/tac-gia/...``,
the English edition ``/en/...``; sections ``/kinh-doanh``, ``/kinh-doanh/tai-chinh``, next
pages ``/kinh-doanh-page2``.

The article page: ``div.content-detail`` with ``h1.content-detail-title``,
``div.publish-date``, ``h2.content-detail-sapo``, the body ``div.maincontent#maincontent``
(``figure.image`` with ``figcaption``; wiki boxes ``article.ck-cms-wiki-news-full`` and
related boxes ``.article-relate``/``.inner-article`` left out), the author
``.article-detail-author__info .name``, tags ``div.tag-cotnent a`` (sic), the breadcrumb
``div.bread-crumb-detail > ul > li > a``.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="vietnamnet",
    root="h1.content-detail-title, div.content-detail div.maincontent",
    headline="h1.content-detail-title",
    body="div.maincontent#maincontent, div.content-detail div.maincontent",
    sapo="h2.content-detail-sapo, div.content-detail-sapo",
    dateline="div.content-detail div.publish-date, div.bread-crumb-detail div.publish-date",
    byline=".article-detail-author__info .name, .article-detail-author .name",
    images="figure, table.image",
    caption="figcaption, .image-caption",
    leave_out="article.ck-cms-wiki-news-full, .article-relate, .inner-article, .box-tag, "
    ".vnn-share-social, .banner-advertisement, .vmcadszone",
    tags="div.tag-cotnent a, div.tag-content a",
    category="div.bread-crumb-detail > ul > li > a",
)

LAYOUT = SiteLayout(
    RULES,
    hosts=("vietnamnet.vn",),
    listing=".horizontalPost__main-title a, .verticalPost__main-title a",
)

PROFILE = Profile(
    name="vietnamnet",
    hosts=("vietnamnet.vn",),
    platform="vietnamnet",
    title="VietNamNet",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/(?:[a-z0-9-]+/)?[a-z0-9][a-z0-9-]*-i?(?P<id>\d{6,})\.html$"),
        never=frozenset({"en", "video", "podcast", "tac-gia", "tim-kiem", "tag", "chu-de",
                         "emagazine", "infographic", "rss"}),
        topic=re.compile(r"-tag\d+\.html$"),
    ),
    discovery=Discovery(
        feeds=("/rss/tin-moi-nhat.rss",),
        section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?$"),
        listing_links=".horizontalPost__main-title a, .verticalPost__main-title a",
    ),
    checked="public crawler selectors and a public saved article page's structure "
    "(meth04/tracking_news-mcp fixture); saved fixture page",
)
