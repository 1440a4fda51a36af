"""Người Lao Động (nld.com.vn) on the VCCorp platform: author ``p.name[data-role=author]``
in ``.detail-author``, sapo prefixed "(NLĐO)- ", tags in ``.detail-tab``."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile

PROFILE = Profile(
    name="nld",
    hosts=("nld.com.vn",),
    platform="vccorp",
    title="Người Lao Động",
    layouts=vccorp.LAYOUTS,
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/rss/home.rss"),
    checked="public crawler selectors (meth04/tracking_news-mcp app/sources/nld.py, "
            "giapham123/crawl-news-python config.py) and that repo's saved nld page read "
            "locally; fixture page",
)
