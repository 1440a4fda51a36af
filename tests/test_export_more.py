"""``python -m storage.export``: compression, section/author/site filters, terminal progress."""

from __future__ import annotations

import gzip
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage.archive import upsert_article
from storage.db import Database
from storage.export import main
from storage.progress import Progress
from storage.provenance import without_provenance
from tests.test_search import build_fixture_archive, fixture_articles
from tests.test_storage import make_page, make_record

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_fixture_archive(tmp_path_factory.mktemp("export") / "archive.db")


def latest_records() -> dict[str, dict[str, Any]]:
    """The fixture records as the archive keeps them: the last stored version per article."""
    return {record["canonical_url"]: record for record, _ in fixture_articles()}


def exported(url: str, tmp_path: Path, *args: str, name: str = "out.jsonl") -> list[dict[str, Any]]:
    out = tmp_path / name
    assert main(["--db", url, *args, "-o", str(out)]) == 0
    opener = gzip.open if name.endswith(".gz") else open
    with opener(out, "rt", encoding="utf-8") as stream:
        return [without_provenance(json.loads(line)) for line in stream]


def test_gz_output_is_the_same_export_compressed(archive: str, tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    assert main(["--db", archive, "-o", str(plain)]) == 0
    packed = tmp_path / "out.jsonl.gz"
    assert main(["--db", archive, "-o", str(packed)]) == 0
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert len(packed.read_bytes()) < len(plain.read_bytes()) / 2
    records = [without_provenance(json.loads(line))
               for line in plain.read_text(encoding="utf-8").splitlines()]
    assert {r["canonical_url"]: r for r in records} == latest_records()


@pytest.mark.parametrize("section", ["Kinh tế", "kinh te", "kinh-te", "KINH TẾ"])
def test_section_filter_ignores_case_diacritics_and_hyphens(
    archive: str, tmp_path: Path, section: str
) -> None:
    lines = exported(archive, tmp_path, "--section", section)
    expected = {u for u, r in latest_records().items() if r["category"] == "Kinh tế"}
    assert len(expected) >= 2
    assert {line["canonical_url"] for line in lines} == expected


def test_author_filter(archive: str, tmp_path: Path) -> None:
    by_author = [r for r in latest_records().values() if "Thành Chung" in r["authors"]]
    assert by_author
    lines = exported(archive, tmp_path, "--author", "thanh chung", name="a.jsonl.gz")
    assert sorted(line["canonical_url"] for line in lines) == sorted(
        r["canonical_url"] for r in by_author
    )
    assert exported(archive, tmp_path, "--author", "Nobody Here") == []


def test_site_filter_and_combined_filters(archive: str, tmp_path: Path) -> None:
    sites = {r["site"] for r in latest_records().values()}
    assert len(sites) >= 2
    for site in sites:
        lines = exported(archive, tmp_path, "--site", site)
        assert lines and {line["site"] for line in lines} == {site}
    lines = exported(archive, tmp_path, "--site", "baonghean.vn", "--since", "2024-01-01",
                     "--section", "kinh-te")
    assert lines and all(
        line["published_at"] >= "2024-01-01" and line["category"] == "Kinh tế" for line in lines
    )


def test_revisions_with_gz_and_filters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first = make_record(1)
    second = make_record(1, body="Bản sửa.", fetched_at="2024-05-02T00:00:00+00:00")
    other = make_record(2, category="Kinh tế")
    with Database.open(url) as db:
        for record in (first, second, other):
            with db.session() as session, session.begin():
                upsert_article(session, record, make_page(record))
    lines = exported(url, tmp_path, "--revisions", "--section", "thoi su", name="r.jsonl.gz")
    assert lines == [first | {"version": 1}, second | {"version": 2}]


def run_with_terminal_stderr(args: list[str], stdout: Path) -> tuple[int, str]:
    """Run the export with stderr on a pseudo-terminal; (status, what the terminal showed)."""
    main_fd, terminal_fd = pty.openpty()
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with stdout.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "storage.export", *args],
            stdout=out, stderr=terminal_fd, env=env, cwd=ROOT,
        )
    os.close(terminal_fd)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    return process.wait(timeout=120), shown.decode("utf-8")


def test_progress_on_a_terminal_only(archive: str, tmp_path: Path) -> None:
    total = len(latest_records())
    status, shown = run_with_terminal_stderr(["--db", archive], tmp_path / "out.jsonl")
    assert status == 0
    assert f"export: {total}/{total} (100%)" in shown
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == total
    piped = subprocess.run(
        [sys.executable, "-m", "storage.export", "--db", archive],
        capture_output=True, env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT, check=True,
    )
    assert piped.stderr == b""
    assert len(piped.stdout.splitlines()) == total


def test_progress_line_and_silence() -> None:
    quiet = io.StringIO()
    with Progress("export", 10, quiet) as progress:
        progress.advance(4)
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    with Progress("export", 10, shown, enabled=True) as progress:
        progress.advance(4)
        assert progress.line().startswith("export: 4/10 (40%) ")
        progress.advance(6)
    assert shown.getvalue().startswith("\rexport: 4/10 (40%)")
    assert shown.getvalue().rstrip().split("\r")[-1].startswith("export: 10/10 (100%)")
    assert shown.getvalue().endswith("\n")


def test_output_and_warc_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["-o", "a.jsonl", "--warc", "a.warc.gz"])
    assert exit_info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
