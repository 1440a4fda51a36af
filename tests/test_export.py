"""``python -m storage.export`` and record streaming, against real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from storage.archive import RecordFilter, iter_records, upsert_article
from storage.db import Database
from storage.export import main
from storage.provenance import without_provenance
from tests.test_storage import make_page, make_record

ROOT = Path(__file__).resolve().parent.parent


def archive_with(tmp_path: Path, records: list[dict[str, Any]]) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with Database.open(url) as db:
        for record in records:
            with db.session() as session, session.begin():
                upsert_article(session, record, make_page(record))
    return url


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    lines = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    assert all(line["capture_source"] == "live" for line in lines)
    return [without_provenance(line) for line in lines]


# Publication times chosen around Vietnam midnight: local dates differ from UTC dates.
DATED = {
    "apr30-late": "2024-04-30T23:30:00+07:00",
    "may01-early": "2024-05-01T00:10:00+07:00",
    "may15-date-only": "2024-05-15",
    "may31-late": "2024-05-31T23:59:00+07:00",
    "jun01-morning": "2024-06-01T06:00:00+07:00",
}


@pytest.fixture
def dated(tmp_path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    records = {
        name: make_record(n, published_at=published, headline=name)
        for n, (name, published) in enumerate(DATED.items())
    }
    records["undated"] = make_record(9, published_at=None, dateline=None, headline="undated")
    return archive_with(tmp_path, list(records.values())), records


def test_export_equals_stored_records_oldest_first(tmp_path: Path, dated: Any) -> None:
    url, records = dated
    out = tmp_path / "out.jsonl"
    assert main(["--db", url, "-o", str(out)]) == 0
    exported = read_jsonl(out)
    assert exported == [records[name] for name in [*DATED, "undated"]]
    assert all(list(line) == list(records["undated"]) for line in exported)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_keeps_vietnamese_unescaped(tmp_path: Path) -> None:
    url = archive_with(tmp_path, [make_record()])
    out = tmp_path / "out.jsonl"
    assert main(["--db", url, "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert "Nghệ An đón mưa lớn".encode() in raw
    assert b"\\u" not in raw


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--since", "2024-05-01", "--until", "2024-05-31"],
            ["may01-early", "may15-date-only", "may31-late"],
        ),
        (["--since", "2024-05-31"], ["may31-late", "jun01-morning"]),
        (["--until", "2024-04-30"], ["apr30-late"]),
        (["--since", "2024-05-15", "--until", "2024-05-15"], ["may15-date-only"]),
    ],
)
def test_since_until_use_vietnam_local_dates(
    tmp_path: Path, dated: Any, args: list[str], expected: list[str]
) -> None:
    url, _ = dated
    out = tmp_path / "out.jsonl"
    assert main(["--db", url, *args, "-o", str(out)]) == 0
    assert [line["headline"] for line in read_jsonl(out)] == expected


def test_revisions_exports_every_version(tmp_path: Path) -> None:
    first = make_record(1)
    second = make_record(1, body="Bản sửa lần một.", fetched_at="2024-05-02T00:00:00+00:00")
    third = make_record(1, body="Bản sửa lần hai.", fetched_at="2024-05-03T00:00:00+00:00")
    other = make_record(2, published_at="2024-05-01T08:00:00+07:00")
    url = archive_with(tmp_path, [first, second, third, other])
    out = tmp_path / "all.jsonl"
    assert main(["--db", url, "--revisions", "-o", str(out)]) == 0
    lines = read_jsonl(out)
    expected = [first, second, third, other]
    versions = [1, 2, 3, 1]
    assert lines == [record | {"version": v} for record, v in zip(expected, versions, strict=True)]
    latest = tmp_path / "latest.jsonl"
    assert main(["--db", url, "-o", str(latest)]) == 0
    assert read_jsonl(latest) == [third, other]


def test_export_to_stdout_as_a_command(tmp_path: Path) -> None:
    url = archive_with(tmp_path, [make_record(1), make_record(2)])
    env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [sys.executable, "-m", "storage.export", "--db", url],
        capture_output=True,
        env=env,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [without_provenance(line) for line in lines] == [make_record(1), make_record(2)]


def peak_memory_streaming(url: str, where: RecordFilter) -> tuple[int, int]:
    """(records, peak traced memory) while streaming the records *where* selects."""
    with Database.open(url, create=False) as db, db.session() as session:
        tracemalloc.start()
        try:
            count = sum(1 for _ in iter_records(session, where, chunk_size=10))
            return count, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_streaming_memory_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    body = "Đoạn văn dài về Nghệ An. " * 2000  # about 50,000 characters per article
    records = [
        make_record(n, body=f"{n} {body}", published_at=f"2024-0{4 if n < 30 else 5}-10")
        for n in range(150)
    ]
    url = archive_with(tmp_path, records)
    few = peak_memory_streaming(url, RecordFilter(until=date(2024, 4, 30)))
    every = peak_memory_streaming(url, RecordFilter())
    assert (few[0], every[0]) == (30, 150)
    assert every[1] < 1.5 * few[1], f"peak {few[1]} bytes for 30 records, {every[1]} for 150"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-5-1"], "not a date"),
        (["--since", "2024-06-01", "--until", "2024-05-01"], "is after"),
        (["--revision"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_missing_archive_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    assert main(["--db", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no archive database" in err
    assert not missing.exists()


def test_help_ends_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert (
        capsys.readouterr()
        .out.strip()
        .splitlines()[-1]
        .startswith("Example: python -m storage.export")
    )
