"""VietnamPlus (vietnamplus.vn, the news agency TTXVN's paper): the "article__ / cms-"
template (:mod:`pipelines.profiles.zce`).

Articles ``/<slug>-post<id>.vnp``; sections ``/chinhtri``, ``/kinhte``...; the foreign
editions (en., zh., ...) are other hosts.
"""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.zce import LAYOUT, ZCE_DISCOVERY, zce_urls

PROFILE = Profile(
    name="vietnamplus",
    hosts=("vietnamplus.vn",),
    platform="zce",
    title="VietnamPlus",
    layouts=(LAYOUT,),
    urls=zce_urls(r"\.vnp"),
    discovery=ZCE_DISCOVERY,
    checked="public crawler selectors (article__title / article__sapo / article__body "
    "zce-content-body, -post<id>.vnp URLs, in public crawler configs); saved fixture page",
)
