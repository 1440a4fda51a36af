"""``scrapy crawl`` that checks spider arguments before anything starts.

A spider raising from ``__init__`` leaves a traceback and a half-started process;
this command asks the spider class to check its ``-a`` arguments first (a
``check_arguments(args)`` class method raising ``ValueError``) and turns a bad one
into a one-line message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1 or self.settings is None:
            return
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            return  # `run` reports the unknown spider as usual
        check = getattr(spidercls, "check_arguments", None)
        if check is None:
            return
        try:
            check(opts.spargs)
        except ValueError as exc:
            sys.stderr.write(f"scrapy crawl {args[0]}: error: {exc}\n")
            sys.exit(2)
