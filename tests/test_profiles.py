"""The site-profile registry and the one profile-driven spider."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from cssselect import SelectorSyntaxError
from lxml.cssselect import CSSSelector
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders.news import NewsSpider, spider_for
from pipelines.extract import extract_page
from pipelines.profiles import SITES, UnknownSite, for_url, names, profile, profiles
from pipelines.profiles.base import Discovery, Profile, UrlRules
from pipelines.sites.selectors import Rules
from pipelines.urls import resolve
from tests.test_e2e_crawl import REPO


def test_every_registered_profile_loads_under_its_own_name() -> None:
    assert names() == sorted(SITES)
    for found in profiles():
        assert found.name in SITES
        assert found.hosts and all(h == h.lower() and not h.startswith("www.")
                                   for h in found.hosts)
        assert found.layouts or found.platform == "unknown", found.name
        assert found.checked, f"{found.name}: say how the profile was checked"


def test_no_host_belongs_to_two_profiles() -> None:
    hosts = [host for found in profiles() for host in found.hosts]
    assert len(hosts) == len(set(hosts))


def test_every_profile_selector_compiles() -> None:
    for found in profiles():
        discovery = found.discovery
        for css in (discovery.listing_links, discovery.next_links):
            if css:
                CSSSelector(css)
        for layout in found.layouts:
            rules = getattr(layout, "rules", None)
            if isinstance(rules, Rules):
                assert all(value is None or callable(value) for value in rules.compiled.values())


def test_a_malformed_selector_fails_when_the_profile_is_made() -> None:
    with pytest.raises(SelectorSyntaxError):
        Rules(name="broken", root="div.a[", headline="h1", body="div")
    with pytest.raises(SelectorSyntaxError):
        Discovery(listing_links="h3 a[href")


def test_a_profile_needs_a_lower_case_name_and_a_host() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        Profile(name="Bad Name", hosts=("x.vn",), platform="p")
    with pytest.raises(ValueError, match="no host"):
        Profile(name="nohost", hosts=(), platform="p")


def test_unknown_profile_lists_the_known_names() -> None:
    with pytest.raises(UnknownSite, match="known: .*baonghean"):
        profile("no-such-paper")


def test_profile_for_url_by_host() -> None:
    assert for_url("https://www.baonghean.vn/a-10264872.html") is profile("baonghean")
    assert for_url("https://BAONGHEAN.VN/") is profile("baonghean")
    assert for_url("https://unknown-paper.vn/a-123456.html") is None
    assert for_url("http://[::1/a-1.html") is None


def test_url_rules_of_baonghean() -> None:
    rules = profile("baonghean").urls
    assert rules.article_id("https://baonghean.vn/ky-quy-che-10264872.html") == "10264872"
    assert rules.article_id("https://baonghean.vn/tin-cu-post258616.html") == "258616"
    assert not rules.is_article("https://baonghean.vn/dai-hoi-event10012345.html")
    assert not rules.is_article("https://baonghean.vn/video/ban-tin-10264872.html")
    assert not rules.is_article("https://baonghean.vn/thoi-su")
    assert not rules.is_article("mailto:a-10264872.html")


def test_generic_url_rules_take_common_vietnamese_shapes() -> None:
    rules = UrlRules()
    assert rules.article_id("https://paper.vn/thoi-su/tin-a-4954454.html") == "4954454"
    assert rules.article_id("https://paper.vn/tin-b-20260307075519174.htm") == "20260307075519174"
    assert rules.article_id("https://paper.vn/tin-c-post1613516.html") == "1613516"
    assert not rules.is_article("https://paper.vn/thoi-su")
    assert not rules.is_article("https://paper.vn/trang-2.html")


def test_links_to_the_profile_hosts_move_onto_base_url() -> None:
    base = "http://127.0.0.1:8000"
    hosts = profile("baonghean").hosts
    moved = resolve("https://baonghean.vn/a-10264872.html?utm_source=x", base + "/", base, hosts)
    assert moved == base + "/a-10264872.html"
    assert resolve("https://www.baonghean.vn/b-10264873.html", base + "/", base, hosts) == (
        base + "/b-10264873.html")
    assert resolve("https://vnexpress.net/c-4954454.html", base + "/", base, hosts) is None


def spider(cls: type[NewsSpider], **args: str) -> NewsSpider:
    crawler = get_crawler(cls)
    made = cls.from_crawler(crawler, **args)
    crawler.spider = made
    return made


def test_the_news_spider_needs_a_base_url() -> None:
    with pytest.raises(ValueError, match="base_url"):
        NewsSpider.check_arguments({})
    NewsSpider.check_arguments({"base_url": "https://any-paper.vn"})


def test_the_news_spider_reads_any_site_with_generic_rules() -> None:
    news = spider(NewsSpider, base_url="https://any-paper.vn")
    assert news.site.hosts == ("any-paper.vn",) and news.site.platform == "unknown"
    page = HtmlResponse(
        "https://any-paper.vn/", request=Request("https://any-paper.vn/", meta={"home": True}),
        body=b'<a href="/thoi-su/tin-a-4954454.html">a</a><a href="/tag/x">t</a>'
             b'<a href="https://other.vn/tin-b-4954455.html">b</a><a href="/thoi-su">s</a>',
        encoding="utf-8")
    requested = {r.url: r for r in news.parse_listing(page)}
    assert "https://any-paper.vn/thoi-su/tin-a-4954454.html" in requested
    assert "https://any-paper.vn/thoi-su" in requested
    assert not any("other.vn" in url or "/tag/" in url for url in requested)


def test_a_profile_spider_follows_the_live_hosts_links_on_a_local_copy() -> None:
    local = "http://127.0.0.1:9"
    made = spider(spider_for(profile("baonghean")), base_url=local)
    page = HtmlResponse(
        local + "/", request=Request(local + "/", meta={"home": True}), encoding="utf-8",
        body=b'<h3 class="b-grid__title"><a href="https://baonghean.vn/x-10264872.html">x</a></h3>')
    assert [r.url for r in made.parse_listing(page)] == [local + "/x-10264872.html"]


def scrapy_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)


def test_scrapy_list_names_every_profile_and_news() -> None:
    listed = scrapy_command("list").stdout.split()
    assert sorted(listed) == sorted([*names(), "news"])


@pytest.mark.parametrize("args", [("crawl", "no-such-paper"),
                                  ("crawlall", "-a", "sites=baonghean,no-such-paper")])
def test_an_unknown_site_exits_2_with_the_known_names(args: tuple[str, ...]) -> None:
    done = scrapy_command(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no-such-paper" in lines[0], done.stderr
    assert re.search(r"known: .*baonghean", lines[0])


def test_crawlall_refuses_a_single_site_argument() -> None:
    done = scrapy_command("crawlall", "-a", "base_url=http://127.0.0.1:9")
    assert done.returncode == 2 and "base_url.SITE" in done.stderr




def test_the_readme_site_table_is_true_to_the_registry() -> None:
    """Every row names a profile with its hosts and platform (a row never outlives its
    profile); a new site need not touch the README (``vnnews sites`` lists them all)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Supported sites", 1)[1].split("### Adding a site", 1)[0]
    rows = {line.split("|")[1].strip(" `"): line for line in table.splitlines()
            if line.startswith("| `")}
    assert rows and set(rows) <= set(names())
    for name, row in rows.items():
        found = profile(name)
        assert all(host in row for host in found.hosts), name
        assert found.platform in row


