"""``pip install .`` into a new virtualenv gives a ``vnnews`` whose subcommands, run from
another directory, match the ``python -m`` and ``scrapy`` commands on the same archive.

Offline: the package is built with this environment's setuptools (``--no-build-isolation``)
and installed alone (``--no-deps``); its dependencies come from this environment's
site-packages, named in a ``.pth`` file of the new one. The project itself is only
importable from the new environment's own copy (checked).
"""

from __future__ import annotations

import gzip
import json
import os
import queue
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ServedSite
from tests.report_archive import build_report_archive
from tests.test_datasette import _pump, _wait_for_url
from tests.test_e2e_crawl import FAST
from tests.test_search import build_fixture_archive

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "datasette-metadata.yaml", "crawler", "pipelines",
           "storage")
PAGE = REPO / "tests" / "fixtures" / "pages" / "onecms"


@dataclass(frozen=True)
class Installed:
    bin: Path
    workdir: Path
    """An empty directory outside the repository, where the installed commands run."""

    def vnnews(self, *args: str, check: int | None = 0) -> subprocess.CompletedProcess[bytes]:
        return run([str(self.bin / "vnnews"), *args], self.workdir, check)


def clean_env() -> dict[str, str]:
    drop = {"PYTHONPATH", "ARCHIVE_DB_URL", "SCRAPY_SETTINGS_MODULE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def run(command: list[str], cwd: Path, check: int | None = 0
        ) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, timeout=300)
    if check is not None:
        assert done.returncode == check, done.stderr.decode(errors="replace")[-3000:]
    return done


def python_m(*args: str, check: int | None = 0) -> subprocess.CompletedProcess[bytes]:
    return run([sys.executable, "-m", *args], REPO, check)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    venv = root / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root)
    purelib = run([str(venv / "bin" / "python"), "-c",
                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root)
    deps = Path(purelib.stdout.decode().strip()) / "dependencies.pth"
    deps.write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", str(source)], root)
    workdir = root / "elsewhere"
    workdir.mkdir()
    return Installed(venv / "bin", workdir)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_fixture_archive(tmp_path_factory.mktemp("installed-archive") / "archive.db")


def test_the_project_comes_from_the_installed_copy(installed: Installed) -> None:
    code = ("import crawler, pipelines, storage, importlib.resources as r; "
            "print(storage.__file__); "
            "print(r.files('storage').joinpath('datasette-metadata.yaml').is_file(), "
            "r.files('storage').joinpath('schema/record.schema.json').is_file(), "
            "r.files('storage').joinpath('migrations/versions').is_dir())")
    shown = run([str(installed.bin / "python"), "-c", code], installed.workdir).stdout.decode()
    where, found = shown.splitlines()
    assert Path(where).is_relative_to(installed.bin.parent), where
    assert found == "True True True"
    assert installed.vnnews("--version").stdout.decode().strip() == "vnnews 0.1.0"


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("storage.export", ["--section", "thoi su", "--revisions", "--since", "2017-01-01"]),
        ("storage.search", ["nghe an", "--json", "--limit", "50", "--sort", "newest"]),
        ("storage.stats", ["--json", "--top", "3"]),
        ("storage.migrate", ["--status"]),
        ("pipelines.reparse", ["--dry-run"]),
    ],
)
def test_archive_commands_match_python_m(
    installed: Installed, archive: str, module: str, args: list[str]
) -> None:
    name = module.split(".")[1]
    ours = installed.vnnews(name, "--db", archive, *args)
    theirs = python_m(module, "--db", archive, *args)
    assert ours.stdout == theirs.stdout
    assert ours.stdout.strip()


def test_export_to_a_file_and_errors_match(installed: Installed, archive: str,
                                           tmp_path: Path) -> None:
    installed.vnnews("export", "--db", archive, "-o", str(tmp_path / "a.jsonl.gz"))
    python_m("storage.export", "--db", archive, "-o", str(tmp_path / "b.jsonl.gz"))
    ours = gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes())
    assert ours and ours == gzip.decompress((tmp_path / "b.jsonl.gz").read_bytes())
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    ours_error = installed.vnnews("stats", "--db", missing, check=2)
    assert ours_error.stderr == python_m("storage.stats", "--db", missing, check=2).stderr


