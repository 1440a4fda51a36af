"""The archive's raw pages as a WARC file, for web-archive tools.

Each stored page becomes a standard WARC ``response`` record (written with
warcio): target URI the page's final URL, ``WARC-Date`` its fetch time, and
an HTTP/1.1 response with the stored status, headers and body (``WARC-Date`` with
microseconds when the fetch time has them, as WARC/1.1 allows; the requested URL in
``WARC-X-Requested-URI`` when it differs from the final one). Bodies are
stored decoded (no transfer or content encoding), so ``Content-Encoding`` and
``Transfer-Encoding`` are left out and ``Content-Length`` is the body's
length; everything else is as fetched. The file starts with a ``warcinfo``
record. A name ending in ``.gz`` gives a gzipped WARC (one gzip member per
record, as web-archive tools expect).
"""

from __future__ import annotations

import logging
from datetime import UTC
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from storage.db import Database
from storage.filters import RecordFilter, count_articles, count_versions
from storage.outfile import STDOUT, archive_files, output_file
from storage.pages import iter_stored_pages
from storage.progress import Progress
from storage.records import StoredPage

logger = logging.getLogger(__name__)

SOFTWARE = "vietnamese-news-archive storage.warc (warcio)"
DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
REQUESTED_URI = "WARC-X-Requested-URI"
"""Extension field: the URL first requested, when a redirect led to the target URI
(``python -m pipelines.ingest`` stores the page under it again)."""


def http_headers(page: StoredPage) -> StatusAndHeaders:
    """The HTTP status line and headers of *page* as they go into the WARC record."""
    try:
        reason = HTTPStatus(page.status).phrase
    except ValueError:
        reason = "Unknown"
    headers = [(name, value) for name, value in page.headers.items() if name not in DROPPED_HEADERS]
    headers.append(("content-length", str(len(page.body))))
    return StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1")


def write_page(writer: WARCWriter, page: StoredPage) -> None:
    """Append *page* to *writer* as a ``response`` record."""
    fetched = page.fetched_at.astimezone(UTC).replace(tzinfo=None)
    warc_headers = {"WARC-Date": datetime_to_iso_date(fetched, use_micros=True)}
    if page.url != page.final_url:
        warc_headers[REQUESTED_URI] = page.url
    record = writer.create_warc_record(
        page.final_url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        http_headers=http_headers(page),
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)


def export_warc(
    url: str,
    where: RecordFilter,
    stream: IO[bytes],
    *,
    revisions: bool = False,
    filename: str | None = None,
) -> int:
    """Write the raw pages of the selected articles to *stream*; return how many.

    With *revisions* the pages of superseded versions are included too. The
    output is gzipped when *filename* ends in ``.gz``. Progress shows on a terminal.
    """
    writer = WARCWriter(stream, gzip=bool(filename and filename.endswith(".gz")))
    info = {"software": SOFTWARE, "format": "WARC File Format 1.0"}
    writer.write_record(writer.create_warcinfo_record(filename or "", info))
    count = 0
    with Database.open(url, create=False) as db, db.session() as session:
        total = (count_versions if revisions else count_articles)(session, where)
        progress = Progress("warc", total)
        for page in iter_stored_pages(session, where, revisions=revisions):
            write_page(writer, page)
            count += 1
            progress.advance()
        progress.close()
    logger.info("wrote %d pages as WARC records", count)
    return count


def export_warc_file(
    url: str, where: RecordFilter, target: str | Path, *, revisions: bool = False
) -> int:
    """Like :func:`export_warc`, into *target* (gzipped if it ends in ``.gz``; ``-``: stdout),
    never onto the archive itself (:func:`storage.outfile.output_file`)."""
    name = None if str(target) == STDOUT else Path(target).name
    with output_file(target, archive_files(url)) as stream:
        return export_warc(url, where, stream, revisions=revisions, filename=name)
