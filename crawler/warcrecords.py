"""WARC records as archived responses (warcio), for Common Crawl ranges and WARC files.

A Common Crawl record is fetched as a byte range of a WARC file: one gzip member
holding one record. :func:`read_range` decompresses it and reads the record;
:func:`response_of` turns a warcio record (from a range or from a local file) into an
:class:`ArchivedResponse`, and :func:`refusal` says why a response is not a page to
extract. Bad input raises :class:`BadRecord` with a kind (counted in the crawl stats),
never anything else.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
"""Headers that describe the transfer, not the body warcio hands back (decoded)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


class BadRecord(ValueError):
    """A record that cannot be read as a response; ``kind`` names why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, kw_only=True)
class ArchivedResponse:
    """An HTTP response as a web archive recorded it."""

    url: str
    """``WARC-Target-URI``: the URL captured."""
    status: int
    headers: dict[str, str]
    """Lower-case names; transfer headers left out (the body is decoded)."""
    body: bytes
    captured_at: datetime
    """``WARC-Date``, UTC."""
    digest: str | None
    """``WARC-Payload-Digest``."""
    record_id: str | None
    """``WARC-Record-ID``."""


GZIP_WBITS = 16 + zlib.MAX_WBITS
"""zlib reads one gzip member, header and trailer checked."""


def read_range(data: bytes) -> ArchivedResponse:
    """The response in a byte range of a gzipped WARC file (one gzip member)."""
    member = zlib.decompressobj(wbits=GZIP_WBITS)
    try:
        raw = member.decompress(data)
    except zlib.error as exc:
        raise BadRecord("warc-unreadable", f"not a gzip member: {exc}") from None
    if not member.eof:  # cut anywhere, header and trailer included: never an error
        raise BadRecord("warc-truncated", "the gzip member ends early")
    try:
        for record in ArchiveIterator(BytesIO(raw)):
            return response_of(record)
    except (ArchiveLoadFailed, ValueError, EOFError) as exc:
        if isinstance(exc, BadRecord):
            raise
        raise BadRecord("warc-unreadable", f"not a WARC record: {exc}") from None
    raise BadRecord("warc-unreadable", "no WARC record in the range")


def response_of(record: ArcWarcRecord) -> ArchivedResponse:
    """The HTTP response a WARC ``response`` record holds; :class:`BadRecord` for
    other record types (``warc-revisit``, ``warc-request``...) and unreadable ones."""
    kind = record.rec_type
    if not kind:
        raise BadRecord("warc-unreadable", "a record without WARC-Type")
    if kind != "response":
        raise BadRecord(f"warc-{kind}", f"a {kind} record, not a response")
    http = record.http_headers
    if http is None:
        raise BadRecord("warc-unreadable", "a response record without HTTP headers")
    try:
        status = int(http.get_statuscode())
        body = record.content_stream().read()
    except (ValueError, TypeError, OSError, zlib.error) as exc:
        raise BadRecord("warc-unreadable", f"unreadable response: {exc}") from None
    if _short(record):
        raise BadRecord("warc-truncated", "the record ends before its Content-Length")
    headers: dict[str, str] = {}
    for name, value in http.headers:
        if name.lower() not in DROPPED_HEADERS:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=status, headers=headers, body=body,
        captured_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _short(record: ArcWarcRecord) -> bool:
    """True when warcio read fewer bytes of the record than its ``Content-Length``."""
    limit = getattr(record.raw_stream, "limit", None)
    return isinstance(limit, int) and limit > 0


def _warc_date(value: str | None) -> datetime:
    if not value:
        raise BadRecord("warc-unreadable", "a record without WARC-Date")
    try:
        moment = iso_date_to_datetime(value)
    except ValueError:
        raise BadRecord("warc-unreadable", f"bad WARC-Date {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def refusal(response: ArchivedResponse) -> tuple[str, str] | None:
    """Why *response* is not a page to extract, as (kind, detail); None when it is one.
    Kinds: ``offsite-redirect``, ``redirect`` (never followed in an archive),
    ``http-<status>``, ``not-html``."""
    if 300 <= response.status < 400:
        target = urljoin(response.url, response.headers.get("location", ""))
        here = (urlsplit(response.url).hostname or "").removeprefix("www.")
        there = (urlsplit(target).hostname or "").removeprefix("www.")
        kind = "redirect" if there == here else "offsite-redirect"
        return kind, f"a capture of a redirect to {target}"
    if response.status != 200:
        return f"http-{response.status}", f"a capture of an HTTP {response.status}"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(HTML_TYPES):
        return "not-html", f"a capture of {content_type}"
    return None
