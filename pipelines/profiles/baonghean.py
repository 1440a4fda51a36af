"""Báo Nghệ An (baonghean.vn): OneCMS today, two older layouts in web archives."""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.onecms import ONECMS_DISCOVERY, ONECMS_URLS
from pipelines.sites import layout2017, layout2018, onecms

PROFILE = Profile(
    name="baonghean",
    hosts=("baonghean.vn",),
    platform="onecms",
    title="Báo Nghệ An",
    layouts=(onecms.LAYOUT, layout2018.LAYOUT, layout2017.LAYOUT),
    urls=ONECMS_URLS,
    discovery=ONECMS_DISCOVERY,
    checked="fixture site (36 articles) crawled end to end; 35 saved pages of three eras",
)
