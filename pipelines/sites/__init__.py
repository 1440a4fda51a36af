"""Registry of site layouts (extraction layer 1).

Layouts are tried in order and the first whose ``matches()`` is true extracts
the page. Each layout module exposes a module-level ``LAYOUT`` object that
satisfies :class:`pipelines.sites.base.Layout`; matching is by page structure,
so one layout serves every host on the same platform.
"""

from __future__ import annotations

import importlib
import logging
from functools import cache

from lxml.html import HtmlElement

from pipelines.sites.base import Layout

logger = logging.getLogger(__name__)

LAYOUT_MODULES: tuple[str, ...] = (
    "pipelines.sites.onecms",
    "pipelines.sites.layout2018",
    "pipelines.sites.layout2017",
)
"""Layout modules in the order they are tried (newest layout first)."""


@cache
def layouts() -> tuple[Layout, ...]:
    """The available layouts, in order (loaded once; the tuple is immutable)."""
    found: list[Layout] = []
    for module_name in LAYOUT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            logger.debug("layout module %s is not installed", module_name)
            continue
        found.append(module.LAYOUT)
    return tuple(found)


def find_layout(tree: HtmlElement, url: str) -> Layout | None:
    """The first layout that recognises this page, or None."""
    for layout in layouts():
        if layout.matches(tree, url):
            return layout
    return None
