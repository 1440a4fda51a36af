"""Báo Lào Cai (baolaocai.vn): the "article__ / cms-" template
(:mod:`pipelines.profiles.zce`), ``/<slug>-post<id>.html`` articles.
"""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.zce import LAYOUT, ZCE_DISCOVERY, zce_urls

PROFILE = Profile(
    name="baolaocai",
    hosts=("baolaocai.vn",),
    platform="zce",
    title="Báo Lào Cai",
    layouts=(LAYOUT,),
    urls=zce_urls(),
    discovery=ZCE_DISCOVERY,
    checked="public knowledge only (template assumed to be the shared article__/cms- one, "
    "not confirmed by a saved page); saved fixture page in that template",
)
