"""The real section pages of vnexpress, dantri, znews and vtcnews lead each site's spider to
every story of their news lists and to nothing else that looks like an article (no tag,
video or ad page).

A local stand-in of the site serves a stub home page linking the section, the real saved
section page (read from ``../shared/reference/real-pages/`` at test time) at its own path
and a stub article page at every story path of its news list. The page keeps its absolute
``https://<site>/...`` links: the spider (``-a base_url``) must move them onto the local
origin. The expected story set is read here from the news-list markup of each page,
independently of the profiles' own selectors and URL rules.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml.cssselect import CSSSelector

from pipelines.pagekind import parse_html
from tests.realpages import needs_real_pages, real_pages
from tests.siteserver import start_server, stop_server
from tests.test_e2e_crawl import FAST, REPO

NEWS_LISTS = {
    "vnexpress-4": ("vnexpress", "article.item-news h3.title-news a, "
                    "article.article-item h3.title-news a"),
    "dantri-2": ("dantri", "article.article-item h3.article-title a"),
    "znews-3": ("znews", "article.article-item:not(.type-video) h3.article-title a"),
    "vtcnews-2": ("vtcnews", "section.list-articles article h3 a"),
}
"""Page -> (spider, CSS of the story links of its news lists: the headline links of every
story item; video items left out)."""
STORY_PATH = re.compile(r"\d{5,}\.html?$")
"""A requested path that ends in an id: an article-like page (stories, videos, tags...)."""
NEVER = re.compile(r"^/(?:video|tag|tags|tim-kiem|chu-de|topic|tieu-diem|tac-gia)(?:/|$)|^/video-")
STUB = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><article><h1>{title}</h1><p>Bài viết thay thế cho bài thật, dùng trong kiểm thử "
    "đường đi của trình thu thập dữ liệu.</p></article></body></html>"
)



def news_list(name: str) -> tuple[str, bytes, set[str]]:
    """The page's URL, bytes and the paths of the story links in its news lists."""
    page = next(page for page in real_pages() if page.id == name)
    body = page.body
    tree = parse_html(body)
    host = urlsplit(page.url).hostname
    paths = set()
    for link in CSSSelector(NEWS_LISTS[name][1])(tree):
        target = urlsplit(urljoin(page.url, (link.get("href") or "").strip()))
        if target.hostname == host:
            paths.add(target.path)
    return page.url, body, paths


def serve(root: Path, url: str, body: bytes, stories: set[str]) -> None:
    """``routes.json`` and files: stub home, the real section page, stub stories."""
    section = urlsplit(url).path
    (root / "section.html").write_bytes(body)
    home = f'<html><body><a href="{url}">Chuyên mục</a></body></html>'
    (root / "home.html").write_text(home, encoding="utf-8")
    (root / "story.html").write_text(STUB.format(title="Bài viết"), encoding="utf-8")
    html = "text/html; charset=utf-8"
    routes = {"/": {"file": "home.html", "type": html},
              section: {"file": "section.html", "type": html}}
    routes.update({path: {"file": "story.html", "type": html} for path in stories})
    (root / "routes.json").write_text(json.dumps(routes), encoding="utf-8")


def crawl(spider: str, root: Path) -> list[str]:
    """Paths the spider asked the local stand-in for."""
    log = root / "requests.log"
    server, base_url = start_server(root, log)
    try:
        env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_DB_URL"}
        command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}",
                   "-s", f"ARCHIVE_DB_URL=sqlite:///{root / 'archive.db'}", *FAST]
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        stop_server(server)
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [urlsplit(line.split(" ")[1]).path for line in lines]


@needs_real_pages
@pytest.mark.parametrize("name", sorted(NEWS_LISTS))
def test_real_section_page_leads_to_its_stories_only(name: str, tmp_path: Path) -> None:
    url, body, stories = news_list(name)
    assert len(stories) >= 20
    serve(tmp_path, url, body, stories)
    requested = crawl(NEWS_LISTS[name][0], tmp_path)
    assert urlsplit(url).path in requested
    assert {path for path in requested if STORY_PATH.search(path)} == stories
    assert [path for path in requested if NEVER.search(path)] == []
    assert all(requested.count(path) == 1 for path in stories)
