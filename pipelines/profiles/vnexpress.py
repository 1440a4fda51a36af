"""VnExpress (vnexpress.net): its own CMS ("fck_detail" article body).

Articles are ``/<slug>-<7-digit id>.html`` on the one host (videos live on
video.vnexpress.net, the English edition on e.vnexpress.net: other sites). Sections are
``/kinh-doanh``, sub-sections ``/kinh-doanh/chung-khoan``, next pages ``/kinh-doanh-p2``;
topics are ``/topic/<slug>-<id>`` and tags ``/tag/...`` (no ``.html``: never articles).

The article page: ``h1.title-detail``, ``p.description`` (sapo), ``span.date`` ("Thứ tư,
22/10/2025, 19:25 (GMT+7)"), ``article.fck_detail`` (``p.Normal`` paragraphs, image boxes
``figure`` / ``table.tplCaption`` with ``p.Image`` captions), the signature as the last
right-aligned paragraph (``p.Normal[style*=right]``) or ``p.author_mail``, breadcrumb
``ul.breadcrumb``. Photo stories keep the same classes; the longform header puts the
title in ``h1.title-detail`` too.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import DEFAULT_NEXT_LINKS, Discovery, Profile, UrlRules
from pipelines.profiles.sitelayout import SiteLayout
from pipelines.sites.selectors import Rules

RULES = Rules(
    name="vnexpress",
    root="h1.title-detail, .title-detail h1",
    headline="h1.title-detail, .title-detail h1",
    body="article.fck_detail, div.fck_detail",
    sapo="p.description, h2.description",
    dateline="span.date, .header-content .date",
    byline=(
        "article.fck_detail > p.author_mail, article.fck_detail > p.author, "
        "article.fck_detail > p[style*='right'], div.fck_detail > p[style*='right'], "
        "p.author_mail"
    ),
    images="figure, table.tplCaption, table.image, div.item_slide_show",
    caption="figcaption, p.Image, td.Image, .desc_cation",
    leave_out=(
        "#article-end ~ *, [data-component-type], .box-tinlienquanv2, .list-news, "
        ".box_embed_video_parent, .box-poll, .footer-content, .width_common.box-category"
    ),
    tags="div.tags h4.item-tag a, .box-tag a.tag-item",
    category="ul.breadcrumb li a",
)

LAYOUT = SiteLayout(
    RULES, hosts=("vnexpress.net",), listing="article h3.title-news a, article h2.title-news a"
)

PROFILE = Profile(
    name="vnexpress",
    hosts=("vnexpress.net",),
    platform="vnexpress",
    title="VnExpress",
    layouts=(LAYOUT,),
    urls=UrlRules(
        article=re.compile(r"^/[a-z0-9][a-z0-9-]*-(?P<id>\d{6,8})\.html$"),
        never=frozenset({"topic", "tag", "chu-de", "video", "podcast", "infographics",
                         "tim-kiem", "tac-gia", "rss", "interactive"}),
    ),
    discovery=Discovery(
        feeds=("/rss/tin-moi-nhat.rss",),
        section_path=re.compile(r"^/[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?$"),
        listing_links="h3.title-news a, article.item-news .thumb-art a",
        next_links=f"{DEFAULT_NEXT_LINKS}, a.next-page",
    ),
    checked="real page + gold (vnexpress-2 article, vnexpress-4 section); the real section "
    "page crawled from a local stand-in; fixture site crawled end to end; public crawler "
    "selectors (flairNLP/fundus)",
)
