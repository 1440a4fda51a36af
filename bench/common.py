"""Shared helpers of the crawl, storage, memory and incremental benchmarks.

- :func:`environment` prints the command line, the core count and package versions;
- :func:`make_site` writes the fixture site (``tests/sitegen.py``) with N articles;
- :func:`served` runs ``bench/fastserver.py`` on it in a subprocess;
- :func:`run_crawl` runs one Scrapy crawl in a child process (the Twisted reactor
  does not restart) and returns its stats, timing and RSS samples; ``python
  bench/common.py SPEC.json OUT.json`` is that child;
- :func:`print_profile` summarises a ``py-spy record --format raw`` profile.

Nothing here writes into the repository: callers pass temporary directories.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence, Sized
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == REPO / "bench":
    del sys.path[0]  # run as a script: bench/incremental.py would shadow Twisted's "incremental"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import scrapy  # noqa: E402
from scrapy import signals  # noqa: E402
from scrapy.crawler import Crawler, CrawlerProcess  # noqa: E402
from scrapy.http import Request, Response  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402

from pipelines.profiles import profile  # noqa: E402

is_article_url = profile("baonghean").urls.is_article

LIFTED: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
}
"""Politeness limits lifted for benchmarks against the local server."""
OUR_CODE = tuple(f" ({package}/" for package in ("crawler", "pipelines", "storage"))
"""How py-spy names frames of the project's own modules (paths relative to the repository)."""


class BenchError(Exception):
    """A benchmark could not run; reported as one line."""


def environment(packages: Sequence[str] = ("scrapy", "twisted", "sqlalchemy", "lxml")) -> None:
    print("command:", shlex.join([sys.executable, *sys.argv]))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print("os.cpu_count():", os.cpu_count(), "| load average:", load,
          "| platform:", platform.platform())
    versions = [f"python {platform.python_version()}"]
    for package in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    print(" | ".join(versions), flush=True)


def make_site(root: Path, articles: int, per_page: int = 20) -> Any:
    """Generate the fixture site with ``articles`` articles into ``root``; returns its Site."""
    from tests.sitegen import generate

    start = time.perf_counter()
    site = generate(root, articles=articles, per_page=per_page)
    print(f"fixture site: {len(site.articles)} articles, {per_page} per listing page, "
          f"generated in {time.perf_counter() - start:.1f}s", flush=True)
    return site


