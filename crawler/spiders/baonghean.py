"""``scrapy crawl baonghean``: the spider of the baonghean.vn profile.

Every profiled site has its spider built by :mod:`crawler.loader`; this module keeps
the first site's class importable by name.
"""

from __future__ import annotations

from crawler.spiders.news import spider_for
from pipelines.profiles import profile

BaongheanSpider = spider_for(profile("baonghean"))
