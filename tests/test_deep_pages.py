"""Deep markup keeps its body; huge pages and endless input are refused, not parsed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipelines.deep import MAX_PAGE_BYTES, flatten_excess
from pipelines.extract import NotAnArticle, extract_page
from tests.pages import PAGES_DIR

ROOT = Path(__file__).resolve().parent.parent
CASE = PAGES_DIR / "onecms" / "quy-che-phoi-hop"
META = json.loads((CASE / "meta.json").read_text(encoding="utf-8"))
PAGE = (CASE / "input.html").read_bytes()
FIRST = PAGE.index(b'<p class="align-justify">')
LAST = PAGE.index(b'<div class="c-widget-tags')


def extract(body: bytes) -> dict[str, Any]:
    return extract_page(body, META["url"], META["headers"])


def wrapped(opening: bytes, closing: bytes, depth: int) -> bytes:
    """The article's body inside *depth* copies of a wrapper."""
    return PAGE[:FIRST] + opening * depth + PAGE[FIRST:LAST] + closing * depth + PAGE[LAST:]


@pytest.mark.parametrize("depth", [300, 3_000, 30_000])
@pytest.mark.parametrize(("opening", "closing"), [
    (b'<table width="100%"><tr><td valign="top">', b"</td></tr></table>"),
    (b"<div>", b"</div>"),
    (b'<font color="#333">', b""),  # never closed, as old templates do
], ids=["tables", "divs", "unclosed-fonts"])
def test_deep_markup_keeps_every_field(opening: bytes, closing: bytes, depth: int) -> None:
    expected = extract(PAGE)
    started = time.perf_counter()
    record = extract(wrapped(opening, closing, depth))
    assert record == expected
    assert time.perf_counter() - started < 10


def test_deep_layout_with_classes_keeps_its_outer_levels() -> None:
    html = (b"<html><body>" + b'<div class="a">' * 200 + b"<p>text</p>" + b"</div>" * 200
            + b"</body></html>")
    flat = flatten_excess(html, kept_depth=150, wrapper_depth=24)
    assert flat.count(b'<div class="a">') == 150 and flat.count(b"</div>") == 150
    assert b"<p>text</p>" in flat


def test_flattening_is_linear_in_unclosed_tags() -> None:
    hostile = b"<font>" * 200_000 + b"</div>" * 200_000
    started = time.perf_counter()
    flatten_excess(hostile)
    assert time.perf_counter() - started < 10


def test_page_over_the_limit_is_not_parsed() -> None:
    body = PAGE + b" " * (MAX_PAGE_BYTES - len(PAGE) + 1)
    with pytest.raises(NotAnArticle) as refused:
        extract(body)
    assert refused.value.reason == "too-large"


MEASURE = """
import resource, sys
from pipelines.extract import NotAnArticle, extract_page
paragraph = "<p>Chiều 22/9, Nghệ An.</p>".encode()
body = b"<html><body>" + paragraph * (50 * 1024 * 1024 // len(paragraph))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    extract_page(body, "https://baonghean.vn/tin-10285431.html", None)
except NotAnArticle as error:
    print(error.reason, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_fifty_megabyte_page_costs_no_memory() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", MEASURE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    reason, grown_mb = done.stdout.split()
    assert reason == "too-large" and int(grown_mb) < 20  # was 700 MB


def run_extract(*args: str, stdin: Any = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipelines.extract", *args], cwd=ROOT,
                          env=env, stdin=stdin, capture_output=True, timeout=120)


def test_endless_stdin_is_read_up_to_the_limit() -> None:
    with open("/dev/zero", "rb") as endless:
        done = run_extract("--url", META["url"], "-", stdin=endless)
    assert done.returncode == 2
    assert done.stderr == f"error: - is larger than {MAX_PAGE_BYTES:,} bytes; not read\n".encode()


@pytest.mark.parametrize(("args", "message"), [
    (["--url", "http://[::1/a-1.html"], b"argument --url: not an absolute http(s) URL"),
    (["--url", "baonghean.vn/a-1.html"], b"argument --url: not an absolute http(s) URL"),
    (["--url", META["url"], "--indent", "99999999999"], b"argument --indent: expected a whole"),
])
def test_bad_options_are_one_line(args: list[str], message: bytes) -> None:
    done = run_extract(*args, str(CASE / "input.html"))
    assert done.returncode == 2 and done.stdout == b""
    assert message in done.stderr and done.stderr.count(b"\n") == 1
