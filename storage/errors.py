"""Archive errors that are not plain SQL errors."""

from __future__ import annotations


class StorageError(Exception):
    """A problem with the archive database that is not a plain SQL error."""


class ArchiveNotFound(StorageError):
    """The database named by a URL does not exist or holds no archive."""


class SearchUnavailable(StorageError):
    """The archive has no full-text index (not SQLite)."""
