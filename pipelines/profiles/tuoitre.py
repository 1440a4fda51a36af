"""Tuổi Trẻ (tuoitre.vn) on the VCCorp platform: the byline printed under the body lists
every author (the one above the headline shows the first and "và 1 tác giả khác")."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile
from pipelines.sites.selectors import SelectorLayout

LAYOUT = SelectorLayout(vccorp.rules("tuoitre", byline=".box-author-detail, .detail-author-bot"))

PROFILE = Profile(
    name="tuoitre",
    hosts=("tuoitre.vn",),
    platform="vccorp",
    title="Tuổi Trẻ",
    layouts=(LAYOUT, *vccorp.LAYOUTS),
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/rss/tin-moi-nhat.rss"),
    checked="real page + gold (tuoitre-1 article, tuoitre-2 section); fixture site crawled "
            "end to end",
)
