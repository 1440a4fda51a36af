"""Spider loader: one spider per site profile, plus the spiders of ``SPIDER_MODULES``.

``scrapy list`` names every profiled site and ``news`` (any site, no profile);
``scrapy crawl <site>`` builds the profile's spider class
(:func:`crawler.spiders.news.spider_for`). Adding a site needs no spider module.
"""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from crawler.spiders.news import spider_for
from pipelines.profiles import names, profile


class ProfileSpiderLoader(SpiderLoader):
    """Scrapy's loader, with a spider for every profile that has no class of its own."""

    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        for name in names():
            if name not in self._spiders:
                self._spiders[name] = spider_for(profile(name))
