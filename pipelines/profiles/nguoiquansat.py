"""Người Quan Sát (nguoiquansat.vn): a OneCMS paper (:mod:`pipelines.profiles.onecms`).

Its template is the current OneCMS one (``div.b-maincontent`` around ``article.entry``
with the ``.sc-longform-header`` block); the tags are ``div.c-tags ul li h4 a`` and the
breadcrumb marks the article's section ``li.breadcrumb-item.active``.
"""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.onecms import LAYOUTS, ONECMS_DISCOVERY, ONECMS_URLS

PROFILE = Profile(
    name="nguoiquansat",
    hosts=("nguoiquansat.vn",),
    platform="onecms",
    title="Người Quan Sát",
    layouts=LAYOUTS,
    urls=ONECMS_URLS,
    discovery=ONECMS_DISCOVERY,
    checked="real page + gold (nguoiquansat-1 article); OneCMS saved pages and fixture site",
)
