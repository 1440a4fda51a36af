"""``vnnews``: every subcommand documented with an example; the archive subcommands take
exactly the options of their ``python -m`` command and hand them over unchanged."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

import crawler.cli
from crawler.cli import cli
from pipelines import extract as extract_module
from pipelines import reparse as reparse_module
from pipelines.profiles import profiles
from storage import copy as copy_module
from storage import export as export_module
from storage import migrate as migrate_module
from storage import search as search_module
from storage import stats as stats_module

SUBCOMMANDS = {"crawl", "crawlall", "sites", "export", "search", "stats", "reparse",
               "extract", "migrate", "copy", "serve", "report"}
FORWARDED: dict[str, Callable[[list[str]], int]] = {
    "export": export_module.main, "search": search_module.main, "stats": stats_module.main,
    "reparse": reparse_module.main, "extract": extract_module.main,
    "migrate": migrate_module.main, "copy": copy_module.main,
}
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def test_the_subcommands() -> None:
    assert set(cli.commands) == SUBCOMMANDS


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and f"vnnews {name}" in result.output


def module_options(main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
                   ) -> set[str]:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    usage = capsys.readouterr().out.split("Example:")[0]
    return set(LONG_OPTION.findall(usage))


@pytest.mark.parametrize("name", sorted(FORWARDED))
def test_the_same_options_as_the_python_m_command(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command = cli.commands[name]
    ours = {opt for param in command.params for opt in param.opts if opt.startswith("--")}
    assert ours | {"--help"} == module_options(FORWARDED[name], capsys)


def test_forwarded_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(argv)
        return 3

    monkeypatch.setattr(export_module, "main", fake_main)
    monkeypatch.setattr(extract_module, "main", fake_main)
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--db", "sqlite:///a.db", "--since", "2024-05-01",
                                 "--revisions", "-o", "x.jsonl.gz", "--section", "Thời sự"])
    assert result.exit_code == 3
    assert runner.invoke(cli, ["extract", "--url", "https://a.vn/x-12345.html", "-",
                               "--header", "A: 1", "--header", "B: 2"]).exit_code == 3
    assert seen == [
        ["--db", "sqlite:///a.db", "--since", "2024-05-01", "--section", "Thời sự",
         "--revisions", "--output", "x.jsonl.gz"],
        ["--url", "https://a.vn/x-12345.html", "--header", "A: 1", "--header", "B: 2",
         "--", "-"],
    ]


def test_bad_dates_are_usage_errors() -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["export", "--since", "2024-5-1"])
    assert bad.exit_code == 2 and "not a date (YYYY-MM-DD): '2024-5-1'" in bad.output
    reversed_range = runner.invoke(cli, ["search", "x", "--since", "2024-05-02",
                                         "--until", "2024-05-01"])
    assert reversed_range.exit_code == 2 and "is after --until" in reversed_range.output


def test_sites_lists_the_profiles() -> None:
    result = CliRunner().invoke(cli, ["sites", "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["name"] for row in rows] == [p.name for p in profiles()]
    assert rows[0]["hosts"] == list(profiles()[0].hosts)
    assert "Báo Nghệ An" in result.output  # Unicode kept
    text = CliRunner().invoke(cli, ["sites"]).output
    assert text.splitlines()[0].split("\t")[0] == profiles()[0].name


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["crawl", "baonghean", "-a", "since=2024-11-01", "-s", "LOG_LEVEL=INFO",
          "--db", "sqlite:///n.db", "-O", "out.jsonl"],
         ["crawl", "baonghean", "-a", "since=2024-11-01", "-s", "LOG_LEVEL=INFO",
          "-s", "ARCHIVE_DB_URL=sqlite:///n.db", "-O", "out.jsonl"]),
        (["crawlall", "-a", "sites=baonghean", "--logfile", "crawl.log"],
         ["crawlall", "-a", "sites=baonghean", "--logfile", "crawl.log"]),
    ],
)
def test_crawl_commands_run_scrapy(
    args: list[str], expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def fake_run(scrapy_args: list[str]) -> None:
        seen.append(scrapy_args)
        raise SystemExit(0)

    monkeypatch.setattr(crawler.cli, "run_scrapy", fake_run)
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert seen == [expected]


def test_help_constants_match_storage() -> None:
    from crawler.cli_archive import SEARCH_ORDERS
    from crawler.cli_options import DB_HELP
    from storage.db import DB_URL_ENV, DEFAULT_DB_URL

    assert f"archive database URL (default: ${DB_URL_ENV}, else {DEFAULT_DB_URL})" == DB_HELP
    assert SEARCH_ORDERS == search_module.ORDERS
