"""Schema migrations (``storage.migrate``, ``storage/migrations``) on SQLite archives.

PostgreSQL gets the same checks in ``tests/test_postgres.py``.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text

from storage.archive import upsert_article
from storage.captures import DroppedCapture, known_captures, record_dropped
from storage.db import Database
from storage.fts import FTS_TABLE, ensure_search_index
from storage.migrate import main
from storage.models import Article, Base, CrawlRun
from storage.schema import (
    HEAD_REVISION,
    INITIAL_REVISION,
    alembic_config,
    include_object,
    schema_revision,
)
from storage.search import SearchOptions, search
from tests.test_storage import make_page, make_record

ROOT = Path(__file__).resolve().parent.parent
CAPTURE_URL = "https://web.archive.org/web/2017id_/https://baonghean.vn/a-1.html"


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return schema_revision(connection)
    finally:
        engine.dispose()


def found(url: str, query: str) -> list[str]:
    with Database.open(url, create=False) as db, db.session() as session:
        return [hit.canonical_url for hit in search(session, query, SearchOptions())]


def test_head_revision_is_the_newest_file_and_history_is_linear() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD_REVISION]
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == INITIAL_REVISION and len(chain) == len(set(chain))


def test_new_archive_schema_is_the_models_plus_search_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with Database.open(url) as db, db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert schema_revision(connection) == HEAD_REVISION
        names = set(inspect(connection).get_table_names())
        triggers = connection.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        assert FTS_TABLE in names
        assert set(triggers) == {"articles_fts_insert", "articles_fts_delete",
                                 "articles_fts_update"}


def made_by_create_all(url: str) -> None:
    """What opening an archive did before migrations: ``create_all`` and the search index."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    ensure_search_index(engine)
    engine.dispose()


def made_by_first_release(url: str) -> None:
    """The first release's tables (no ``skipped_known``, no search index), unversioned."""
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), INITIAL_REVISION)
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()


@pytest.mark.parametrize("make", [made_by_create_all, made_by_first_release])
def test_archive_made_before_migrations_is_stamped_and_upgraded(tmp_path: Path, make: Any
                                                                ) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    make(url)
    assert revision_of(url) is None
    record = make_record(1)
    with Database.open(url) as db, db.session() as session, session.begin():
        upsert_article(session, record, make_page(record))
        assert session.scalars(select(CrawlRun.skipped_known)).all() == []
    assert revision_of(url) == HEAD_REVISION
    assert found(url, "nghe an") == [record["canonical_url"]]


def test_old_revisions_upgrade_in_place_keeping_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r1.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), INITIAL_REVISION)
        connection.execute(text(
            "INSERT INTO crawl_runs (spider, args, started_at, pages_fetched, articles_new, "
            "articles_updated, articles_unchanged, dropped, errors) VALUES "
            "('baonghean', '{}', '2024-05-01 00:00:00', 4, 3, 0, 1, '{}', '{}')"))
    engine.dispose()
    assert "skipped_known" not in {c["name"] for c in inspect(create_engine(url))
                                   .get_columns("crawl_runs")}
    record = make_record(2, body="Cầu Đô Lương thông xe.")
    with Database.open(url) as db, db.session() as session, session.begin():
        run = session.scalars(select(CrawlRun)).one()
        assert (run.pages_fetched, run.skipped_known) == (4, 0)
        upsert_article(session, record, make_page(record))
    assert revision_of(url) == HEAD_REVISION
    assert found(url, "do luong") == [record["canonical_url"]]


def test_search_index_covers_rows_stored_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r2.db'}"
    record = make_record(3, body="Lũ quét ở Kỳ Sơn.")
    with Database.open(url) as db, db.session() as session, session.begin():
        upsert_article(session, record, make_page(record))
    engine = create_engine(url)
    with engine.begin() as connection:  # back to before the index, rows kept
        command.downgrade(alembic_config(connection), "0002")
    engine.dispose()
    assert revision_of(url) == "0002"
    assert found(url, "ky son") == [record["canonical_url"]]


def test_provenance_upgrade_marks_old_pages_live(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r3.db'}"
    record = make_record(4)
    with Database.open(url) as db, db.session() as session, session.begin():
        upsert_article(session, record, make_page(record))
    engine = create_engine(url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    engine.dispose()
    Database.open(url).close()
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT capture_source, capture_url, ingested_at = fetched_at FROM pages")).one()
        assert "captures" in inspect(connection).get_table_names()
    engine.dispose()
    assert tuple(row) == ("live", None, 1)


def test_downgrade_to_nothing_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'down.db'}"
    Database.open(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    engine.dispose()
    Database.open(url).close()
    assert revision_of(url) == HEAD_REVISION


def test_processes_opening_a_new_archive_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    code = (
        "import sys; from storage.db import Database\n"
        "with Database.open(sys.argv[1]) as db, db.session() as s: s.execute(__import__("
        "'sqlalchemy').text('SELECT count(*) FROM articles_fts')).one()"
    )
    workers = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, text=True,
                                stderr=subprocess.PIPE) for _ in range(3)]
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], errors
    assert revision_of(url) == HEAD_REVISION
    with Database.open(url) as db, db.session() as session:
        assert session.scalars(select(Article)).all() == []


def test_command_upgrades_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), INITIAL_REVISION)
    engine.dispose()
    assert main(["--db", url, "--status"]) == 1
    assert capsys.readouterr().out == f"revision: {INITIAL_REVISION} (newest: {HEAD_REVISION})\n"
    assert main(["--db", url]) == 0
    assert main(["--db", url, "--status"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"revision: {HEAD_REVISION} (newest: {HEAD_REVISION})")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.rstrip().splitlines()[-1].startswith("Example: ")


def test_capture_outcome_upgrade_marks_listed_captures_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r5.db'}"
    Database.open(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
        connection.execute(text(
            "INSERT INTO captures (capture_url, source, url, digest, captured_at, ingested_at) "
            "VALUES (:url, 'wayback', 'https://baonghean.vn/a-1.html', 'X', '2017-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"), {"url": CAPTURE_URL})
    engine.dispose()
    assert revision_of(url) == "0005"
    with Database.open(url) as db, db.session() as session, session.begin():
        assert list(known_captures(session, [CAPTURE_URL]).values()) == ["stored"]
        record_dropped(session, [DroppedCapture(
            capture_url="cc#1", source="commoncrawl", url="https://baonghean.vn/b-2.html",
            digest=None, captured_at=datetime(2025, 1, 10, tzinfo=UTC), outcome="not-html")])
    assert revision_of(url) == HEAD_REVISION
    engine = create_engine(url)
    with engine.begin() as connection:  # down again: the captures not stored are forgotten
        command.downgrade(alembic_config(connection), "0005")
        assert connection.scalars(text("SELECT capture_url FROM captures")).all() == [
            CAPTURE_URL]
    engine.dispose()
