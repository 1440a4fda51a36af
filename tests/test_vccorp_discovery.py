"""The REAL section pages of Tuổi Trẻ, CafeF and Báo Chính phủ (``../shared`` real pages,
read at test time) lead the site's spider to every story of their news lists and to nothing
else that is an article, a tag, a video or an ad.

Each page is served at its own path by a local stand-in of the site, with a stub page at
every story path and a home page linking to the section; ``scrapy crawl <site> -a
base_url=...`` runs against it. The expected stories are read here from the page's list
markup (the story-title links of the site's boxes), not with the spider's rules; the pages'
links are absolute ``https://<site>/...`` or root-relative, and the crawl must follow both
on the local origin.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from tests.realpages import REAL_PAGES, needs_real_pages
from tests.siteserver import start_server, stop_server
from tests.test_vccorp_crawl import crawl

STORY_TITLES = {
    "tuoitre-2": "a.box-category-link-title",
    "baochinhphu-2": "a.box-category-link-title, a.box-link-title, a.box-stream-link-title",
    "cafef-3": "h2 > a, h3 > a, .cate-mostview-list .item > a, a.fchoice-news-title",
}
"""The title link of every story box of each page's lists (read from the page markup: the
lead story, the stream, the "most read" and side boxes)."""
STORY_PATH = re.compile(r"^/[a-z0-9-]+-\d{10,}\.(?:htm|chn)$")
"""A story's path on these papers: slug and the long publication-time id."""
STUB = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{0}</title></head><body>" \
       "<h1>{0}</h1></body></html>"


def page_url(file: str) -> str:
    gold = json.loads((REAL_PAGES / "gold.json").read_text(encoding="utf-8"))
    return str(gold[file]["url"])


def stories(file: str, url: str) -> set[str]:
    """Story paths of the page's news lists, on the page's own host."""
    tree = lxml.html.fromstring((REAL_PAGES / file).read_bytes())
    host = urlsplit(url).hostname
    found = set()
    for link in tree.cssselect(STORY_TITLES[file.removesuffix(".html")]):
        target = urlsplit(urljoin(url, (link.get("href") or "").strip()))
        if target.hostname == host and STORY_PATH.match(target.path):
            found.add(target.path)
    return found


def stand_in(root: Path, file: str, url: str, story_paths: set[str]) -> None:
    """The site's home linking to the section, the real section page, stub stories."""
    listing = urlsplit(url).path
    routes = {"/": {"file": "home.html", "type": "text/html; charset=utf-8"},
              listing: {"file": "listing.html", "type": "text/html; charset=utf-8"}}
    home = f'<html><body><a href="https://{urlsplit(url).hostname}{listing}">Mục</a></body></html>'
    (root / "home.html").write_text(home, encoding="utf-8")
    shutil.copyfile(REAL_PAGES / file, root / "listing.html")
    for k, path in enumerate(sorted(story_paths)):
        (root / f"story-{k}.html").write_text(STUB.format(path), encoding="utf-8")
        routes[path] = {"file": f"story-{k}.html", "type": "text/html; charset=utf-8"}
    (root / "routes.json").write_text(json.dumps(routes), encoding="utf-8")


@needs_real_pages
@pytest.mark.parametrize(("file", "name"), [
    ("tuoitre-2.html", "tuoitre"), ("cafef-3.html", "cafef"), ("baochinhphu-2.html", "baochinhphu"),
])
def test_real_section_page_leads_to_its_stories_only(file: str, name: str, tmp_path: Path
                                                     ) -> None:
    url = page_url(file)
    wanted = stories(file, url)
    assert len(wanted) >= 10
    stand_in(tmp_path, file, url, wanted)
    log = tmp_path / "requests.log"
    process, base_url = start_server(tmp_path, log)
    try:
        done = crawl(name, base_url, tmp_path / "archive.db")
    finally:
        stop_server(process)
    assert done.returncode == 0, done.stderr[-3000:]
    requested = [line.split(" ")[1].split("?")[0] for line in log.read_text().splitlines()]
    assert urlsplit(url).path in requested
    assert {path for path in requested if STORY_PATH.match(path)} == wanted
    assert all(requested.count(path) == 1 for path in wanted)
    assert not [path for path in requested
                if path.endswith(".html") or path.startswith(("/video", "/tac-gia", "/tag"))]