@pytest.mark.parametrize("case", ["vnn-content-detail", "lead-in-body-time-first",
                                  "vcc-detail-thanhnien"])
def test_a_layout_that_misses_the_dateline_sapo_or_byline_is_completed_by_the_page(
    case: str,
) -> None:
    """These pages stand for a variant of a profiled paper's layout: its rules find the
    headline and body but no dateline, sapo or byline; the page as a reader sees it fills
    the missing fields and takes them out of the layout's body."""
    directory = REPO / "tests" / "fixtures" / "pages" / "unknown" / case
    expected = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    record = extract_page((directory / "input.html").read_bytes(), meta["url"])
    owner = for_url(meta["url"])
    assert owner is not None and record["extractor"] == owner.layouts[0].name
    for name in ("headline", "sapo", "dateline", "published_at", "byline", "authors", "body",
                 "captions", "tags"):
        assert record[name] == expected[name], name


def test_a_records_article_id_follows_the_profile_else_the_news_spiders_rules() -> None:
    from pipelines.pagekind import article_id

    assert article_id("https://unknown-paper.vn/thoi-su/tin-a-4954454.aspx") == "4954454"
    assert article_id("https://unknown-paper.vn/thoi-su") is None
    assert article_id("http://127.0.0.1:9/tin-moi-post10012345.html") == "10012345"
    assert article_id("http://127.0.0.1:9/tin-moi-post10012345.html", "baonghean") == "10012345"
    assert article_id("http://127.0.0.1:9/dai-hoi-event10012345.html", "baonghean") is None
    assert article_id("https://baonghean.vn/video/clip-10400001.html") is None
