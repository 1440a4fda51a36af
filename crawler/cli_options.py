"""What the ``vnnews`` subcommands share: option decorators and the hand-over to the
``python -m`` commands.

The archive subcommands (``export``, ``search``, ...) declare the same options as the
``python -m`` command they stand for and call its ``main(argv)`` with them, so both give
the same output and exit status by construction; ``tests/test_cli.py`` checks that every
option of each ``python -m`` parser is declared here too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
DB_HELP = "archive database URL (default: $ARCHIVE_DB_URL, else sqlite:///archive.db)"
"""As :mod:`storage.db` resolves it (checked by tests/test_cli.py); not imported from there so
that ``vnnews --help`` starts without loading SQLAlchemy and Alembic."""
MainFunction = Callable[[list[str]], int]


class IsoDate(click.ParamType):
    """``YYYY-MM-DD``, kept as the text given once checked."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            if len(text) != 10:
                raise ValueError(text)
            date.fromisoformat(text)
        except ValueError:
            self.fail(f"not a date (YYYY-MM-DD): {text!r}", param, ctx)
        return text


def db_option(command: F) -> F:
    """``--db URL``: the archive."""
    return click.option("--db", metavar="URL", help=DB_HELP)(command)


def date_range_options(command: F) -> F:
    """``--since`` / ``--until``: publication dates (Vietnam time), both inclusive."""
    command = click.option(
        "--until", type=IsoDate(), help="published on or before (Vietnam date)"
    )(command)
    return click.option(
        "--since", type=IsoDate(), help="published on or after (Vietnam date)"
    )(command)


def site_option(command: F) -> F:
    """``--site SITE``."""
    return click.option("--site", metavar="SITE", help="only this site: a profile name "
                        "(baonghean) or a host (baonghean.vn)")(command)


def section_option(command: F) -> F:
    """``--section NAME``: matched ignoring case and tone marks."""
    return click.option(
        "--section", metavar="NAME", help='only this section ("Thời sự", "thoi su", "thoi-su")'
    )(command)


def author_option(command: F) -> F:
    """``--author NAME``: matched ignoring case and tone marks."""
    return click.option(
        "--author", metavar="NAME", help='only articles by this author ("Thanh Lê", "thanh le")'
    )(command)


def check_date_range(ctx: click.Context) -> None:
    """Refuse a ``--since`` later than ``--until`` (exit 2, one line)."""
    since, until = ctx.params.get("since"), ctx.params.get("until")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}", ctx)


def forwarded_argv(ctx: click.Context) -> list[str]:
    """The command line of the ``python -m`` command equal to this invocation."""
    options: list[str] = []
    arguments: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or value is False or value == ():
            continue
        if isinstance(param, click.Argument):
            arguments.append(str(value))
            continue
        flag = max(param.opts, key=len)
        if isinstance(param, click.Option) and param.is_flag:
            options.append(flag)
        elif isinstance(value, tuple):
            for item in value:
                options.extend([flag, str(item)])
        else:
            options.extend([flag, str(value)])
    return [*options, "--", *arguments] if arguments else options


def forward(ctx: click.Context, main: MainFunction) -> NoReturn:
    """Run the ``python -m`` command's *main* with this invocation's options; exit with its
    status."""
    check_date_range(ctx)
    ctx.exit(main(forwarded_argv(ctx)))
