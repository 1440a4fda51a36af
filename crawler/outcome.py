"""How a crawl ended, as an exit status cron can trust (see :mod:`crawler.commands.crawl`).

The finish reason says whether the crawl did what it was asked; the crawl's stats say
whether the site answered at all. A crawl that finished "normally" without a single
usable response (every request refused, timed out, unresolved, or answered with an
error status) is a dead site, not a quiet one: it gets its own status and a summary
line on stderr.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_ABNORMAL = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_LOCKED = 75
NORMAL_FINISH = frozenset(
    {"finished", "limit", "closespider_timeout", "closespider_itemcount",
     "closespider_pagecount"}
)
"""Finish reasons of a crawl that did what it was asked (exit status 0)."""

_STATUS_STAT = re.compile(r"downloader/response_status_count/(\d+)$")
ERROR_PREFIX = "archive/errors/"


@dataclass(frozen=True)
class FetchTally:
    """What the downloader got: usable responses, failed attempts, final errors by kind."""

    fetched: int = 0
    """Responses with a status below 400 (redirects included)."""
    error_responses: int = 0
    """Responses with a status of 400 or more (each retry counted)."""
    exceptions: int = 0
    """Download attempts that got no response (refused, timed out, unresolved...)."""
    errors: dict[str, int] = field(default_factory=dict)
    """Requests given up, by kind (``archive/errors/<kind>``)."""

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> FetchTally:
        fetched = failed = 0
        for key, value in stats.items():
            if match := _STATUS_STAT.match(key):
                if int(match.group(1)) < 400:
                    fetched += int(value)
                else:
                    failed += int(value)
        errors = {key.removeprefix(ERROR_PREFIX): int(value) for key, value in stats.items()
                  if key.startswith(ERROR_PREFIX)}
        return cls(fetched, failed, int(stats.get("downloader/exception_count", 0)), errors)

    @property
    def unreachable(self) -> bool:
        """Nothing usable was fetched, and something was tried and failed."""
        return self.fetched == 0 and (self.error_responses + self.exceptions) > 0

    def line(self) -> str:
        """``site unreachable: 0 pages fetched, errors: dns=3`` (or, when the site answered
        with errors only, ``no page fetched: 4 error responses, errors: http-503=2``)."""
        kinds = ", ".join(f"{kind}={n}" for kind, n in sorted(self.errors.items())) or "none"
        if self.error_responses == 0:
            return f"site unreachable: 0 pages fetched, errors: {kinds}"
        return f"no page fetched: {self.error_responses} error responses, errors: {kinds}"


def exit_status(finish_reason: str | None, bootstrap_failed: bool = False,
                tally: FetchTally | None = None) -> int:
    """The command's exit status for a crawl that ended with *finish_reason*, having
    fetched what *tally* counts (None: not known)."""
    if bootstrap_failed or finish_reason not in NORMAL_FINISH:
        return EXIT_ABNORMAL
    if tally is not None and tally.unreachable:
        return EXIT_UNREACHABLE
    return EXIT_OK
