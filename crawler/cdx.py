"""Web-archive indexes: the Wayback Machine's CDX API and the Common Crawl index.

Pure functions, no I/O: query URLs, parsing the answers into :class:`CdxCapture`
rows, and the checks that decide whether a capture is worth fetching. Both APIs
list captures sorted by URL key, then time.

- Wayback (``ARCHIVE_WAYBACK_CDX_URL``, ``/cdx/search/cdx``): ``output=json`` gives a
  header row of field names, one row per capture, then with ``showResumeKey=true`` an
  empty row and a row holding the resume key of the next page; the text form gives the
  ``fl`` fields separated by spaces, a blank line, the resume key.
- Common Crawl (``ARCHIVE_CC_INDEX_URL``, ``/<crawl>-index``): ``output=json`` gives one
  JSON object per line (``url``, ``timestamp``, ``mime``, ``status``, ``digest``,
  ``filename``, ``offset``, ``length``); ``showNumPages=true`` answers
  ``{"pages": N, ...}`` and pages are read with ``page=0..N-1``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

WAYBACK_FIELDS = ("original", "timestamp", "digest", "mimetype", "statuscode", "length")
"""The ``fl`` fields asked of the Wayback CDX API (and their order in its text form)."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REVISIT_TYPE = "warc/revisit"


@dataclass(frozen=True, kw_only=True)
class CdxCapture:
    """One capture listed by an index."""

    original: str
    """The URL captured (the live site's URL)."""
    timestamp: str
    """``YYYYMMDDhhmmss`` in UTC."""
    digest: str | None = None
    mime: str | None = None
    status: str | None = None
    filename: str | None = None
    """Common Crawl: the WARC file holding the record."""
    offset: int | None = None
    length: int | None = None

    @property
    def captured_at(self) -> datetime | None:
        return parse_timestamp(self.timestamp)


def parse_timestamp(value: str) -> datetime | None:
    """A CDX timestamp (``YYYYMMDDhhmmss``, shorter forms padded) as UTC; None if invalid."""
    digits = value.strip()
    if not digits.isdigit() or not 4 <= len(digits) <= 14:
        return None
    digits = (digits + "0101000000"[len(digits) - 4 :])[:14] if len(digits) < 14 else digits
    try:
        return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def skip_kind(capture: CdxCapture) -> str | None:
    """Why an index row is not fetched (``revisit``, ``redirect``, ``status-404``,
    ``not-html``, ``bad-index-line``), or None to fetch it."""
    mime = (capture.mime or "").split(";")[0].strip().lower()
    if mime == REVISIT_TYPE:
        return "revisit"
    status = (capture.status or "").strip()
    if status.startswith("3"):
        return "redirect"
    if status and status != "200":
        return "status-other" if not status.isdigit() else f"status-{status}"
    if mime and mime not in HTML_TYPES and mime != "unk":
        return "not-html"
    if capture.captured_at is None:
        return "bad-index-line"
    return None


def _day_bounds(since: date | None, until: date | None) -> list[tuple[str, str]]:
    """CDX ``from``/``to`` parameters (UTC days, a day wide on each side of the
    Vietnamese days asked; the exact range is checked on each capture)."""
    params: list[tuple[str, str]] = []
    if since is not None:
        params.append(("from", (since - timedelta(days=1)).strftime("%Y%m%d")))
    if until is not None:
        params.append(("to", (until + timedelta(days=1)).strftime("%Y%m%d")))
    return params


def wayback_query(endpoint: str, target: str, *, exact: bool, page_size: int,
                  since: date | None = None, until: date | None = None,
                  resume_key: str | None = None) -> str:
    """The CDX URL listing *target*'s HTML captures (a host, or one URL if *exact*),
    one per URL and digest, *page_size* rows a page, from *resume_key* on."""
    params = [
        ("url", target), ("matchType", "exact" if exact else "domain"), ("output", "json"),
        ("fl", ",".join(WAYBACK_FIELDS)), ("collapse", "digest"),
        ("filter", "statuscode:200"), ("filter", "mimetype:text/html"),
        ("showResumeKey", "true"), ("limit", str(page_size)),
        *_day_bounds(since, until),
    ]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{endpoint}?{urlencode(params)}"


def parse_wayback(body: str) -> tuple[list[CdxCapture], str | None]:
    """The captures of one CDX answer page (JSON or text form) and its resume key."""
    text = body.strip()
    if not text:
        return [], None
    if text.startswith("["):
        return _wayback_json(json.loads(text))
    return _wayback_text(text.splitlines())


def _wayback_json(rows: list[list[str]]) -> tuple[list[CdxCapture], str | None]:
    if not rows:
        return [], None
    header, *rest = rows
    resume = None
    if len(rest) >= 2 and rest[-2] == [] and len(rest[-1]) == 1:
        resume, rest = rest[-1][0], rest[:-2]
    captures = [_wayback_row(dict(zip(header, row, strict=False))) for row in rest if row]
    return [c for c in captures if c is not None], resume


def _wayback_text(lines: list[str]) -> tuple[list[CdxCapture], str | None]:
    resume = None
    if len(lines) >= 2 and not lines[-2].strip():
        resume, lines = lines[-1].strip(), lines[:-2]
    captures = [_wayback_row(dict(zip(WAYBACK_FIELDS, line.split(), strict=False)))
                for line in lines if line.strip()]
    return [c for c in captures if c is not None], resume


def _wayback_row(row: dict[str, str]) -> CdxCapture | None:
    if not row.get("original") or not row.get("timestamp"):
        return None
    return CdxCapture(original=row["original"], timestamp=row["timestamp"],
                      digest=row.get("digest"), mime=row.get("mimetype"),
                      status=row.get("statuscode"), length=_int(row.get("length")))


def cc_query(endpoint: str, crawl: str, target: str, *, exact: bool,
             page: int | None = None) -> str:
    """The Common Crawl index URL for *target* (a host, or one URL if *exact*): the
    number of pages (*page* None) or that page of captures."""
    params = [("url", target), ("matchType", "exact" if exact else "domain"),
              ("output", "json")]
    params.append(("showNumPages", "true") if page is None else ("page", str(page)))
    return f"{endpoint}/{crawl}-index?{urlencode(params)}"


def parse_cc_pages(body: str) -> int:
    """The page count of a ``showNumPages`` answer; ValueError when it has none."""
    value = json.loads(body.strip().splitlines()[0] if body.strip() else "{}")
    pages = value.get("pages") if isinstance(value, dict) else None
    if not isinstance(pages, int) or pages < 0:
        raise ValueError(f"no page count in {body[:200]!r}")
    return pages


def parse_cc(lines: Iterable[str]) -> Iterator[CdxCapture | None]:
    """The captures of a Common Crawl index page; None for a line that cannot be read."""
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield CdxCapture(
                original=row["url"], timestamp=row["timestamp"], digest=row.get("digest"),
                mime=row.get("mime-detected") or row.get("mime"), status=row.get("status"),
                filename=row["filename"], offset=int(row["offset"]),
                length=int(row["length"]))
        except (ValueError, KeyError, TypeError):
            yield None


def newest_crawl(body: str) -> str:
    """The newest crawl id of Common Crawl's ``collinfo.json`` (newest first)."""
    crawls = json.loads(body)
    ids = [c["id"] for c in crawls if isinstance(c, dict) and str(c.get("id", "")).startswith(
        "CC-MAIN-")]
    if not ids:
        raise ValueError("collinfo.json lists no CC-MAIN crawl")
    return str(max(ids))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "", "-") else None
    except ValueError:
        return None
