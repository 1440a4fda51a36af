"""Scrapy settings for the archiver. Every project setting has the ``ARCHIVE_`` prefix."""

from __future__ import annotations

BOT_NAME = "vnnews-archiver"
SPIDER_MODULES = ["crawler.spiders"]
SPIDER_LOADER_CLASS = "crawler.loader.ProfileSpiderLoader"  # a spider per site profile
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` checks -a arguments before starting

# Politeness: an honest User-Agent, robots.txt, at most 2 concurrent requests per site.
USER_AGENT = (
    "vnnews-archiver/0.1 (+https://github.com/vnnews-archiver/vnnews-archiver; "
    "Vietnamese news archive for research)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every response's output (100 by default);
# a page yields at most one item, and 100 tasks per response cost a third of a crawl's CPU.
CONCURRENT_ITEMS = 4
# Scrapy reads a generator callback's source (inspect + ast) on every response to warn about
# `return value` in generators: its cache is keyed by the bound method, new on each call.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = 0.5  # floor under AutoThrottle's delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A page given up is logged once, as a WARNING by the spider's errback (crawler.middlewares).
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
DOWNLOAD_TIMEOUT = 30
# A page or sitemap larger than this (also once decompressed) is refused as "too-large".
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOADER_MIDDLEWARES = {
    # Just above RetryMiddleware (550): waits out Retry-After on 429/503 before the retry.
    "crawler.middlewares.RetryAfterMiddleware": 560,
    # Below HttpCompressionMiddleware (590): sees decompressed bodies; refuses XML entities.
    "crawler.middlewares.XmlGuardMiddleware": 585,
    # Above RedirectMiddleware (600): refuses redirect loops and redirects off the host.
    "crawler.middlewares.RedirectGuardMiddleware": 610,
    # Above MetaRefreshMiddleware (580), below decompression: the same for <meta> refreshes.
    "crawler.guards.MetaRefreshGuardMiddleware": 583,
    # Scrapy's, with a robots.txt that cannot be fetched logged in one line, no traceback.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.guards.RobotsTxtMiddleware": 100,
}

ITEM_PIPELINES = {
    "pipelines.extraction_pipeline.ExtractionPipeline": 100,
    "pipelines.validation.ValidationPipeline": 200,
    "pipelines.storage_pipeline.StoragePipeline": 300,
}

# ARCHIVE_SCHEDULER=redis shares the crawl between processes (crawler/addons.py).
ADDONS = {"crawler.addons.CrawlMode": 0, "crawler.archivesettings.ArchivePoliteness": 0}

FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.CanonicalFingerprinter"  # utm_* etc. ignored
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Archive settings (override with -s NAME=value; ARCHIVE_DB_URL also from the environment).
ARCHIVE_DB_URL = None  # None: $ARCHIVE_DB_URL, else sqlite:///archive.db
ARCHIVE_BATCH_SIZE = 500  # pages written per transaction at most
ARCHIVE_BATCH_SECONDS = 10.0  # ...and a page waits at most this long to be written
ARCHIVE_SQLITE_SYNCHRONOUS = "NORMAL"  # FULL: each batch synced to disk (survives power loss)
ARCHIVE_EXTRACT_WORKERS = 0  # N >= 1: extraction in N child processes (pipelines/worker.py)
ARCHIVE_MAX_RETRY_AFTER = 120.0  # seconds: longest Retry-After honoured before a retry
ARCHIVE_MAX_LISTING_PAGES = 50  # next-page links followed from one section listing
ARCHIVE_INCREMENTAL = True  # fetch only new, changed or young articles (crawler/incremental.py)
ARCHIVE_REFRESH_HOURS = 48.0  # articles younger than this are fetched again on every crawl
ARCHIVE_LOCK_DIR = None  # lock files of non-SQLite archives; None: the system temporary dir
# Distributed crawling (crawler/distributed.py): several workers, one Redis, one archive.
ARCHIVE_SCHEDULER = "local"  # "redis": share queue, seen requests and politeness via REDIS_URL
REDIS_URL = None  # redis://host:6379/0 (scrapy-redis's setting; None: localhost:6379)
ARCHIVE_REDIS_KEY = "%(spider)s"  # prefix of the crawl's Redis keys; workers of a crawl share it
ARCHIVE_SHARED_DELAY = None  # seconds between requests to a site, all workers; None: DOWNLOAD_DELAY
ARCHIVE_WORKER_TTL = 60.0  # seconds after which a silent (dead) worker no longer counts

# Web archives (-a archive=wayback|commoncrawl; crawler/archivesettings.py): endpoints,
# and per-endpoint politeness (a download slot each; AutoThrottle leaves them alone).
ARCHIVE_WAYBACK_CDX_URL = "https://web.archive.org/cdx/search/cdx"
ARCHIVE_WAYBACK_REPLAY_URL = "https://web.archive.org/web"  # + /<timestamp>id_/<url>
ARCHIVE_CC_INDEX_URL = "https://index.commoncrawl.org"  # + /<crawl>-index, /collinfo.json
ARCHIVE_CC_DATA_URL = "https://data.commoncrawl.org"  # + /<WARC filename>, byte ranges
ARCHIVE_CDX_PAGE_SIZE = 5000  # Wayback CDX rows per page (resumeKey paging)
ARCHIVE_WAYBACK_CDX_DELAY = 2.5  # seconds between CDX queries (about 60/min allowed)
ARCHIVE_WAYBACK_CDX_CONCURRENCY = 1
ARCHIVE_WAYBACK_DELAY = 1.0  # seconds between id_ fetches
ARCHIVE_WAYBACK_CONCURRENCY = 1
ARCHIVE_CC_INDEX_DELAY = 1.0
ARCHIVE_CC_INDEX_CONCURRENCY = 1
ARCHIVE_CC_DATA_DELAY = 0.5
ARCHIVE_CC_DATA_CONCURRENCY = 2
