"""A one-line progress counter for long commands, shown only on a terminal.

Written to stderr (so it never mixes with data on stdout) and only when stderr
is a terminal: piped or redirected runs print nothing.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

REFRESH_SECONDS = 0.25


class Progress:
    """``label: 1,200/100,000 (1%) 850/s``, rewritten in place at most every 0.25 s.

    Use as a context manager; :meth:`advance` after each unit of work.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.done = 0
        self._started = time.monotonic()
        self._shown_at = 0.0
        self._width = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._shown_at >= REFRESH_SECONDS:
            self._show(now)

    def line(self, now: float | None = None) -> str:
        """The current progress line."""
        elapsed = (time.monotonic() if now is None else now) - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        text = f"{self.label}: {self.done:,}"
        if self.total:
            text += f"/{self.total:,} ({100 * self.done // self.total}%)"
        return f"{text} {rate:,.0f}/s"

    def _show(self, now: float) -> None:
        self._shown_at = now
        text = self.line(now)
        padding = " " * max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write(f"\r{text}{padding}")
        self.stream.flush()

    def close(self) -> None:
        """Show the final figures and end the line."""
        if self.enabled:
            self._show(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
