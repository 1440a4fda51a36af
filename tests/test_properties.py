"""Property-based tests (Hypothesis): whatever text a page or a user gives, the URL helpers,
date and byline parsers and the search query builder never raise (but the documented
``ValueError`` of a query with nothing to search); the query builder's expressions are
always valid FTS5; ``extract_page`` on saved pages damaged at random (truncated, tag soup,
byte noise, a lying charset, deep nesting, broken URLs) gives a record or raises
``NotAnArticle``, nothing else. Example counts are bounded so that the file runs in
seconds."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import date, datetime
from urllib.parse import urljoin

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.feeds import parse_feed_date, parse_w3c_datetime
from crawler.middlewares import url_host
from pipelines import pagekind, urls
from pipelines.bylines import looks_like_byline, split_byline
from pipelines.dates import parse_date, parse_dateline, parse_iso, to_iso
from pipelines.extract import REASONS, NotAnArticle, extract_page
from pipelines.profiles import profile
from pipelines.profiles.base import UrlRules
from pipelines.record import RECORD_FIELDS
from storage.fts import TOKENIZER, match_expression
from storage.pgsearch import parse_query
from tests.pages import load_cases

QUICK = settings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])

URL_PIECES = st.sampled_from([
    "http://", "https://", "//", "[", "]", "::1", "[::1", "[::1]", "baonghean.vn", ":", ":80",
    ":99999", ":-1", "/", "?", "#", "&", "=", "%", "%zz", "utm_source=x", "..", "@", " ",
    "\t", "\n", "\x00", "-10285431.html", "-post258616.html", "tin", "Nghệ", "ﬀ", "javascript:",
    "data:", "mailto:", "event123.html",
])
URLS = st.one_of(st.text(max_size=80), st.lists(URL_PIECES, max_size=12).map("".join))
BASE = "https://baonghean.vn"


@QUICK
@given(URLS, URLS)
@example("A://[", "")
@example("http://[::1/tin-10285431.html", "https://]/")
def test_url_helpers_never_raise(url: str, other: str) -> None:
    for rules in (profile("baonghean").urls, UrlRules()):
        assert isinstance(rules.is_article(url), bool)
        found = rules.article_id(url)
        assert found is None or found.isdigit()
    assert isinstance(urls.same_site(url, other), bool)
    resolved = urls.resolve(url, BASE + "/tin-10285431.html", BASE)
    assert resolved is None or urls.same_site(resolved, BASE)
    assert isinstance(urls.canonicalize(url), str)
    assert isinstance(url_host(url), str)


@QUICK
@given(URLS, URLS)
@example("http://[::1/tin-10285431.html", "https://baonghean.vn/")
def test_page_url_helpers_never_raise(url: str, other: str) -> None:
    assert isinstance(urls.clean_url(url), str)
    assert isinstance(urls.join_url(other, url), str)
    assert isinstance(urls.site_of(url), str)
    assert pagekind.article_id(url) is None or pagekind.article_id(url).isdigit()
    try:
        pagekind.check_url(url)
    except pagekind.NotAnArticle as error:
        assert error.reason in pagekind.REASONS


LINK_PIECES = st.sampled_from(["/", "//", ".", "..", "thoi-su", "tin-10285431.html", "Nghệ", "%20",
                               "?", "#", ";", "a=b", " ", "\t", "_", "~", "@", ":", "\\", "ﬀ"])


@QUICK
@given(st.lists(LINK_PIECES, max_size=10).map(lambda pieces: "/" + "".join(pieces)),
       st.sampled_from([BASE + "/thoi-su/tin-10285431.html", "HTTP://Bao.vn:8080/a/b?x=1#y",
                        "https://u@baonghean.vn", "file:///tmp/a.html", "x.html", ""]))
@example("/a//b", BASE + "/")
@example("/a/./b/../c", BASE + "/")
@example("/tin?", BASE + "/")
def test_joining_a_link_is_what_urljoin_makes_of_it(link: str, base: str) -> None:
    assert urls.join_url(base, link) == urljoin(base, link)


DATE_PIECES = st.sampled_from([
    "Thứ Sáu", ", ", "22", "/", "09", "2017", " - ", "17:30", "GMT+7", "+07:00", "T", "Z", "-",
    ":", "99", "00", "31/02/2025", "25:70", "9999", "0000", "1e9", " ", "lúc", "ngày", "tháng",
    "năm", "2024-05-01", "Mon, 06 Jan 2025 07:30:00 +0700", "+9999", "−", "٢٠٢٤", "⁹",
    "0 JAN 0 0:0 ", "3000000000", "Wed, 05 Mar 2025 ", "99999999999999",
])
DATES = st.one_of(st.text(max_size=60), st.lists(DATE_PIECES, max_size=12).map("".join))


@QUICK
@given(DATES)
@example("0 JAN 0:0 3000000000")  # a zone offset of 3e9 seconds
def test_date_parsers_never_raise(text: str) -> None:
    for parse in (parse_date, parse_dateline, parse_feed_date, parse_w3c_datetime):
        value = parse(text)
        assert value is None or isinstance(value, date)
        if isinstance(value, date) and parse is not parse_feed_date:
            assert isinstance(to_iso(value), str)
    value = parse_iso(text)
    assert value is None or isinstance(value, date | datetime)


BYLINE_PIECES = st.sampled_from([
    "Theo", "TTXVN", " - ", "/", "Bài, ảnh:", "Thành Chung", "Hoài Thu", "(", ")", "và", ",",
    "Nhóm PV", "VnExpress", ":", "Ảnh:", "  ", "\n", "\u200b", "\xa0", "*", "-",
])
BYLINES = st.one_of(st.text(max_size=80), st.lists(BYLINE_PIECES, max_size=14).map("".join))


@QUICK
@given(BYLINES)
def test_byline_parsers_never_raise(text: str) -> None:
    authors, source = split_byline(text)
    assert all(isinstance(name, str) and name for name in authors)
    assert source is None or isinstance(source, str)
    assert isinstance(looks_like_byline(text), bool)


QUERY_PIECES = st.sampled_from([
    '"', "*", "nghe", "an", "Nghệ", "AND", "OR", "NOT", "NEAR", "(", ")", "^", ":", "-", "+",
    "headline:", "{", "}", " ", "đô", "x*", '""', "'", "\\", "\x00", "ǅ", "١٢",
])
QUERIES = st.one_of(st.text(max_size=60), st.lists(QUERY_PIECES, max_size=20).map(" ".join),
                    st.lists(QUERY_PIECES, max_size=20).map("".join))


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{TOKENIZER}')")
    connection.execute("INSERT INTO t VALUES ('Nghệ An đón mưa lớn, số 0 nghe an')")
    return connection


@QUICK
@given(QUERIES)
@example("0\x00")  # NUL ends FTS5's string
@example(" ".join(["nghe"] * 5_000))
def test_query_builder_gives_valid_fts5_or_says_nothing_to_search(fts: sqlite3.Connection,
                                                                  query: str) -> None:
    try:
        expression = match_expression(query)
    except ValueError as error:
        assert "nothing to search" in str(error) or "too many" in str(error)
        return
    with closing(fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,))) as rows:
        assert rows.fetchone()[0] in (0, 1)
    try:
        assert parse_query(query)
    except ValueError as error:
        assert "nothing to search" in str(error)


CASES = [(case.body, case.meta["url"], case.meta.get("headers") or {}) for case in load_cases()]
SOUP = st.sampled_from([
    b"<div>", b"</div>", b"<table><tr><td>", b"</td></tr></table>", b"<p>", b"</p>", b"<font>",
    b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[", b"<?xml version='1.0'?>",
    b'<meta charset="shift_jis">', b'<meta http-equiv="refresh" content="0;url=http://[">',
    b"<h1>", b"</h1>", b"<br/>", b"&#0;", b"&#xD800;", b"&nbsp;", b"\x00", b"\xff\xfe", b"<",
    b">", b'<a href="http://[::1/x">', b'<img src="//[">', b'<link rel="canonical" href="::">',
    b'<script type="application/ld+json">{"@type":"NewsArticle","url":"http://["', b"</html>",
])
BAD_URLS = st.sampled_from([
    b"http://[::1/x-10285431.html", b"//[", b"http://]", b"https://[fe80::1%25eth0/", b"::",
    b"http://a:99999/", b"javascript:alert(1)", b"", b" ", b"http://\xe1\xbb\x87/", b"%",
])
URL_ATTRIBUTE = re.compile(rb'((?:href|src|content|data-src)=")[^"]*(")')
CHARSETS = st.sampled_from([
    None, "utf-8", "iso-8859-1", "windows-1258", "shift_jis", "utf-16", "x-bogus", "koi8-r",
    "utf-8; charset=windows-1252", "",
])


def broken_urls(body: bytes, every: int, bad: bytes) -> bytes:
    """Every *every*-th link, image, canonical or ``og:url`` of *body* made *bad*."""
    found = iter(range(len(body)))
    return URL_ATTRIBUTE.sub(
        lambda m: m.group(1) + bad + m.group(2) if next(found) % every == 0 else m.group(0),
        body)


@st.composite
def mutated_page(draw: st.DrawFn) -> tuple[bytes, str, dict[str, str]]:
    """A fixture page damaged by a few random mutations."""
    body, url, headers = draw(st.sampled_from(CASES))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "soup", "noise", "nest", "charset", "urls"]))
        at = draw(st.integers(0, len(body)))
        if kind == "truncate":
            body = body[:at]
        elif kind == "soup":
            body = body[:at] + b"".join(draw(st.lists(SOUP, max_size=8))) + body[at:]
        elif kind == "noise":
            body = body[:at] + draw(st.binary(max_size=64)) + body[at + draw(st.integers(0, 64)):]
        elif kind == "nest":
            tag = draw(st.sampled_from([b"div", b"span", b"table", b"font", b"blockquote"]))
            depth = draw(st.integers(1, 3000))
            end = draw(st.integers(at, len(body)))
            body = (body[:at] + b"<%s>" % tag * depth + body[at:end] + b"</%s>" % tag * depth
                    + body[end:])
        elif kind == "urls":
            body = broken_urls(body, draw(st.integers(1, 5)), draw(BAD_URLS))
        else:
            charset = draw(CHARSETS)
            headers = {"content-type": "text/html" + (f"; charset={charset}" if charset else "")}
    return body, url, headers


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_page())
@example(next((broken_urls(body, 1, b"http://[::1/x-10285431.html"), url, headers)
              for body, url, headers in CASES if b"breadcrumb-item" in body))
def test_extract_page_raises_nothing_but_not_an_article(
        page: tuple[bytes, str, dict[str, str]]) -> None:
    body, url, headers = page
    try:
        record = extract_page(body, url, headers)
    except NotAnArticle as error:
        assert error.reason in REASONS
        return
    assert list(record) == list(RECORD_FIELDS)
    assert record["headline"] and record["body"]
