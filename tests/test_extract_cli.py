from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.extract import main
from tests.pages import PAGES_DIR

ARTICLE = PAGES_DIR / "onecms" / "quy-che-phoi-hop"
VIDEO = PAGES_DIR / "special" / "video-page"
CP1258 = PAGES_DIR / "special" / "windows-1258"


def url_of(case: Path) -> str:
    return str(json.loads((case / "meta.json").read_text(encoding="utf-8"))["url"])


def test_prints_the_record_as_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--url", url_of(ARTICLE), str(ARTICLE / "input.html")])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert len(out.strip().splitlines()) == 1
    record = json.loads(out)
    expected = json.loads((ARTICLE / "expected.json").read_text(encoding="utf-8"))
    assert record["headline"] == expected["headline"]
    assert "Ban Tuyên giáo" in out  # Unicode kept, not \u escapes


def test_header_option_sets_the_charset(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CP1258 / "input.html")
    header = "Content-Type: text/html; charset=windows-1258"
    assert main(["--url", url_of(CP1258), "--header", header, path]) == 0
    assert json.loads(capsys.readouterr().out)["headline"].startswith("Thành phố Vinh")


def test_not_an_article_exits_1_with_one_line_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--url", url_of(VIDEO), str(VIDEO / "input.html")])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("not an article: video") and err.count("\n") == 1


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--url", "https://baonghean.vn/x-10285431.html", str(tmp_path / "none.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "Traceback" not in err


def test_empty_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"  \n")
    assert main(["--url", "https://baonghean.vn/x-10285431.html", str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_help_ends_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("Example: python -m pipelines.extract --url ")


def test_module_runs_and_reads_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.extract", "--url", url_of(ARTICLE), "-"],
        input=(ARTICLE / "input.html").read_bytes(),
        capture_output=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["article_id"] == "10285431"
