"""Shared fixtures: the generated fixture site and a real HTTP server serving it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sitegen import Site, generate
from tests.siteserver import start_server, stop_server


@dataclass(frozen=True)
class ServedSite:
    """The fixture site as served: its description, base URL and request log."""

    site: Site
    base_url: str
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def requested_paths(self) -> list[str]:
        """Paths (with query) requested so far, in order; the log is shared by all tests."""
        if not self.log.exists():
            return []
        return [line.split(" ")[1] for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture site, generated once per test session into a temporary directory."""
    return generate(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def site_server(fixture_site: Site, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[ServedSite]:
    """``tests/siteserver.py`` on 127.0.0.1 (OS-chosen port) serving the fixture site."""
    log = tmp_path_factory.mktemp("server") / "requests.log"
    process, base_url = start_server(fixture_site.root, log)
    try:
        yield ServedSite(site=fixture_site, base_url=base_url, log=log)
    finally:
        stop_server(process)
