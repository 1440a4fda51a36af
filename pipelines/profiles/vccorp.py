"""The VCCorp CMS platform: tuoitre.vn, nld.com.vn, thanhnien.vn, baochinhphu.vn, cafef.vn,
cafebiz.vn and the other papers whose article body is ``div.detail-content.afcbc-body``.

What its papers share:

- URLs: an article is ``/<slug>-<id>.htm`` (``.chn`` on the CafeF family), the id a long
  number made of a paper prefix and the publication time (``20260307075519174``,
  ``102260228093004191``, ``18826030622484142``); sections are ``/<slug>.htm`` or
  ``/<section>/<sub>.htm``; tag pages ``/<slug>.html``; authors ``/tac-gia/<slug>-<n>.htm``;
  video under ``/video/``; more stories load from ``/timelinelist/<zone>/<page>.htm``.
- Listings: story boxes whose title links are ``a.box-category-link-title`` (also
  ``box-link-title``, ``box-stream-link-title``); the CafeF family uses ``h3 a`` in
  ``.tlitem`` and ``.firstitem`` boxes.
- Articles: ``h1[data-role=title]``, ``[data-role=sapo]``, ``[data-role=publishdate]``, the body
  ``div.detail-content.afcbc-body[data-role=content]`` with photo boxes ``figure`` (caption
  ``figcaption.PhotoCMS_Caption``) and boxes to leave out (``type="RelatedNewsBox"``,
  ``type="RelatedOneNews"``, the CafeF "TIN MỚI" box ``.tindnd``, ad zones).

:func:`rules` builds a paper's selector rules from the platform's, so a paper only states
where it differs (usually the byline).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pipelines.profiles.base import Discovery, UrlRules
from pipelines.profiles.listings import ListingLayout
from pipelines.sites.selectors import Rules, SelectorLayout

VCCORP_NEVER = frozenset(
    {"video", "videos", "tac-gia", "tag", "tags", "tim-kiem", "search", "rss", "timeline",
     "timelinelist", "podcast", "media", "multimedia", "infographic", "photo", "chu-de",
     "nhom-chu-de", "su-kien", "du-lieu", "static", "ajax", "api", "en", "cn", "livestream"}
)  # fmt: skip
"""First path segments of VCCorp papers that hold no text article (media, authors, tags,
search, topic threads, data pages, AJAX listing fragments, foreign editions)."""

ARTICLE_PATH = re.compile(r"/[A-Za-z0-9][A-Za-z0-9-]*?-(?P<id>\d{10,20})\.(?:htm|chn)$")
"""``/<slug>-<id>.htm`` or ``.chn``: the id is 14-19 digits today (publication time plus a
paper prefix and a sequence number); 10 is a safe floor that still keeps author pages
(``-20148.htm``) and tag pages (``.html``) out."""

VCCORP_URLS = UrlRules(article=ARTICLE_PATH, never=VCCORP_NEVER)

NOT_SECTIONS = ("video", "videos", "podcast", "media", "multimedia", "infographic", "photo",
                "emagazine", "tim-kiem", "search", "tac-gia", "rss", "timeline", "timelinelist")
SECTION_PATH = re.compile(
    r"^/(?!(?:" + "|".join(NOT_SECTIONS) + r")(?:[./]|$))[a-z0-9-]+(?:/[a-z0-9-]+)?\.(?:htm|chn)$"
)
"""``/kinh-doanh.htm``, ``/chinh-sach-va-cuoc-song/chinh-sach-moi.htm``, ``/doc-nhanh.chn``;
not ``/video.htm``, ``/tim-kiem.htm``, ``/rss.htm`` (media, search, the feed list) nor
``.html`` (tag pages)."""

STORY_LINKS = (
    "a.box-category-link-title, a.box-category-link-with-avatar, a.box-link-title, "
    "a.box-stream-link-title, .tlitem h3 a, .firstitem h2 a, .box-category-item h3 a"
)
"""Story links of a VCCorp listing (``scrapy`` reads every article-shaped link too)."""

NEXT_LINKS = (
    'a[rel~="next"], link[rel~="next"], .pagination a, .paging a, a.view-more, a.btn-viewmore'
)


def discovery(*feeds: str, sections: tuple[str, ...] = ()) -> Discovery:
    """A VCCorp paper's discovery: its feeds (paths) and extra start sections."""
    return Discovery(
        feeds=feeds,
        feed_prefixes=("/rss",),
        sections=sections,
        section_path=SECTION_PATH,
        listing_links=STORY_LINKS,
        next_links=NEXT_LINKS,
    )


LEAVE_OUT = (
    "[type='RelatedNewsBox'], [type='RelatedOneNews'], [type='Vote'], [type='VideoStream'], "
    "[type='RelatedNews'], .kbwscwl-relatedbox, .VCObjectBoxRelatedNewsContentWrapper, "
    ".readmore-body-box, .tindnd, #listNewsInContent, .h-show-pc, .h-show-mobile, "
    ".c-banner, zone, [id^='admzone'], [class*='admzone'], .detail-cover, .link-content-footer, "
    ".VideoCMS_Caption, [data-check-position]"
)
"""Boxes inside VCCorp bodies that are not article text: related-story boxes, polls, videos,
the CafeF "TIN MỚI" box, ad slots."""

SIGNATURE = (
    "div.detail-content > p[style*='text-align: right']:last-of-type, "
    "div.detail-content > p[style*='text-align:right']:last-of-type, "
    "div.detail-content > p[align='right']:last-of-type"
)
"""The author signed under the text (a right-aligned last paragraph, as on Báo Chính phủ):
the byline when the page prints no author element, never body text."""

RULES = Rules(
    name="vccorp",
    root="div.detail-content.afcbc-body",
    headline="h1.detail-title, h1[data-role='title']",
    body="div.detail-content.afcbc-body",
    sapo="h2.detail-sapo, [data-role='sapo']",
    dateline="[data-role='publishdate']",
    byline=("[data-role='author'], .detail-author .author-info .name, .detail-author-top .name, "
            ".content_source p.author, p.author, .author-info .name, " + SIGNATURE),
    images="figure, div.VCSortableInPreviewMode[type='Photo']",
    caption="figcaption, .PhotoCMS_Caption",
    leave_out=LEAVE_OUT,
    tags=".detail-tab a, .detail-tags a, .tags-container a, .tagdetail .row2 a",
    category=".detail-breadcrumb a, .detail-cate a, a.category-page__name",
)
"""The platform's article layout; papers change a field or two with :func:`rules`."""


def rules(name: str, **changes: Any) -> Rules:
    """The platform rules under another name, with some selectors changed."""
    return replace(RULES, name=name, **changes)


LAYOUT = SelectorLayout(RULES)
"""Any VCCorp paper's article page, found by structure (``afcbc-body``)."""


LISTING = ListingLayout("vccorp-listing", STORY_LINKS, RULES.body, VCCORP_URLS)
"""VCCorp home and section pages (they declare ``og:type=article``)."""
LAYOUTS = (LAYOUT, LISTING)
"""A paper's layouts when it needs no rules of its own."""
