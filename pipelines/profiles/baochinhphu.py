"""Báo Chính phủ (baochinhphu.vn) on the VCCorp platform: breadcrumb ``.detail-breadcrumb``
(section > sub-section), sapo prefixed "(Chinhphu.vn) - ", often no printed author."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile

PROFILE = Profile(
    name="baochinhphu",
    hosts=("baochinhphu.vn",),
    platform="vccorp",
    title="Báo Chính phủ",
    layouts=vccorp.LAYOUTS,
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/rss/home.rss"),
    checked="real page + gold (baochinhphu-1 article, baochinhphu-2 section)",
)
