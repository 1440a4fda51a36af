"""The OneCMS platform: baonghean.vn, nguoiquansat.vn and other papers on the same CMS.

What its papers share: URL shapes, discovery (``/rss/home.rss``, listing grids) and the
layout (:mod:`pipelines.sites.onecms`). Each paper's profile adds its hosts and name.
"""

from __future__ import annotations

import re

from pipelines.profiles.base import Discovery, UrlRules
from pipelines.sites import onecms

ONECMS_NEVER = frozenset(
    {"video", "short-video", "photo", "podcast", "emagazine", "an-pham", "tim-kiem",
     "tin-moi-nhat", "thoi-tiet", "lich-am-duong-hom-nay", "rss", "tag", "tags", "en", "fr",
     "ru", "cn"}
)  # fmt: skip
"""First path segments of OneCMS sites that are never text articles (media, search,
foreign editions)."""

ONECMS_URLS = UrlRules(
    article=re.compile(r"/[A-Za-z0-9][A-Za-z0-9-]*?-(?:post)?(?P<id>\d{5,})\.html?$"),
    never=ONECMS_NEVER,
    topic=re.compile(r"-event\d+\.html?$"),
)
"""``/<slug>-<id>.html`` (8-digit ids today, 6 before 2022), ``/<slug>-post<id>.html``
(2022-2024); topic pages ``-event<id>.html`` share the shape but are collections."""

ONECMS_DISCOVERY = Discovery(
    feeds=("/rss/home.rss",),
    section_path=re.compile(r"^/[a-z0-9-]+(?:/[a-z0-9-]+)?/?$"),
    listing_links="h3.b-grid__title a, .b-grid__img a",
)

LAYOUTS = (onecms.LAYOUT,)
