"""Throughput part (b) of ``bench/extraction.py``: fixture pages and timed runs.

Three sets of fixture pages: all of them, the site-layout pages (what the speed
targets are about) and the full-size pages among those (real page weight, with the
whole page chrome). Contenders: bare ``lxml.html`` parsing, parse + the generic
fallback, ``pipelines.extract.extract_page`` and ``trafilatura.extract`` on the same
bytes, taking turns and timed in CPU seconds (see :func:`pace`).
"""

from __future__ import annotations

import glob
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from pipelines.generic import extract_body  # noqa: E402

SITE_LAYOUTS = ("onecms", "layout2018", "layout2017")
"""Fixture directories of pages a site layout extracts (the targets' subject)."""
SLICE = 0.25
"""Seconds of CPU time a runner gets at each turn."""
FULL_SIZE_PREFIX = "full-page-"
"""Case directories holding a page with its whole chrome, at real size."""


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def fixture_pages(pattern: str) -> list[Page]:
    pages = []
    for name in sorted(glob.glob(pattern, root_dir=REPO)):
        path = REPO / name
        meta_path = path.with_name("meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        pages.append(Page(name, meta.get("url", ""), path.read_bytes(), meta.get("headers", {})))
    return pages


Runner = Callable[[Page], object]


def pace(runners: dict[str, Runner], pages: Sequence[Page], seconds: float) -> dict[str, float]:
    """Articles per second of CPU time for each runner, about ``seconds`` each (after a
    warm-up pass). The runners take turns in slices of :data:`SLICE` seconds, and CPU
    time leaves out the time the process waits for a core: a machine's changing load
    then weighs on every runner alike instead of on whichever ran at a busy moment."""
    for run in runners.values():
        for page in pages:
            run(page)
    done = dict.fromkeys(runners, 0)
    spent = dict.fromkeys(runners, 0.0)
    for _ in range(max(1, round(seconds / SLICE))):
        for name, run in runners.items():
            start = time.process_time()
            while (elapsed := time.process_time() - start) < SLICE:
                for page in pages:
                    run(page)
                done[name] += len(pages)
            spent[name] += elapsed
    return {name: done[name] / spent[name] for name in runners}


def page_extractor() -> Runner | None:
    try:
        from pipelines.extract import NotAnArticle, extract_page
    except Exception as exc:  # the module may not exist yet, or be half-written
        print(f"    pipelines.extract is not importable ({type(exc).__name__}: {exc}); skipped")
        return None

    def run(page: Page) -> object:
        try:
            return extract_page(page.body, page.url, page.headers)
        except NotAnArticle as exc:
            return exc.reason

    return run


def page_sets(pattern: str) -> list[tuple[str, list[Page]]]:
    """(label, pages): all fixture pages, the site-layout ones, the full-size ones."""
    pages = fixture_pages(pattern)
    site = [p for p in pages if Path(p.key).parent.parent.name in SITE_LAYOUTS]
    full = [p for p in site if Path(p.key).parent.name.startswith(FULL_SIZE_PREFIX)]
    return [
        ("all fixture pages", pages),
        (f"site-layout pages ({', '.join(SITE_LAYOUTS)})", site),
        (f"full-size site-layout pages ({FULL_SIZE_PREFIX}*)", full),
    ]


def throughput(pattern: str, seconds: float) -> None:
    sets = page_sets(pattern)
    if not sets[0][1]:
        print(f"\n(b) Throughput: no fixture pages match {pattern}; skipped")
        return
    run = page_extractor()
    for label, pages in sets:
        if pages:
            throughput_on(label, pages, run, seconds)


def throughput_on(label: str, pages: Sequence[Page], run: Runner | None, seconds: float) -> None:
    size = statistics.mean(len(p.body) for p in pages) / 1024
    print(f"\n(b) Throughput on {len(pages)} {label}, {size:.0f} KB on average")
    runners: dict[str, Runner] = {
        "bare lxml.html parse": lambda p: lxml.html.fromstring(p.body),
        "parse + generic extract_body": lambda p: extract_body(lxml.html.fromstring(p.body), p.url),
    }
    if run is not None:
        runners["ours: extract_page"] = run
    runners["trafilatura.extract(bytes)"] = lambda p: trafilatura.extract(p.body)
    rates = pace(runners, pages, seconds)
    for name, rate in rates.items():
        print(f"    {name:<30}{rate:>10.1f} articles/s  {1000 / rate:>8.2f} ms/article")
    if run is not None:
        ours_rate = rates["ours: extract_page"]
        vs_traf = ours_rate / rates["trafilatura.extract(bytes)"]
        vs_lxml = rates["bare lxml.html parse"] / ours_rate
        print(f"    ours vs trafilatura: {vs_traf:.1f}x faster (target >= 5x)")
        print(f"    ours vs bare parsing: {vs_lxml:.2f}x the time (target <= 2.5x)")
