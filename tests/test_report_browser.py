"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``, which
``.ci/run`` installs) loads the file with the network cut off, renders it without console
messages, draws the SVG charts, and its screenshot shows the bars and the red marks of
the days without articles."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from tests.report_archive import build_report_archive

BROWSER_SECONDS = 90
BAR_BLUE = (0x3B, 0x6E, 0xA5)
EMPTY_RED = (0xD6, 0x27, 0x28)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-html")
    url = f"sqlite:///{folder / 'archive.db'}"
    build_report_archive(url)
    output = folder / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", url, "--site", "baonghean",
                                      "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "headless Chromium is needed: apt-get install chromium (.ci/run does)"
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--enable-logging=stderr", "--v=0", "--force-color-profile=srgb",
               "--hide-scrollbars", "--proxy-server=127.0.0.1:9", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_SECONDS,
                           check=True)


def test_the_file_needs_nothing_from_the_network(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|<iframe|src=|@import|url\(", html)
    assert html.count("<svg") == 5


def test_the_rendered_page_has_its_charts_and_no_console_message(report_file: Path) -> None:
    loaded = chromium("--dump-dom", report_file.as_uri())
    assert "CONSOLE" not in loaded.stderr, loaded.stderr
    charts = re.findall(r"<svg\b.*?</svg>", loaded.stdout, re.DOTALL)
    assert len(charts) == 5
    for chart in charts:
        assert re.search(r"<(rect|circle)\b", chart), chart[:200]
    day_chart = charts[0]
    assert len(re.findall(r'class="empty"', day_chart)) == 2
    assert "2024-05-03: no article" in day_chart and "2024-05-04: no article" in day_chart
    assert len(re.findall(r'<circle[^>]*class="failed"', charts[1])) == 2


def test_the_screenshot_shows_bars_and_empty_days(report_file: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    taken = chromium("--window-size=1000,1400", f"--screenshot={shot}", report_file.as_uri())
    assert "CONSOLE" not in taken.stderr, taken.stderr
    width, height, colours = png_colours(shot.read_bytes())
    assert (width, height) == (1000, 1400)
    assert near(colours, BAR_BLUE) > 5_000  # the bars of articles per day, and more
    assert near(colours, EMPTY_RED) > 300  # the two marks of the hole, failed runs, failures


def near(colours: Counter[tuple[int, int, int]], target: tuple[int, int, int]) -> int:
    return sum(n for colour, n in colours.items()
               if all(abs(a - b) <= 6 for a, b in zip(colour, target, strict=True)))


def png_colours(data: bytes) -> tuple[int, int, Counter[tuple[int, int, int]]]:
    """Width, height and pixel colours of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        chunks.append((data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]))
        offset += 12 + length
    header = dict(chunks)[b"IHDR"]
    width, height, depth, kind = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and kind in (2, 6), (depth, kind)
    size = 3 if kind == 2 else 4
    raw = zlib.decompress(b"".join(body for name, body in chunks if name == b"IDAT"))
    colours: Counter[tuple[int, int, int]] = Counter()
    previous = bytearray(width * size)
    stride = width * size + 1
    for row in range(height):
        line = unfilter(raw[row * stride], bytearray(raw[row * stride + 1:(row + 1) * stride]),
                        previous, size)
        colours.update(zip(line[0::size], line[1::size], line[2::size], strict=True))
        previous = line
    return width, height, colours


def unfilter(kind: int, line: bytearray, above: bytearray, size: int) -> bytearray:
    """Undo one PNG row filter (None, Sub, Up, Average, Paeth)."""
    for i in range(len(line)):
        left = line[i - size] if i >= size else 0
        up, corner = above[i], above[i - size] if i >= size else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + best) & 0xFF
    return line
