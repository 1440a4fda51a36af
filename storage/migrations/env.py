"""Alembic environment of the archive.

Run from :func:`storage.schema.upgrade_schema` (which passes an open connection
in ``config.attributes["connection"]`` and owns its transaction and lock), or by
the ``alembic`` command (``-x db=URL``, else ``$ARCHIVE_DB_URL``, else the default
archive), which opens its own connection.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.db import create_db_engine, resolve_db_url
from storage.models import Base
from storage.schema import include_object


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported; give a database")
    given = context.config.attributes.get("connection")
    if given is not None:
        run(given)
        return
    url = resolve_db_url(context.get_x_argument(as_dictionary=True).get("db"))
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            run(connection)
            connection.commit()
    finally:
        engine.dispose()


main()
