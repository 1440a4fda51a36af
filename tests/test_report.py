"""``vnnews report`` on an archive with a two-day hole, a gap in the ids and failed runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from storage.report import date_gaps, id_gaps
from storage.report_runs import NORMAL_FINISH
from tests.report_archive import build_report_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'archive.db'}"
    build_report_archive(url)
    return url


def report_json(archive: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["report", "--db", archive, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def run_outline(site: dict[str, Any]) -> list[tuple[int, str, bool, int]]:
    return [(r["id"], r["outcome"], r["ok"], sum(r["errors"].values())) for r in site["runs"]]


def test_json_numbers_of_the_fixture_archive(archive: str) -> None:
    report = report_json(archive)
    assert (report["since"], report["until"]) == (None, None)
    assert [s["site"] for s in report["sites"]] == ["baonghean", "tin.example"]
    nghean = report["sites"][0]
    assert nghean["hosts"] == ["baonghean.vn"]
    assert (nghean["articles"], nghean["undated"]) == (8, 1)
    assert (nghean["first"], nghean["last"]) == ("2024-05-01", "2024-05-07")
    assert [(d["date"][-2:], d["articles"]) for d in nghean["per_day"]] == [
        ("01", 2), ("02", 1), ("03", 0), ("04", 0), ("05", 1), ("06", 2), ("07", 1)]
    assert nghean["empty_days"] == ["2024-05-03", "2024-05-04"]
    assert nghean["date_gaps"] == [{"first": "2024-05-03", "last": "2024-05-04", "days": 2}]
    assert nghean["id_gaps"] == [{"after": "102", "before": "110", "missing": 7}]
    assert nghean["extractors"] == [
        {"month": "2024-05", "site_rules": 5, "metadata": 1, "generic": 1}]
    assert nghean["completeness"] == {
        "articles": 8,
        "time": {"count": 6, "share": 0.75},
        "authors": {"count": 7, "share": 0.875},
        "captions": {"count": 7, "share": 0.875},
        "tags": {"count": 7, "share": 0.875},
    }
    assert run_outline(nghean) == [
        (1, "finished", True, 0), (2, "shutdown", False, 4), (3, "abandoned", False, 2),
        (4, "finished", True, 1)]
    assert nghean["outcomes"] == {"abandoned": 1, "finished": 2, "shutdown": 1}
    assert nghean["errors"] == {"timeout": 3, "connection": 2, "http-404": 2}
    assert nghean["dropped"] == {"listing": 2, "video": 1}


def test_unprofiled_host_and_news_spider_runs(archive: str) -> None:
    (other,) = report_json(archive, "--site", "tin.example")["sites"]
    assert (other["site"], other["articles"], other["empty_days"]) == ("tin.example", 1, [])
    assert other["completeness"]["tags"] == {"count": 0, "share": 0.0}
    assert run_outline(other) == [(5, "finished", True, 0)]
    assert other["extractors"] == [
        {"month": "2024-06", "site_rules": 0, "metadata": 0, "generic": 1}]


def test_range_counts_only_its_days_and_runs(archive: str) -> None:
    report = report_json(archive, "--site", "baonghean.vn", "--since", "2024-05-02",
                         "--until", "2024-05-04")
    assert (report["since"], report["until"]) == ("2024-05-02", "2024-05-04")
    (nghean,) = report["sites"]
    assert [d["articles"] for d in nghean["per_day"]] == [1, 0, 0]
    assert (nghean["articles"], nghean["undated"]) == (1, 0)
    assert [run["id"] for run in nghean["runs"]] == [2, 3]
    assert nghean["errors"] == {"timeout": 3, "connection": 2, "http-404": 1}
    assert nghean["id_gaps"] == []


def test_bad_range_and_missing_archive(tmp_path: Path, archive: str) -> None:
    runner = CliRunner()
    reversed_range = runner.invoke(
        cli, ["report", "--db", archive, "--since", "2024-05-04", "--until", "2024-05-01"])
    assert reversed_range.exit_code == 2
    assert "--since 2024-05-04 is after --until 2024-05-01" in reversed_range.output
    missing = runner.invoke(cli, ["report", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert missing.exit_code == 2
    assert not (tmp_path / "none.db").exists()


def test_gap_helpers_order_largest_first() -> None:
    days = [("2024-01-01", 0), ("2024-01-02", 3), ("2024-01-03", 0), ("2024-01-04", 0)]
    assert date_gaps(days) == [{"first": "2024-01-03", "last": "2024-01-04", "days": 2},
                               {"first": "2024-01-01", "last": "2024-01-01", "days": 1}]
    assert id_gaps([1, 3, 10, 11, 14], top=2) == [
        {"after": "3", "before": "10", "missing": 6},
        {"after": "11", "before": "14", "missing": 2}]


def test_the_report_counts_as_failed_what_the_crawl_command_exits_non_zero_for() -> None:
    from crawler.commands.crawl import exit_status

    for reason in [*NORMAL_FINISH, "shutdown", "abandoned", "cancelled"]:
        assert (exit_status(reason) == 0) == (reason in NORMAL_FINISH), reason
