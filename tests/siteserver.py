"""HTTP server for the fixture site: ``python -m tests.siteserver ROOT [--log FILE]``.

Binds 127.0.0.1 on an OS-chosen port and prints its base URL (``http://127.0.0.1:PORT``)
as the first line on stdout. What it serves comes from ``ROOT/routes.json``, a map of
``/path`` or ``/path?query`` to a route:

- ``{"file": "a.html", "type": "text/html; charset=utf-8"}``: the file's bytes;
- ``{"status": 301, "location": "/new.html"}``: a redirect (a path is made absolute);
- optional on any route: ``"status"``, ``"headers"`` (extra headers), ``"delay"``
  (seconds before answering), ``"fail"`` (``{"times": N, "status": 503, "headers": {...}}``:
  the first N requests get that answer instead);
- misbehaving routes: ``{"reset": true}`` closes the connection with a TCP reset and no
  answer; ``"stall": S`` on a file route sends the headers and half the body, then stalls
  for S seconds and closes the connection.

A request's exact path and query is looked up first, then its path alone (unknown query
parameters are ignored, as real servers do); anything else is a 404. In text bodies and
redirect locations the site's origin (``--origin``, default ``https://baonghean.vn``) is
replaced by the server's own base URL, so pages can carry the real site's absolute links;
``https://elsewhere.example`` becomes ``http://localhost:PORT``, the same server under
another host name (a crawl that leaves its host shows up in the log).
With ``--log FILE`` every request is appended as ``METHOD /path?query STATUS``.

Example: python -m tests.siteserver /tmp/site --log /tmp/site-requests.log
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_ORIGIN = "https://baonghean.vn"
OTHER_ORIGIN = "https://elsewhere.example"
"""Stands for another site: replaced by ``http://localhost:PORT`` (this server, another host)."""
NOT_FOUND_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>Không tìm thấy trang</h1><p>Trang bạn tìm không tồn tại.</p></body></html>"
)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, origin: str, log: Path | None) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.root = root
        self.routes: dict[str, dict[str, Any]] = json.loads(
            (root / "routes.json").read_text(encoding="utf-8"))
        self.origin = origin.encode()
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.other_url = f"http://localhost:{self.server_address[1]}"
        self.log_path = log
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}

    def route_for(self, target: str) -> tuple[str, dict[str, Any] | None]:
        path = urlsplit(target).path
        for key in (target, path):
            if key in self.routes:
                return key, self.routes[key]
        return path, None

    def count(self, key: str) -> int:
        with self.lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def record(self, method: str, target: str, status: int) -> None:
        if self.log_path is None:
            return
        with self.lock, self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"{method} {target} {status}\n")


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # requests go to --log instead

    def _answer(self, send_body: bool) -> None:
        key, route = self.server.route_for(self.path)
        if route is None:
            self._send(404, {"Content-Type": "text/html; charset=utf-8"},
                       NOT_FOUND_PAGE.encode(), send_body)
            return
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        if route.get("reset"):
            self._reset()
            return
        fail = route.get("fail")
        if fail and self.server.count(key) <= int(fail.get("times", 1)):
            self._send(int(fail.get("status", 503)), dict(fail.get("headers", {})), b"",
                       send_body)
            return
        headers = dict(route.get("headers", {}))
        body = b""
        if "location" in route:
            headers["Location"] = self._absolute(route["location"])
        if "file" in route:
            content_type = route.get("type", "application/octet-stream")
            headers["Content-Type"] = content_type
            body = (self.server.root / route["file"]).read_bytes()
            if content_type.startswith(("text/", "application/xml", "application/rss+xml")):
                body = body.replace(self.server.origin, self.server.base_url.encode())
                body = body.replace(OTHER_ORIGIN.encode(), self.server.other_url.encode())
        status = int(route.get("status", 301 if "location" in route else 200))
        if route.get("stall") and send_body:
            self._stall(status, headers, body, float(route["stall"]))
            return
        self._send(status, headers, body, send_body)

    def _absolute(self, location: str) -> str:
        if location.startswith("/"):
            return self.server.base_url + location
        location = location.replace(OTHER_ORIGIN, self.server.other_url)
        return location.replace(self.server.origin.decode(), self.server.base_url)

    def _reset(self) -> None:
        """Drop the connection with a TCP RST (SO_LINGER 0), answering nothing."""
        self.server.record(self.command, self.path, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _stall(self, status: int, headers: dict[str, str], body: bytes, seconds: float) -> None:
        """Headers and the first half of the body, then nothing for ``seconds``; then close."""
        self.server.record(self.command, self.path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            time.sleep(seconds)
        except OSError:
            pass  # the client gave up first
        self.close_connection = True

    def _send(self, status: int, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        self.server.record(self.command, self.path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading (a size limit)


def start_server(root: Path, log: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """Run the server on ``root`` in a subprocess; returns it and its base URL."""
    command = [sys.executable, "-m", "tests.siteserver", str(root)]
    if log is not None:
        command += ["--log", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parent.parent)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise RuntimeError(f"site server did not start (printed {url!r})")
    return process, url


def stop_server(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve a generated fixture site on 127.0.0.1 (OS-chosen port).",
        epilog="Example: python -m tests.siteserver /tmp/site --log /tmp/requests.log",
    )
    parser.add_argument("root", type=Path, help="directory holding routes.json and the files")
    parser.add_argument("--log", type=Path, help="append every request to this file")
    parser.add_argument("--origin", default=DEFAULT_ORIGIN,
                        help="origin in the pages replaced by the server's own URL")
    args = parser.parse_args(argv)
    try:
        server = SiteServer(args.root, args.origin, args.log)
    except (OSError, ValueError) as exc:
        print(f"siteserver: error: {exc}", file=sys.stderr)
        return 1
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
