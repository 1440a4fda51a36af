"""Stand-ins for the web archives: ``python -m tests.archiveserver ROOT [--log FILE]``.

Serves what :mod:`tests.archivegen` wrote in ROOT on 127.0.0.1 (OS-chosen port) and
prints its base URL first on stdout:

- ``/cdx``: the Wayback CDX API over ``wayback.json``: ``url`` with ``matchType``
  (``exact`` or ``domain``), ``limit`` with ``showResumeKey``/``resumeKey`` paging,
  ``output=json`` (header row, rows, ``[]``, ``[key]``) or the text form; ``from``/``to``;
  the first request for each resumed page gets a 429 with ``Retry-After: 1``;
- ``/web/<timestamp>id_/<url>``: the capture's original bytes;
- ``/cc/collinfo.json`` and ``/cc/<crawl>-index``: the Common Crawl index over
  ``cc-index.json`` (``showNumPages=true``, ``page=N``, 5 rows a page, JSON lines);
- ``/data/<path>``: files under ``ROOT/data``, honouring ``Range: bytes=A-B`` (206); a
  range whose ``<path> <A>`` is a line of ``ROOT/unavailable.txt`` answers 503 (an outage).

With ``--log FILE`` every request is appended as ``METHOD /path?query STATUS``.

Example: python -m tests.archiveserver /tmp/archives --log /tmp/archive-requests.log
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.archivegen import CRAWL

CC_PAGE_SIZE = 5
CRAWLS = (CRAWL, "CC-MAIN-2024-51")
FIELDS = ("original", "timestamp", "digest", "mimetype", "statuscode", "length")
RANGE = re.compile(r"bytes=(\d+)-(\d*)")


class ArchiveServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, log: Path | None) -> None:
        super().__init__(("127.0.0.1", 0), ArchiveHandler)
        self.root = root
        self.wayback: list[dict[str, Any]] = json.loads((root / "wayback.json").read_text())
        self.cc: list[dict[str, Any]] = json.loads((root / "cc-index.json").read_text())
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.log_path = log
        self.lock = threading.Lock()
        self.throttled: set[str] = set()

    def record(self, target: str, status: int) -> None:
        if self.log_path is not None:
            with self.lock, self.log_path.open("a", encoding="utf-8") as log:
                log.write(f"GET {target} {status}\n")

    def first_time(self, key: str) -> bool:
        with self.lock:
            fresh = key not in self.throttled
            self.throttled.add(key)
            return fresh


def _host_path(url: str) -> str:
    rest = url.split("//", 1)[-1]
    host, _, path = rest.partition("/")
    return host.split(":")[0].removeprefix("www.") + "/" + path


def _matches(row_url: str, target: str, match: str) -> bool:
    if match == "exact":
        return _host_path(row_url) == _host_path(target)
    host = _host_path(row_url).split("/", 1)[0]
    wanted = target.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return host == wanted or host.endswith("." + wanted)


class ArchiveHandler(BaseHTTPRequestHandler):
    server: ArchiveServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/cdx":
            self.cdx(query)
        elif parts.path.startswith("/web/"):
            self.replay(self.path.removeprefix("/web/"))
        elif parts.path == "/cc/collinfo.json":
            body = json.dumps([{"id": crawl, "name": crawl} for crawl in CRAWLS])
            self.send(200, body.encode(), "application/json")
        elif parts.path.startswith("/cc/") and parts.path.endswith("-index"):
            self.cc_index(parts.path[4:].removesuffix("-index"), query)
        elif parts.path.startswith("/data/"):
            self.data(parts.path.removeprefix("/data/"))
        else:
            self.send(404, b"not found", "text/plain")

    def cdx(self, query: dict[str, str]) -> None:
        rows = [r for r in self.server.wayback
                if _matches(r["original"], query.get("url", ""), query.get("matchType", "exact"))
                and query.get("from", "0") <= r["timestamp"][:8] <= query.get("to", "99999999")]
        start = int(query.get("resumeKey", "0") or 0)
        if start and self.server.first_time(f"cdx-{start}"):
            self.send(429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
            return
        limit = int(query.get("limit", "0") or 0) or len(rows)
        page, rest = rows[start : start + limit], rows[start + limit :]
        key = str(start + limit) if rest and query.get("showResumeKey") == "true" else None
        if query.get("output") == "json":
            table: list[list[str]] = [list(FIELDS)] + [[r[f] for f in FIELDS] for r in page]
            if key:
                table += [[], [key]]
            self.send(200, json.dumps(table).encode(), "application/json")
            return
        lines = [" ".join(r[f] for f in FIELDS) for r in page]
        if key:
            lines += ["", key]
        self.send(200, ("\n".join(lines) + "\n").encode(), "text/plain")

    def replay(self, rest: str) -> None:
        stamp, _, original = rest.partition("id_/")
        for row in self.server.wayback:
            if row["timestamp"] == stamp and row["original"] == original:
                body = (self.server.root / "replay" / row["file"]).read_bytes()
                self.send(200, body, row["type"])
                return
        self.send(404, b"not in the archive", "text/plain")

    def cc_index(self, crawl: str, query: dict[str, str]) -> None:
        if crawl != CRAWLS[0]:
            self.send(404, b'{"error": "No Captures found"}', "application/json")
            return
        rows = [r for r in self.server.cc
                if _matches(r["url"], query.get("url", ""), query.get("matchType", "exact"))]
        if query.get("showNumPages") == "true":
            pages = -(-len(rows) // CC_PAGE_SIZE)
            body = {"pages": pages, "pageSize": CC_PAGE_SIZE, "blocks": pages}
            self.send(200, json.dumps(body).encode(), "application/json")
            return
        page = int(query.get("page", "0"))
        chunk = rows[page * CC_PAGE_SIZE : (page + 1) * CC_PAGE_SIZE]
        text = "".join(json.dumps(row) + "\n" for row in chunk)
        self.send(200, text.encode(), "text/x-ndjson")

    def data(self, path: str) -> None:
        file = (self.server.root / "data" / path).resolve()
        if not file.is_relative_to((self.server.root / "data").resolve()) or not file.is_file():
            self.send(404, b"no such file", "text/plain")
            return
        content = file.read_bytes()
        match = RANGE.fullmatch(self.headers.get("Range", ""))
        if match is None:
            self.send(200, content, "application/octet-stream")
            return
        first = int(match.group(1))
        down = self.server.root / "unavailable.txt"
        if down.exists() and f"{path} {first}" in down.read_text().splitlines():
            self.send(503, b"Service Unavailable", "text/plain")
            return
        last = int(match.group(2)) if match.group(2) else len(content) - 1
        chunk = content[first : last + 1]
        self.send(206, chunk, "application/octet-stream",
                  {"Content-Range": f"bytes {first}-{first + len(chunk) - 1}/{len(content)}"})

    def send(self, status: int, body: bytes, content_type: str,
             headers: dict[str, str] | None = None) -> None:
        self.server.record(self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve web-archive stand-ins on 127.0.0.1.",
                                     epilog="Example: python -m tests.archiveserver /tmp/a")
    parser.add_argument("root", type=Path)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args(argv)
    server = ArchiveServer(args.root, args.log)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def start_archive_server(root: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    """Run the stand-ins on ``root`` in a subprocess; returns it and its base URL."""
    command = [sys.executable, "-m", "tests.archiveserver", str(root), "--log", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parent.parent)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise RuntimeError(f"archive server did not start (printed {url!r})")
    return process, url


if __name__ == "__main__":
    sys.exit(main())
