"""Extraction benchmark: body-text accuracy and throughput.

(a) Accuracy of the generic fallback (``pipelines.generic.extract_body``) against
trafilatura's defaults (``trafilatura.extract(html)``) on the public
article-extraction-benchmark (181 pages with hand-annotated bodies), scored as
that project's ``evaluate.py`` does: texts become ``\\w+`` tokens, tokens become
overlapping 4-token shingles, each page gives tp/fp/fn over the shingle
multisets (normalised to sum 1), precision and recall are means over pages and
F1 = 2PR/(P+R) of those means.

(b) Throughput (articles/second) on three sets of fixture pages: all of them
(``tests/fixtures/pages/*/*/input.html``, special pages and generic fallback
included), the site-layout pages (``onecms``, ``layout2018``, ``layout2017``: what the
speed targets are about) and the full-size pages among those (``full-page-*``: real
page weight, 50-145 KB with the whole page chrome, where parsing dominates as it does
on the live site). Contenders: bare ``lxml.html`` parsing, parse + the generic
fallback, our full extractor ``pipelines.extract.extract_page``, and trafilatura on
the same bytes. Each runs repeated passes for about ``--seconds`` seconds of CPU
time, the contenders taking turns (see :func:`pace`); rates are per CPU second.

Figures are printed only; nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import gzip
import json
import logging
import os
import platform
import random
import re
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import lxml.etree  # noqa: E402
import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from pipelines.generic import extract_body  # noqa: E402

DEFAULT_DATASET = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction-benchmark"
)
FIXTURE_GLOB = "tests/fixtures/pages/*/*/input.html"
SITE_LAYOUTS = ("onecms", "layout2018", "layout2017")
"""Fixture directories of pages a site layout extracts (the targets' subject)."""
SLICE = 0.25
"""Seconds of CPU time a runner gets at each turn."""
FULL_SIZE_PREFIX = "full-page-"
"""Case directories holding a page with its whole chrome, at real size."""
TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4
BOOTSTRAP = 1000

Triple = tuple[float, float, float]


class BenchError(Exception):
    """A problem with the benchmark's inputs, reported as one line."""


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text)
    return Counter(
        tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens
    )


def match(true: str, pred: str) -> Triple:
    """Normalised (tp, fp, fn) over the two texts' shingle multisets."""
    t, p = shingles(true), shingles(pred)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(hit: float, miss: float, other: float) -> float:
    if miss == other == 0:
        return 1.0
    return hit / (hit + miss) if hit + miss else 0.0


def scores(triples: Sequence[Triple]) -> tuple[float, float, float]:
    """(F1, precision, recall) as the benchmark defines them."""
    precision = statistics.mean(_ratio(tp, fp, fn) for tp, fp, fn in triples if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fn, fp) for tp, fp, fn in triples if tp + fn > 0)
    return 2 * precision * recall / (precision + recall), precision, recall


def f1_spread(triples: Sequence[Triple]) -> float:
    """Standard deviation of F1 over bootstrap resamples of the pages (seeded)."""
    rng = random.Random(0)
    values = [scores(rng.choices(triples, k=len(triples)))[0] for _ in range(BOOTSTRAP)]
    return statistics.stdev(values)


def load_dataset(root: Path) -> tuple[list[Page], dict[str, str]]:
    truth_path = root / "ground-truth.json"
    if not truth_path.is_file():
        raise BenchError(f"no ground-truth.json in {root}")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages, bodies = [], {}
    for key in sorted(truth):
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page(key, truth[key]["url"], html))
        bodies[key] = truth[key].get("articleBody", "")
    return pages, bodies


Extractor = Callable[[str, str], str]
"""(decoded html, url) -> body text."""


def ours(html: str, url: str) -> str:
    return "\n\n".join(extract_body(lxml.html.fromstring(html), url))


def theirs(html: str, url: str) -> str:
    return trafilatura.extract(html) or ""


CONTENDERS: dict[str, Extractor] = {
    "ours (pipelines.generic)": ours,
    "trafilatura.extract(html)": theirs,
}


def compare(pages: Sequence[tuple[str, str, str]]) -> None:
    """Score each contender on (html, url, true body) triples and print one row each."""
    print(f"    {'extractor':<34}{'F1':>14}{'precision':>11}{'recall':>8}{'exact':>7}{'s/page':>9}")
    for name, run in CONTENDERS.items():
        triples, exact = [], 0
        start = time.perf_counter()
        for html, url, truth in pages:
            predicted = run(html, url)
            triples.append(match(truth, predicted))
            exact += TOKEN_RE.findall(predicted) == TOKEN_RE.findall(truth)
        elapsed = (time.perf_counter() - start) / len(pages)
        f1, precision, recall = scores(triples)
        print(
            f"    {name:<34}{f1:>7.3f} ±{f1_spread(triples):.3f}{precision:>11.3f}{recall:>8.3f}"
            f"{exact / len(pages):>7.3f}{elapsed:>9.4f}"
        )


def accuracy(root: Path) -> None:
    pages, truth = load_dataset(root)
    print(f"\n(a) Body text on {len(pages)} pages of {root}")
    print("    metric: evaluate.py of scrapinghub/article-extraction-benchmark (4-token shingles)")
    compare([(p.body.decode("utf-8"), p.url, truth[p.key]) for p in pages])


def fixture_accuracy(pattern: str) -> None:
    """The same metric on the site fixtures' expected bodies (Vietnamese pages, decoded to NFC)."""
    try:
        from pipelines.decode import decode_html
    except Exception as exc:  # the module may not exist yet, or be half-written
        print(f"\n    pipelines.decode is not importable ({type(exc).__name__}: {exc}); skipped")
        return
    cases = []
    for page in fixture_pages(pattern):
        expected_path = REPO / Path(page.key).with_name("expected.json")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        if expected.get("body"):
            cases.append((decode_html(page.body, page.headers), page.url, expected["body"]))
    print(
        f"\n(a') Same metric on {len(cases)} site fixture pages with an expected body ({pattern})"
    )
    if cases:
        print(
            "    (expected bodies leave out the sapo and byline, which extract_page strips later)"
        )
        compare(cases)


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


def environment() -> None:
    print("command:", shlex.join([sys.executable, *sys.argv]))
    print("os.cpu_count():", os.cpu_count(), "| platform:", platform.platform())
    print("python:", platform.python_version(), end="")
    for package in ("lxml", "trafilatura", "justext", "charset-normalizer"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            print(f" | {package} {metadata.version(package)}", end="")
    print(" | libxml2", ".".join(map(str, lxml.etree.LIBXML_VERSION)))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Body-text F1 of the generic extractor vs trafilatura, and throughput.",
        epilog="Example: python bench/extraction.py --seconds 5",
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        help="article-extraction-benchmark directory (default: %(default)s)",
    )
    parser.add_argument(
        "--fixtures",
        default=FIXTURE_GLOB,
        help="glob of fixture pages, relative to the repository (default: %(default)s)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="CPU seconds per throughput contender and page set (default: %(default)s)",
    )
    parser.add_argument("--skip-accuracy", action="store_true", help="only measure throughput")
    parser.add_argument("--skip-throughput", action="store_true", help="only measure accuracy")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    environment()
    try:
        if not args.skip_accuracy:
            accuracy(args.dataset)
            fixture_accuracy(args.fixtures)
        if not args.skip_throughput:
            throughput(args.fixtures, args.seconds)
    except (BenchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
