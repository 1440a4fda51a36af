"""Thanh Niên (thanhnien.vn) on the VCCorp platform since its 2022 redesign: ``h1.detail-title``
(the text in a ``span[data-role=title]``), ``h2.detail-sapo``, ``div.detail-time``, authors
``.detail-author .author-info a.name``, tags ``.detail-tab``."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile

PROFILE = Profile(
    name="thanhnien",
    hosts=("thanhnien.vn",),
    platform="vccorp",
    title="Thanh Niên",
    layouts=vccorp.LAYOUTS,
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/rss/home.rss"),
    checked="public crawler selectors (div.detail-content / div.detail-time in public "
            "thanhnien crawlers); fixture page",
)
