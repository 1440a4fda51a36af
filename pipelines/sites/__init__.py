"""Registry of site layouts (extraction layer 1).

Layouts are tried in order and the first whose ``matches()`` is true extracts
the page. Each layout module exposes a module-level ``LAYOUT`` object that
satisfies :class:`pipelines.sites.base.Layout`; matching is by page structure,
so one layout serves every host on the same platform. To add a layout, write
its module and list its ``LAYOUT`` in :func:`layouts`.
"""

from __future__ import annotations

from functools import cache

from lxml.html import HtmlElement

from pipelines.sites.base import Layout


@cache  # the import below runs once, not for every page
def layouts() -> tuple[Layout, ...]:
    """The layouts in the order they are tried (newest first)."""
    # Imported here, not at the top: layout modules use helpers (captions, text)
    # that import ``pipelines.sites.base``, which runs this package module first.
    from pipelines.sites import layout2017, layout2018, onecms

    return (onecms.LAYOUT, layout2018.LAYOUT, layout2017.LAYOUT)


def find_layout(tree: HtmlElement, url: str) -> Layout | None:
    """The first layout that recognises this page, or None."""
    for layout in layouts():
        if layout.matches(tree, url):
            return layout
    return None
