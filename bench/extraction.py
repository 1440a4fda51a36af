"""Extraction benchmark: body-text accuracy and throughput.

(a) Accuracy of what users get, ``pipelines.extract.extract_page`` (the record's
``body``; a page it rejects scores an empty body), beside its generic layer alone
(``pipelines.generic.extract_body``) and trafilatura's defaults
(``trafilatura.extract(html)``), on the public article-extraction-benchmark (181 pages
with hand-annotated bodies), scored as that project's ``evaluate.py`` does: texts
become ``\\w+`` tokens, tokens become overlapping 4-token shingles, each page gives
tp/fp/fn over the shingle multisets (normalised to sum 1), precision and recall are
means over pages and F1 = 2PR/(P+R) of those means.

(b) Throughput (articles/second) on three sets of fixture pages: all of them
(``tests/fixtures/pages/*/*/input.html``, special pages and generic fallback
included), the site-layout pages (``onecms``, ``layout2018``, ``layout2017``: what the
speed targets are about) and the full-size pages among those (``full-page-*``: real
page weight, 50-145 KB with the whole page chrome, where parsing dominates as it does
on the live site). Contenders: bare ``lxml.html`` parsing, parse + the generic
fallback, our full extractor ``pipelines.extract.extract_page``, and trafilatura on
the same bytes. Each runs repeated passes for about ``--seconds`` seconds of CPU
time, the contenders taking turns; rates are per CPU second (``bench/extraction_speed.py``).

(c) The real pages (``bench/extraction_real.py``): the same body F1 on eight articles of
Vietnamese papers, the page kind of seven home/section pages and each field of
``extract_page(..., site_rules=False)`` against the pages' gold, and the throughput of
that path on them.

Figures are printed only; nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
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
from importlib import metadata
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lxml.etree  # noqa: E402
import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from bench.extraction_real import report  # noqa: E402
from bench.extraction_speed import REPO, Page, fixture_pages, throughput  # noqa: E402
from pipelines.extract import NotAnArticle, extract_page  # noqa: E402
from pipelines.generic import extract_body  # noqa: E402

SHARED = Path(
    os.environ.get("ARCHIVE_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared"
)
"""``shared/`` beside the checkout (``ARCHIVE_SHARED_DIR`` names another)."""
DEFAULT_DATASET = SHARED / "benchmarks" / "article-extraction-benchmark"
DEFAULT_REAL_PAGES = SHARED / "reference" / "real-pages"
FIXTURE_GLOB = "tests/fixtures/pages/*/*/input.html"
TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4
BOOTSTRAP = 1000

Triple = tuple[float, float, float]


class BenchError(Exception):
    """A problem with the benchmark's inputs, reported as one line."""


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


def product(html: str, url: str) -> str:
    """The record's body, as users get it ("" for a page it rejects)."""
    try:
        return str(extract_page(html.encode("utf-8"), url)["body"])
    except NotAnArticle:
        return ""


def generic(html: str, url: str) -> str:
    return "\n\n".join(extract_body(lxml.html.fromstring(html), url))


def theirs(html: str, url: str) -> str:
    return trafilatura.extract(html) or ""


CONTENDERS: dict[str, Extractor] = {
    "ours: extract_page": product,
    "ours: pipelines.generic alone": generic,
    "trafilatura.extract(html)": theirs,
}


def compare_pages(pages: Sequence[tuple[str, str, str]]) -> None:
    """Score each contender on (html, url, true body) triples and print one row each."""
    keyed = {f"{i}": (html, url) for i, (html, url, _) in enumerate(pages)}
    contenders = {name: (lambda key, run=run: run(*keyed[key])) for name, run in CONTENDERS.items()}
    compare(contenders, [(f"{i}", truth) for i, (_, _, truth) in enumerate(pages)])


def compare(contenders: dict[str, Callable[[str], str]], cases: Sequence[tuple[str, str]]) -> None:
    """Score each contender (page key -> body) on (key, true body) pairs, one row each."""
    print(f"    {'extractor':<34}{'F1':>14}{'precision':>11}{'recall':>8}{'exact':>7}{'s/page':>9}")
    for name, run in contenders.items():
        triples, exact = [], 0
        start = time.perf_counter()
        for key, truth in cases:
            predicted = run(key)
            triples.append(match(truth, predicted))
            exact += TOKEN_RE.findall(predicted) == TOKEN_RE.findall(truth)
        elapsed = (time.perf_counter() - start) / len(cases)
        f1, precision, recall = scores(triples)
        print(
            f"    {name:<34}{f1:>7.4f} ±{f1_spread(triples):.3f}{precision:>10.4f}{recall:>8.4f}"
            f"{exact / len(cases):>7.3f}{elapsed:>9.4f}"
        )


def accuracy(root: Path) -> None:
    pages, truth = load_dataset(root)
    print(f"\n(a) Body text on {len(pages)} pages of {root}")
    print("    metric: evaluate.py of scrapinghub/article-extraction-benchmark (4-token shingles)")
    compare_pages([(p.body.decode("utf-8"), p.url, truth[p.key]) for p in pages])


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
        print("    (with their site layouts, where extract_page has them)")
        compare_pages(cases)


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
        description="Body-text F1 of extract_page, its generic layer and trafilatura; the "
        "real pages' records against their gold; throughput.",
        epilog="Example: python bench/extraction.py --seconds 5",
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        help="article-extraction-benchmark directory (default: %(default)s)",
    )
    parser.add_argument(
        "--real-pages",
        type=Path,
        default=DEFAULT_REAL_PAGES,
        help="directory of real pages with their gold.json (default: %(default)s)",
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
            if (args.real_pages / "gold.json").is_file():
                report(args.real_pages, match, compare, args.seconds)
        if not args.skip_throughput:
            throughput(args.fixtures, args.seconds)
    except (BenchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
