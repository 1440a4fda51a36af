"""``python -m storage.stats`` and crawl run records, against real SQLite files."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage.archive import upsert_article
from storage.db import Database
from storage.runs import RunFigures, finish_run, recent_runs, start_run
from storage.stats import main
from tests.test_storage import make_page, make_record

ARTICLES = [
    # (published_at, category, authors)
    ("2024-05-01T08:00:00+07:00", "Thời sự", ["Thanh Lê"]),
    ("2024-05-20T08:00:00+07:00", "Thời sự", ["Thanh Lê", "Hoài Thu"]),
    ("2024-05-31T23:30:00+07:00", "Kinh tế", ["Hoài Thu"]),
    ("2024-06-02", "Thời sự", ["Thanh Lê"]),
    (None, None, []),
]


@pytest.fixture
def archive(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with Database.open(url) as db, db.session() as session, session.begin():
        for n, (published, category, authors) in enumerate(ARTICLES):
            record = make_record(n, published_at=published, category=category, authors=authors)
            upsert_article(session, record, make_page(record))
        changed = make_record(0, published_at=ARTICLES[0][0], category="Thời sự", headline="Sửa")
        changed["authors"] = ARTICLES[0][2]
        upsert_article(session, changed, make_page(changed))
        for minute, reason in ((0, "finished"), (30, "storage-error")):
            run_id = start_run(
                session,
                "baonghean",
                {"since": "2024-05-01"},
                datetime(2024, 6, 3, 1, minute, tzinfo=UTC),
            )
            figures = RunFigures(
                finish_reason=reason,
                pages_fetched=40 + minute,
                articles_new=35,
                articles_updated=2,
                articles_unchanged=3,
                dropped={"listing": 2, "video": 1},
                errors={"http-404": 1} if minute else {},
            )
            finish_run(session, run_id, figures, datetime(2024, 6, 3, 2, minute, tzinfo=UTC))
        start_run(session, "baonghean", {}, datetime(2024, 6, 3, 3, 0, tzinfo=UTC))
    return url


def test_json_totals(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", archive, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    authors = Counter(name for _, _, names in ARTICLES for name in names)
    sections = Counter(category for _, category, _ in ARTICLES)
    assert stats["articles"] == len(ARTICLES)
    assert (stats["revisions"], stats["pages"], stats["undated"]) == (1, len(ARTICLES) + 1, 1)
    assert (stats["first_published"], stats["last_published"]) == ("2024-05-01", "2024-06-02")
    assert stats["by_site"] == {"baonghean.vn": len(ARTICLES)}
    assert stats["by_month"] == {"2024-05": 3, "2024-06": 1}
    assert stats["by_section"] == [
        {"section": s, "articles": n}
        for s, n in sorted(
            sections.items(), key=lambda item: (-item[1], item[0] is None, item[0] or "")
        )
    ]
    assert stats["top_authors"] == [{"author": a, "articles": n} for a, n in authors.most_common()]


def test_json_runs_newest_first(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", archive, "--json", "--runs", "2"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [(r["id"], r["finish_reason"]) for r in runs] == [(3, None), (2, "storage-error")]
    assert runs[1]["pages_fetched"] == 70
    assert runs[1]["dropped"] == {"listing": 2, "video": 1}
    assert runs[1]["errors"] == {"http-404": 1}
    assert runs[1]["args"] == {"since": "2024-05-01"}
    assert runs[1]["started_at"] == "2024-06-03T01:30:00+00:00"


def test_text_report(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", archive, "--top", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "articles: 5 (earlier versions: 1, raw pages: 6, undated: 1)"
    assert "published: 2024-05-01 .. 2024-06-02" in lines
    top = lines.index("top authors:")
    assert lines[top + 1].split() == ["Thanh", "Lê", "3"]
    assert lines[top + 2] == "last runs:"
    assert any(
        line.endswith(
            "run 1 finished: 40 pages, 35 new, 2 updated, 3 unchanged, 0 known skipped, "
            "dropped: listing=2 video=1, errors: none"
        )
        for line in lines
    )
    assert any(line.endswith("run 3 not finished (started 2024-06-03 03:00 UTC)") for line in lines)


def test_recent_runs_limit(archive: str) -> None:
    with Database.open(archive, create=False) as db, db.session() as session:
        runs = recent_runs(session, limit=1)
    assert [(run.id, run.figures) for run in runs] == [(3, None)]


def test_missing_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_bad_arguments_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--top", "many"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    help_text: Any = capsys.readouterr().out
    assert help_text.strip().splitlines()[-1].startswith("Example: python -m storage.stats")


def _add_vnexpress(url: str) -> None:
    with Database.open(url, create=False) as db, db.session() as session, session.begin():
        record = make_record(9, published_at="2024-05-02T08:00:00+07:00", category="Thời sự")
        record.update(url="https://vnexpress.net/tin-a-4954454.html", site="vnexpress.net",
                      canonical_url="https://vnexpress.net/tin-a-4954454.html",
                      article_id="4954454")
        upsert_article(session, record, make_page(record))
        run_id = start_run(session, "vnexpress", {}, datetime(2024, 6, 4, 1, 0, tzinfo=UTC))
        finish_run(session, run_id, RunFigures(finish_reason="finished", pages_fetched=3,
                                               articles_new=1),
                   datetime(2024, 6, 4, 1, 5, tzinfo=UTC))


def test_each_site_with_its_counts_and_last_crawl(archive: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _add_vnexpress(archive)
    assert main(["--db", archive]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = lines.index("by site:")
    assert lines[first + 1].split()[:2] == ["baonghean.vn", "5"]
    assert lines[first + 1].endswith("baonghean: last crawl 2024-06-03 02:30 UTC, "
                                     "storage-error (run 2)")
    assert lines[first + 2].split()[:2] == ["vnexpress.net", "1"]
    assert lines[first + 2].endswith("vnexpress: last crawl 2024-06-04 01:05 UTC, "
                                     "finished (run 4)")


@pytest.mark.parametrize("site", ["vnexpress", "vnexpress.net", "www.VnExpress.net"])
def test_one_site_by_profile_name_or_host(archive: str, site: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _add_vnexpress(archive)
    assert main(["--db", archive, "--site", site, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["articles"], shown["revisions"], shown["pages"]) == (1, 0, 1)
    assert shown["by_site"] == {"vnexpress.net": 1}
    assert [run["spider"] for run in shown["runs"]] == ["vnexpress"]
    assert shown["sites"][0]["last_run"]["id"] == 4


def test_export_takes_a_profile_name_for_site(archive: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from storage.export import main as export_main

    _add_vnexpress(archive)
    assert export_main(["--db", archive, "--site", "vnexpress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["site"] for line in lines] == ["vnexpress.net"]
    assert export_main(["--db", archive, "--site", "baonghean"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
