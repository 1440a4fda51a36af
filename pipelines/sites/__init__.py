"""Layouts (extraction layer 1) and how a page finds its layout.

A layout module exposes a ``LAYOUT`` satisfying :class:`pipelines.sites.base.Layout`
(code, like :mod:`onecms`), or a profile builds one from selectors
(:class:`pipelines.sites.selectors.SelectorLayout`). Site profiles
(:mod:`pipelines.profiles`) say which layouts a site's pages come in.

A page is tried first against the layouts of the profile owning its host (or the
profile the crawl named, for a local copy of a site), then against every known layout
by structure: matching is by page structure, so a layout serves every paper on its
platform, and an archived page of a profiled site on another host is still read. A
layout that only rejects its paper's listing pages (``own_pages_only``) is never tried
on another site's pages.
"""

from __future__ import annotations

from functools import cache

from lxml.html import HtmlElement

from pipelines.sites.base import Layout


@cache  # the imports below run once, not for every page
def layouts() -> tuple[Layout, ...]:
    """Every known layout in the order they are tried by structure (newest first)."""
    # Imported here, not at the top: layout modules use helpers (captions, text) that
    # import ``pipelines.sites.base``, which runs this package module first.
    from pipelines.profiles import profiles
    from pipelines.sites import layout2017, layout2018, onecms

    found: list[Layout] = [onecms.LAYOUT]
    for profile in profiles():
        found.extend(layout for layout in profile.layouts if layout not in found)
    found.extend(layout for layout in (layout2018.LAYOUT, layout2017.LAYOUT) if layout not in found)
    return tuple(found)


def find_layout(tree: HtmlElement, url: str, profile: str | None = None) -> Layout | None:
    """The first layout that recognises this page, or None. ``profile``: the name of the
    site profile the page was crawled for (its layouts are tried first)."""
    for layout in _candidates(url, profile):
        if layout.matches(tree, url):
            return layout
    return None


def _candidates(url: str, name: str | None) -> list[Layout]:
    from pipelines.profiles import SITES, for_url
    from pipelines.profiles import profile as named

    first = [*(named(name).layouts if name in SITES else ())]
    owner = for_url(url)
    if owner is not None:
        first.extend(layout for layout in owner.layouts if layout not in first)
    return [*first, *(layout for layout in layouts() if layout not in first and _shared(layout))]


def _shared(layout: Layout) -> bool:
    """Whether a layout may read pages of other sites by their structure: not one that
    only recognises its own paper's listing pages (its story-link selectors would take
    any page with a few linked headings for one)."""
    return not getattr(layout, "own_pages_only", False)