@dataclass(frozen=True)
class Server:
    """A running ``bench/fastserver.py``: its base URL and process id."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far, from ``/proc``."""
        fields = Path(f"/proc/{self.pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
        utime, stime = fields.split()[11:13]
        return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def served(root: Path, log: Path | None = None) -> Iterator[Server]:
    """``bench/fastserver.py`` serving ``root`` in a subprocess."""
    command = [sys.executable, str(REPO / "bench" / "fastserver.py"), str(root)]
    if log is not None:
        command += ["--log", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise BenchError(f"the fast server did not start (printed {url!r})")
        yield Server(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class CrawlSpec:
    """One crawl for :func:`run_crawl`."""

    kind: str
    """"full": our spider with the project's pipelines; "bare": :class:`BareSpider`."""
    settings: dict[str, Any] = field(default_factory=dict)
    spider_args: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    """The bare spider's pages."""
    sample_every: int = 0
    """Record RSS every this many responses (0: only at the end)."""


@dataclass
class CrawlResult:
    stats: dict[str, Any]
    seconds: float
    """From the spider opening to its closing."""
    cpu_seconds: float
    """CPU time of the crawl process over the same span (steadier on a shared machine)."""
    child_cpu_seconds: float
    """CPU time of the crawl's child processes (``ARCHIVE_EXTRACT_WORKERS``) over the span."""
    responses: int
    article_responses: int
    samples: list[dict[str, float]]
    """RSS samples: responses, articles, rss_mb, peak_mb, queued, seen."""

    def rate(self, articles_only: bool = True) -> float:
        done = self.article_responses if articles_only else self.responses
        return done / self.seconds if self.seconds else 0.0


def run_crawl(spec: CrawlSpec, workdir: Path, profile: Path | None = None) -> CrawlResult:
    """Run ``spec`` in a child process (under ``py-spy record`` when ``profile`` is set)."""
    spec_path, out_path = workdir / "spec.json", workdir / "result.json"
    spec_path.write_text(json.dumps(asdict(spec)), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), str(spec_path), str(out_path)]
    if profile is not None:
        command = [str(Path(sys.executable).with_name("py-spy")), "record", "--rate", "200",
                   "--format", "raw", "--nonblocking", "-o", str(profile), "--", *command]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out_path.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BenchError(f"crawl child failed ({done.returncode}): {' | '.join(tail)}")
    data = json.loads(out_path.read_text(encoding="utf-8"))
    return CrawlResult(**data)


# -- the child process ---------------------------------------------------------------------


class BareSpider(scrapy.Spider):
    """Fetches the given pages and does nothing with them: the floor of a crawl's cost."""

    name = "bare"

    def __init__(self, urls: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = list(urls)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.urls:
            yield Request(url, callback=self.parse)

    def parse(self, response: Response) -> None:
        return None


def _memory_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc."""
    values: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _children_cpu() -> float:
    """CPU time of this process' ended children (extraction workers stop before the close)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Probe:
    """Counts responses and article pages, times the crawl, samples RSS."""

    def __init__(self, crawler: Crawler, sample_every: int) -> None:
        self.crawler = crawler
        self.sample_every = sample_every
        self.responses = self.articles = 0
        self.samples: list[dict[str, float]] = []
        self.opened = self.closed = self.cpu_opened = self.cpu_closed = 0.0
        self.child_cpu_opened = self.child_cpu_closed = 0.0
        crawler.signals.connect(self.opened_, signal=signals.spider_opened)
        crawler.signals.connect(self.closed_, signal=signals.spider_closed)
        crawler.signals.connect(self.received, signal=signals.response_received)

    def opened_(self) -> None:
        self.opened, self.cpu_opened = time.perf_counter(), time.process_time()
        self.child_cpu_opened = _children_cpu()
        self.sample()

    def closed_(self) -> None:
        self.closed, self.cpu_closed = time.perf_counter(), time.process_time()
        self.child_cpu_closed = _children_cpu()
        self.sample()

    def received(self, response: Response, request: Request) -> None:
        self.responses += 1
        self.articles += is_article_url(request.url)
        if self.sample_every and self.responses % self.sample_every == 0:
            self.sample()

    def sample(self) -> None:
        rss, peak = _memory_mb()
        engine = self.crawler.engine
        scheduler = engine.scheduler if engine is not None else None
        dupefilter = getattr(scheduler, "df", None)
        self.samples.append({
            "responses": self.responses, "articles": self.articles, "rss_mb": rss,
            "peak_mb": peak, "queued": len(scheduler) if isinstance(scheduler, Sized) else 0,
            "seen": len(getattr(dupefilter, "fingerprints", ())),
        })


def child_main(spec_path: Path, out_path: Path) -> int:
    spec = CrawlSpec(**json.loads(spec_path.read_text(encoding="utf-8")))
    settings = get_project_settings()
    if spec.kind == "bare":
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        settings.set("ROBOTSTXT_OBEY", False, priority="cmdline")
    settings.setdict(spec.settings, priority="cmdline")
    process = CrawlerProcess(settings)
    if spec.kind == "bare":
        crawler = process.create_crawler(BareSpider)
        kwargs: dict[str, Any] = {"urls": spec.urls}
    else:
        crawler = process.create_crawler("baonghean")
        kwargs = dict(spec.spider_args)
    probe = Probe(crawler, spec.sample_every)
    process.crawl(crawler, **kwargs)
    process.start()
    assert crawler.stats is not None
    stats = {key: (value if isinstance(value, int | float | str) else str(value))
             for key, value in crawler.stats.get_stats().items()}
    result = CrawlResult(stats=stats, seconds=probe.closed - probe.opened,
                         cpu_seconds=probe.cpu_closed - probe.cpu_opened,
                         child_cpu_seconds=probe.child_cpu_closed - probe.child_cpu_opened,
                         responses=probe.responses, article_responses=probe.articles,
                         samples=probe.samples)
    out_path.write_text(json.dumps(asdict(result)), encoding="utf-8")
    return 0


# -- profiles ------------------------------------------------------------------------------


def profiled(profile: Path) -> int:
    """Run this script again (without ``--profile``) under py-spy, then summarise the profile."""
    argv, skip = [], False
    for arg in sys.argv:
        if skip or arg == "--profile":
            skip = not skip and arg == "--profile"
            continue
        if not arg.startswith("--profile="):
            argv.append(arg)
    py_spy = Path(sys.executable).with_name("py-spy")
    command = [str(py_spy), "record", "--rate", "200", "--format", "raw", "--nonblocking",
               "--subprocesses",
               "-o", str(profile), "--", sys.executable, *argv]
    try:
        code = subprocess.run(command, cwd=REPO, check=False).returncode
    except OSError as exc:
        print(f"error: cannot run py-spy ({exc}); pip install py-spy", file=sys.stderr)
        return 1
    if code == 0:
        print_profile(profile)
    return code


def bench_main(args: Any, run: Callable[[Any], object]) -> int:
    """A benchmark's ``main``: under py-spy when ``--profile`` names a file, else the
    environment then the figures; a failure is one line on stderr and exit status 1."""
    if args.profile is not None:
        return profiled(args.profile)
    environment()
    try:
        run(args)
    except (BenchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def print_profile(path: Path, top: int = 15) -> None:
    """Top functions of a py-spy raw profile: own time, and inclusive time of our code."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[_short(frames[-1])] += count
        for frame in dict.fromkeys(_short(f) for f in frames if _ours(f)):
            inclusive[frame] += count
    if not total:
        print(f"    profile {path}: no samples")
        return
    print(f"    profile {path} ({total} samples); own time:")
    for name, count in own.most_common(top):
        print(f"      {100 * count / total:5.1f}%  {name}")
    print("    inclusive time in crawler/, pipelines/, storage/:")
    for name, count in inclusive.most_common(top):
        print(f"      {100 * count / total:5.1f}%  {name}")


def _ours(frame: str) -> bool:
    return any(part in frame for part in OUR_CODE)


def _short(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (to/file.py)``."""
    name, _, where = frame.partition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(Path(file).parts[-2:])})"


if __name__ == "__main__":
    sys.exit(child_main(Path(sys.argv[1]), Path(sys.argv[2])))
