"""Báo Đà Nẵng (baodanang.vn): a OneCMS paper (:mod:`pipelines.profiles.onecms`).

Same URL shapes (``/<slug>-<id>.html``), discovery (``/rss/home.rss``, listing grids
``h3.b-grid__title a``) and article template as the other OneCMS papers.
"""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.onecms import LAYOUTS, ONECMS_DISCOVERY, ONECMS_URLS

PROFILE = Profile(
    name="baodanang",
    hosts=("baodanang.vn",),
    platform="onecms",
    title="Báo Đà Nẵng",
    layouts=LAYOUTS,
    urls=ONECMS_URLS,
    discovery=ONECMS_DISCOVERY,
    checked="OneCMS platform rules (checked on baonghean and nguoiquansat pages); saved "
    "fixture page in the OneCMS template",
)
