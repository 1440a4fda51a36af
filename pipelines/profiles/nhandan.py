"""Nhân Dân (nhandan.vn): the "article__ / cms-" template (:mod:`pipelines.profiles.zce`).

Articles ``/<slug>-post<id>.html``; sections ``/chinhtri``, ``/kinhte`` (one word, no
dash, on this paper), topics ``/chu-de/...``, foreign editions on other hosts.
"""

from __future__ import annotations

from pipelines.profiles.base import Profile
from pipelines.profiles.zce import LAYOUT, ZCE_DISCOVERY, zce_urls

PROFILE = Profile(
    name="nhandan",
    hosts=("nhandan.vn",),
    platform="zce",
    title="Báo Nhân Dân",
    layouts=(LAYOUT,),
    urls=zce_urls(),
    discovery=ZCE_DISCOVERY,
    checked="public crawler selectors (title/body/sapo classes in several public crawler "
    "configs); saved fixture page in that template",
)
