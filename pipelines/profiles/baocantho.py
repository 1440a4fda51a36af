"""Báo Cần Thơ (baocantho.com.vn): its own CMS.

Articles ``/<slug>-a<id>.html``; the Khmer edition ``/khmer/...`` is not Vietnamese text.
The article page: the first ``h1`` is the breadcrumb's, the headline is ``h1.fw700``
(``h1.margintopbot10`` on older pages), the body ``div.content-fck`` (related boxes
``.detail-related``, share bars ``.sharemxh``/``.detail-fb-like-share`` left out).
"""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="baocantho",
    root="h1.fw700, h1.margintopbot10",
    headline="h1.fw700, h1.margintopbot10",
    body="div.content-fck",
    sapo="div.detail-sapo, .sapo, h2.fw700",
    dateline=".detail-date, .news-time, .date-detail, span.date",
    byline="p.author, .detail-author, .author",
    images="figure, table.image, table.picture, div.image",
    caption="figcaption, td.image_desc, .image_desc, td.caption, .caption",
    leave_out=".detail-related, .sharemxh, .detail-fb-like-share, .news-relate",
    tags=".detail-tags a, .tags a, .keyword a",
    category=".breadcrumb a, h1.breadcrumb a, .detail-cate a",
)

LAYOUT = SiteLayout(RULES)

PROFILE = Profile(
    name="baocantho",
    hosts=("baocantho.com.vn",),
    platform="baocantho",
    title="Báo Cần Thơ",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/[a-z0-9][a-z0-9-]*-a(?P<id>\d{5,})\.html$"),
        never=frozenset({"khmer", "video", "tim-kiem", "tag", "rss", "e-magazine"}),
    ),
    discovery=Discovery(
        feeds=("/rss/home.rss",),
        section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?/?$"),
    ),
    checked="public crawler selectors (a public per-site spec: h1.fw700, div.content-fck); "
    "date, sapo, author and tag selectors assumed; saved fixture page",
)