def test_extract_and_copy_match(installed: Installed, archive: str, tmp_path: Path) -> None:
    page = next(PAGE.glob("*/input.html"))
    url = json.loads((page.parent / "meta.json").read_text(encoding="utf-8"))["url"]
    ours = installed.vnnews("extract", "--url", url, str(page))
    assert ours.stdout == python_m("pipelines.extract", "--url", url, str(page)).stdout
    copied = [
        command("--db", archive, "--to", f"sqlite:///{tmp_path / name}").stdout.decode()
        for name, command in (("a.db", lambda *a: installed.vnnews("copy", *a)),
                              ("b.db", lambda *a: python_m("storage.copy", *a)))
    ]
    assert copied[0].replace("a.db", "b.db") == copied[1]


def test_report_runs_installed(installed: Installed, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'report.db'}"
    build_report_archive(url)
    shown = json.loads(installed.vnnews("report", "--db", url, "--format", "json").stdout)
    assert shown["sites"][0]["empty_days"] == ["2024-05-03", "2024-05-04"]
    installed.vnnews("report", "--db", url, "-o", "report.html")
    assert (installed.workdir / "report.html").read_text(encoding="utf-8").count("<svg") > 5


def exported(db: Path) -> list[tuple[str, str, str | None]]:
    lines = python_m("storage.export", "--db", f"sqlite:///{db}").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    return sorted((r["canonical_url"], r["headline"], r["published_at"]) for r in records)


def test_crawl_from_another_directory_matches_scrapy_crawl(
    installed: Installed, site_server: ServedSite, tmp_path: Path
) -> None:
    base = ["-a", f"base_url={site_server.base_url}", *FAST]
    installed.vnnews("crawl", "baonghean", *base, "--db", f"sqlite:///{tmp_path / 'a.db'}")
    python_m("scrapy", "crawl", "baonghean", *base, "-s",
             f"ARCHIVE_DB_URL=sqlite:///{tmp_path / 'b.db'}")
    ours = exported(tmp_path / "a.db")
    assert len(ours) >= 30
    assert ours == exported(tmp_path / "b.db")
    bad = installed.vnnews("crawl", "baonghean", "-a", "since=yesterday", check=2)
    assert bad.returncode == python_m("scrapy", "crawl", "baonghean", "-a", "since=yesterday",
                                      check=2).returncode


def test_crawlall_from_another_directory_matches_scrapy_crawlall(
    installed: Installed, site_server: ServedSite, tmp_path: Path
) -> None:
    base = ["-a", "sites=baonghean", "-a", f"base_url.baonghean={site_server.base_url}", *FAST]
    ours = installed.vnnews("crawlall", *base, "--db", f"sqlite:///{tmp_path / 'a.db'}")
    theirs = python_m("scrapy", "crawlall", *base, "-s",
                      f"ARCHIVE_DB_URL=sqlite:///{tmp_path / 'b.db'}")
    assert len(exported(tmp_path / "a.db")) >= 30
    assert exported(tmp_path / "a.db") == exported(tmp_path / "b.db")
    assert ours.stdout.decode().startswith("baonghean: run 1 finished: ")
    assert theirs.stdout.decode().startswith("baonghean: run 1 finished: ")
    bad = installed.vnnews("crawlall", "-a", "sites=nowhere", check=2)
    assert b"known: " in bad.stderr and len(bad.stderr.decode().strip().splitlines()) == 1


def test_serve_opens_the_archive_with_the_packaged_metadata(
    installed: Installed, archive: str
) -> None:
    path = archive.removeprefix("sqlite:///")
    command = [str(installed.bin / "vnnews"), "serve", path, "-h", "127.0.0.1", "-p", "0"]
    process = subprocess.Popen(command, cwd=installed.workdir, env=clean_env(), text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stderr, lines), daemon=True).start()
    try:
        base_url = _wait_for_url(process, lines)
        with urllib.request.urlopen(f"{base_url}/-/metadata.json", timeout=30) as response:
            metadata = json.loads(response.read().decode("utf-8"))
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert metadata["title"] == "Vietnamese news archive"
    assert metadata["databases"]["archive"]["tables"]["articles"]["fts_table"] == "articles_fts"
