"""Web-archive stand-ins' data: ``python -m tests.archivegen ROOT`` writes it.

50 articles templated from saved pages of three eras (``layout2017``, ``layout2018``,
``onecms``): each page's URL and headline are replaced by the article's own. Written:

- ``wayback.json``: Wayback captures (CDX fields plus ``file``), sorted by URL then
  time: one capture per article in its era's layout; two articles captured again in a
  later layout (revisions), one again with the same digest (collapsed), one again with
  a different digest but the same content (unchanged); non-article captures (home page,
  an image, a topic page); a capture at an article's URL of a page that is no article
  (:data:`NOT_AN_ARTICLE`: fetched, then dropped);
- ``replay/``: the captures' bytes;
- ``data/crawl-data/CC-MAIN-2025-02/...warc.gz``: two WARC files (gzip per record, as
  Common Crawl writes them) holding one record per article, and bad records: a
  truncated one, a non-HTML one, a revisit and a capture of an off-site redirect whose
  index rows say so (never fetched), and :data:`FETCHED_BAD` ones whose index rows look
  like articles' (fetched, then refused): an unreadable one, a non-HTML one, a revisit
  and an off-site redirect;
- ``cc-index.json``: their Common Crawl index rows; ``truth.json``: what each article's
  record must say.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
LAYOUTS = {
    "layout2017": ("layout2017/full-page-mua-coi", 100000, datetime(2017, 7, 1, tzinfo=UTC)),
    "layout2018": ("layout2018/full-page-phan-loai-rac", 200000, datetime(2018, 11, 1, tzinfo=UTC)),
    "onecms": ("onecms/full-page-cau-hung-duc", 10300000, datetime(2025, 1, 2, tzinfo=UTC)),
}
ERAS = tuple(LAYOUTS)
ARTICLES = 50
CRAWL = "CC-MAIN-2025-02"
CC_TIME = datetime(2025, 1, 10, tzinfo=UTC)
REVISED = (0, 3)
"""Articles of 2017 captured again in the 2018 layout: a revision each."""
SAME_DIGEST = 1
"""Captured again, same bytes (the CDX stand-in does not collapse it: the spider does)."""
SAME_CONTENT = 2
"""Captured again, bytes differing in a comment only: the same record, unchanged."""
HTML = "text/html; charset=utf-8"
NOT_AN_ARTICLE = "https://baonghean.vn/bai-viet-so-70-10300070.html"
"""A Wayback capture at an article's URL of a section page (no body): dropped."""
FETCHED_BAD = ("unreadable", "not-html-fetched", "revisit-fetched", "offsite-redirect-fetched",
               "truncated")
"""Bad Common Crawl records the backfill fetches (their index rows look like articles')."""


@dataclass(frozen=True)
class Page:
    url: str
    era: str
    html: bytes
    headline: str


def template(era: str, n: int, url: str | None = None) -> Page:
    folder, base_id, _ = LAYOUTS[era]
    case = PAGES / folder
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    url = url or article_url(era, n)
    headline = f"{expected['headline']} (số {n})"
    text = (case / "input.html").read_bytes().decode("utf-8")
    text = text.replace(meta["url"], url).replace(expected["headline"], headline)
    return Page(url, era, text.encode("utf-8"), headline)


def article_url(era: str, n: int) -> str:
    return f"https://baonghean.vn/bai-viet-so-{n}-{LAYOUTS[era][1] + n}.html"


def digest(body: bytes) -> str:
    import base64

    return base64.b32encode(hashlib.sha1(body).digest()).decode()


