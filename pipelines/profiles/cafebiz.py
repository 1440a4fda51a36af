"""CafeBiz (cafebiz.vn) on the VCCorp platform, CafeF's sister paper: ``.chn`` URLs,
``h1.title``, ``h2.sapo``, ``div.detail-content.afcbc-body``, author ``p.p-author`` or
``strong.detail-author`` under the body."""

from __future__ import annotations

from pipelines.profiles import vccorp
from pipelines.profiles.base import Profile
from pipelines.sites.selectors import SelectorLayout

LAYOUT = SelectorLayout(vccorp.rules(
    "cafebiz",
    byline="[data-role='author'], p.p-author, strong.detail-author, p.author",
    tags=".tags-item a, .tagdetail .row2 a, .detail-tab a",
    category="a[data-role='cate-name'], .breadcrumb a",
))

PROFILE = Profile(
    name="cafebiz",
    hosts=("cafebiz.vn",),
    platform="vccorp",
    title="CafeBiz",
    layouts=(LAYOUT, *vccorp.LAYOUTS),
    urls=vccorp.VCCORP_URLS,
    discovery=vccorp.discovery("/rss/home.rss"),
    checked="public knowledge of the CafeF family's markup (checked on the cafef real page "
            "+ gold); fixture page",
)
