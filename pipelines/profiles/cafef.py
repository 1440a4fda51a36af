"""CafeF (cafef.vn) on the VCCorp platform: ``.chn`` URLs, ``h1.title``, ``h2.sapo``,
``span.pdate`` ("07-03-2026 - 00:01 AM"), author ``p.author`` and source ``p.source`` under
the body, tags in ``.tagdetail``."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile

PROFILE = Profile(
    name="cafef",
    hosts=("cafef.vn",),
    platform="vccorp",
    title="CafeF",
    layouts=vccorp.LAYOUTS,
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/trang-chu.rss"),
    checked="real page + gold (cafef-1 article, cafef-3 section); fixture site crawled end "
            "to end",
)
