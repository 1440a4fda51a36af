"""The "article__ / cms-" template (its body editor marks ``zce-content-body``), shared by
several national and provincial papers: nhandan.vn, vietnamplus.vn, baolaocai.vn (and
tienphong, baogialai, baohatinh... not profiled yet).

The article page: ``h1.article__title.cms-title``, the lead ``.article__sapo.cms-desc``
(an ``h2`` or a ``div``), ``.article__meta`` holding ``time`` (the printed date) and the
author, the body ``div.article__body.zce-content-body.cms-body`` (image boxes ``figure``
or ``table.picture`` with ``figcaption`` / ``td.caption``, related boxes
``.article__related``/``.cms-relate``, notes ``.notebox.cms-note`` kept as text), the
author line ``.article__author`` (``.cms-author``), tags ``.article__tag a``, the
breadcrumb ``.breadcrumbs a`` / ``.article__cate a``. Articles are
``/<slug>-post<id>.html`` (``.vnp`` on vietnamplus.vn).
"""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="zce",
    root="h1.article__title.cms-title, .article__body.zce-content-body",
    headline="h1.article__title",
    body="div.article__body.zce-content-body, div.article__body.cms-body",
    sapo=".article__sapo",
    dateline=".article__meta time, .article__meta .time, .article__meta .date",
    byline=".article__author .name, .article__author .cms-author, .article__meta .cms-author, "
    ".article__author",
    images="figure, table.picture, table.image, div.picture",
    caption="figcaption, td.caption, .pCaption, .caption",
    leave_out=".article__related, .cms-relate, .box-related, .ads, .article__author",
    tags=".article__tag a, .article__tags a",
    category=".breadcrumbs a, .breadcrumb a, .article__cate a",
)

LAYOUT = SiteLayout(
    RULES,
    hosts=("nhandan.vn", "vietnamplus.vn", "baolaocai.vn"),
    listing=".story .story__heading a, article.story h3 a",
)

ZCE_NEVER = frozenset(
    {"video", "videos", "photo", "podcast", "emagazine", "infographic", "multimedia",
     "longform", "tag", "tags", "topic", "chu-de", "su-kien", "tim-kiem", "search", "tac-gia",
     "author", "rss", "en", "fr", "es", "cn", "zh", "ru"}
)  # fmt: skip


def zce_urls(suffix: str = r"\.html") -> UrlRules:
    """``/<slug>-post<id>.html`` (or another suffix)."""
    return UrlRules(
        article=re.compile(rf"^/[a-z0-9][a-z0-9-]*-post(?P<id>\d{{4,}}){suffix}$"),
        never=ZCE_NEVER,
    )


ZCE_DISCOVERY = Discovery(
    feeds=("/rss/home.rss",),
    section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?/?$"),
    listing_links=".story .story__heading a, article.story h3 a, .story__thumb a",
)