def stamp(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


def wayback_captures(root: Path) -> list[dict[str, Any]]:
    """The Wayback captures, their files written under ``root/replay``."""
    captures: list[tuple[Page, datetime]] = []
    for n in range(ARTICLES):
        era = ERAS[n % 3]
        captures.append((template(era, n), LAYOUTS[era][2] + timedelta(hours=n)))
    for n in REVISED:
        page = template("layout2018", n, article_url("layout2017", n))
        captures.append((page, LAYOUTS["layout2018"][2] + timedelta(days=30, hours=n)))
    first = {page.url: (page, when) for page, when in reversed(captures)}
    same_page, same_when = first[article_url(ERAS[SAME_DIGEST % 3], SAME_DIGEST)]
    captures.append((same_page, same_when + timedelta(days=5)))
    page, when = first[article_url(ERAS[SAME_CONTENT % 3], SAME_CONTENT)]
    captures.append((Page(page.url, page.era, page.html + b"\n<!-- ad 2 -->\n", page.headline),
                     when + timedelta(days=7)))
    rows = [_capture_row(root, page.url, when, page.html, HTML) for page, when in captures]
    rows.append(_capture_row(root, "https://baonghean.vn/", CC_TIME, b"<html>home</html>", HTML))
    rows.append(_capture_row(root, "https://baonghean.vn/logo.png", CC_TIME, b"\x89PNG",
                             "image/png"))
    rows.append(_capture_row(root, "http://www.baonghean.vn:80/chu-de-event123.html", CC_TIME,
                             b"<html>topic</html>", HTML))
    section = ('<html><head><title>Thời sự</title></head><body><ul><li><a href="/a-1.html">'
               "Tin một</a></li></ul></body></html>").encode()
    rows.append(_capture_row(root, NOT_AN_ARTICLE, CC_TIME, section, HTML))
    return sorted(rows, key=lambda row: (row["original"].split("//", 1)[1], row["timestamp"]))


def _capture_row(root: Path, url: str, when: datetime, body: bytes, mime: str
                 ) -> dict[str, Any]:
    name = f"{stamp(when)}-{hashlib.sha1(url.encode() + body).hexdigest()[:12]}"
    (root / "replay").mkdir(parents=True, exist_ok=True)
    (root / "replay" / name).write_bytes(body)
    return {"original": url, "timestamp": stamp(when), "digest": digest(body),
            "mimetype": mime.split(";")[0], "statuscode": "200", "length": str(len(body)),
            "file": name, "type": mime}


def truth() -> dict[str, dict[str, Any]]:
    """Per article URL: its headline and layout as Common Crawl (and WARC files) hold it,
    and its latest Wayback capture's (``wayback_*``): a later layout for the revised."""
    found: dict[str, dict[str, Any]] = {}
    for n in range(ARTICLES):
        era = ERAS[n % 3]
        page = template(era, n)
        found[page.url] = {"headline": page.headline, "extractor": era, "n": n,
                           "wayback_headline": page.headline, "wayback_extractor": era,
                           "wayback_captured_at": LAYOUTS[era][2] + timedelta(hours=n)}
    for n in REVISED:
        url = article_url("layout2017", n)
        found[url] |= {"wayback_extractor": "layout2018",
                       "wayback_headline": template("layout2018", n, url).headline,
                       "wayback_captured_at": LAYOUTS["layout2018"][2]
                       + timedelta(days=30, hours=n)}
    url = article_url(ERAS[SAME_CONTENT % 3], SAME_CONTENT)
    found[url]["wayback_captured_at"] += timedelta(days=7)
    return found


def _http(status: str, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def _warc_record(writer: WARCWriter, kind: str, page: Page | None, url: str, when: datetime,
                 **http: Any) -> Any:
    body = page.html if page is not None else http.pop("body", b"")
    headers = _http(http.get("status", "200 OK"), http.get("headers", [("Content-Type", HTML)]))
    warc_headers = {"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if kind == "revisit":
        return writer.create_revisit_record(url, "sha1:" + digest(body), url,
                                            warc_headers["WARC-Date"], http_headers=headers)
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                     length=len(body), http_headers=headers,
                                     warc_headers_dict=warc_headers)


def bad_records(writer: WARCWriter) -> list[tuple[str, Any, str, str]]:
    """(kind, record, index mime, index status) of each bad record (bytes: written as
    they are)."""
    off = "https://baonghean.vn/chuyen-trang-cu-999001.html"
    article = article_url("onecms", 7)
    moved = [("Location", "https://elsewhere.example/x.html")]
    return [
        ("truncated", _warc_record(writer, "response", template("onecms", 60), article_url(
            "onecms", 60), CC_TIME), "text/html", "200"),
        ("not-html", _warc_record(writer, "response", None, "https://baonghean.vn/anh-999002.html",
                                  CC_TIME, body=b"\xff\xd8\xff\xe0JFIF",
                                  headers=[("Content-Type", "image/jpeg")]), "image/jpeg", "200"),
        ("revisit", _warc_record(writer, "revisit", template("onecms", 7), article, CC_TIME),
         "warc/revisit", "200"),
        ("offsite-redirect", _warc_record(
            writer, "response", None, off, CC_TIME, body=b"", status="301 Moved Permanently",
            headers=moved), "unk", "301"),
        ("unreadable", gzip.compress(b"WARC/1.0 is not what this member holds\r\n"),
         "text/html", "200"),
        ("not-html-fetched", _warc_record(
            writer, "response", None, article_url("onecms", 61), CC_TIME,
            body=b"\xff\xd8\xff\xe0JFIF", headers=[("Content-Type", "image/jpeg")]), "unk", "200"),
        ("revisit-fetched", _warc_record(writer, "revisit", template("onecms", 62), article_url(
            "onecms", 62), CC_TIME), "text/html", "200"),
        ("offsite-redirect-fetched", _warc_record(
            writer, "response", None, article_url("onecms", 63), CC_TIME, body=b"",
            status="301 Moved Permanently", headers=moved), "unk", "200"),
    ]


def write_cc(root: Path) -> list[dict[str, Any]]:
    """The two WARC files and their index rows."""
    folder = root / "data" / "crawl-data" / CRAWL / "segments" / "1736467200.1" / "warc"
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for part in range(2):
        name = f"{CRAWL}-2025011000000{part}-0000{part}.warc.gz"
        stream = io.BytesIO()
        writer = WARCWriter(stream, gzip=True)
        entries = [("ok", _warc_record(writer, "response", template(ERAS[n % 3], n),
                                       article_url(ERAS[n % 3], n), CC_TIME + timedelta(hours=n)),
                    "text/html", "200") for n in range(part, ARTICLES, 2)]
        if part == 1:
            entries += bad_records(writer)
        # The truncated record ends its file (as a cut-off download does): a record written
        # after it would start inside its byte range, and what its range holds would then
        # depend on the bytes (the gzip stream reads on into the next member). The
        # unreadable member comes just before it (a WARC reader stops there).
        entries.sort(key=lambda entry: ("unreadable", "truncated").index(entry[0]) + 1
                     if entry[0] in ("unreadable", "truncated") else 0)
        for kind, record, mime, status in entries:
            offset = stream.tell()
            if isinstance(record, bytes):
                stream.write(record)
                url = article_url("onecms", 64)
            else:
                writer.write_record(record)
                url = record.rec_headers.get_header("WARC-Target-URI")
            length = stream.tell() - offset
            if kind == "truncated":
                stream.seek(offset + length // 2)
                stream.truncate()
            rows.append({"urlkey": url, "timestamp": stamp(CC_TIME), "url": url, "mime": mime,
                         "status": status, "digest": "X", "length": str(length),
                         "offset": str(offset), "filename": str(
                             (folder / name).relative_to(root / "data"))})
        (folder / name).write_bytes(stream.getvalue())
    return rows


def generate(root: Path) -> dict[str, Any]:
    root.mkdir(parents=True, exist_ok=True)
    captures = wayback_captures(root)
    (root / "wayback.json").write_text(json.dumps(captures, indent=1), encoding="utf-8")
    rows = write_cc(root)
    (root / "cc-index.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    facts = {url: fact | {"wayback_captured_at": fact["wayback_captured_at"].isoformat()}
             for url, fact in truth().items()}
    (root / "truth.json").write_text(json.dumps(facts, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    return facts


if __name__ == "__main__":
    generate(Path(sys.argv[1]))
