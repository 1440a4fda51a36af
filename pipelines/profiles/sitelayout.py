"""A selector layout with the few extras some papers need, as data.

:class:`SiteLayout` is a :class:`~pipelines.sites.selectors.SelectorLayout` that also

- recognises the paper's own listing pages (``listing``: CSS of the story links of its
  home and section pages; only on the paper's ``hosts``) and rejects them
  (:class:`~pipelines.pagekind.NotAnArticle`, reason ``listing``): some listing pages
  declare ``og:type`` "article" or link stories in shapes the generic listing check does
  not count;
- reads a sapo printed in two parts (``sapo_prefix``: "(VTC News) -" before the lead);
- reads a byline printed as several author links (``byline_all``: every match, joined
  with " - ").

Its ``matches`` must stay specific to the paper (``root`` and ``listing``): every
known layout is tried on pages of unknown hosts.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from pipelines.pagekind import NotAnArticle
from pipelines.sites.base import Extracted
from pipelines.sites.selectors import Rules, SelectorLayout
from pipelines.text import element_text, first_text
from pipelines.urls import urlsplit

LISTING_MIN_ITEMS = 16
"""Story items a page needs to be taken for a listing: section and home pages show 20 to
60; an article of a variant the rules do not know shows at most a dozen related stories
(it is then read by the generic layers, not rejected)."""


class SiteLayout(SelectorLayout):
    """Selector rules, listing pages rejected, sapo prefix and several bylines joined."""

    def __init__(
        self,
        rules: Rules,
        *,
        hosts: tuple[str, ...] = (),
        listing: str = "",
        sapo_prefix: str = "",
        byline_all: bool = False,
    ) -> None:
        super().__init__(rules)
        self.listing = Rules(name=f"{rules.name}-listing", root=listing, headline="",
                             body="", sapo=sapo_prefix)
        self.byline_all = byline_all
        self.hosts = frozenset(hosts)

    def matches(self, tree: HtmlElement, url: str) -> bool:
        return super().matches(tree, url) or self.is_listing(tree, url)

    def is_listing(self, tree: HtmlElement, url: str) -> bool:
        """A listing page of the paper (on one of its hosts): many story links and no
        article body."""
        if self.listing.compiled["root"] is None or not self._owns(url):
            return False
        if self.rules.select("body", tree):
            return False
        return len(self.listing.select("root", tree)) >= LISTING_MIN_ITEMS

    def _owns(self, url: str) -> bool:
        try:
            host = (urlsplit(url).hostname or "").removeprefix("www.")
        except ValueError:
            return False
        return host in self.hosts

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        if not super().matches(tree, url):
            raise NotAnArticle("listing", f"a {self.name} listing page")
        found = super().extract(tree, url)
        prefix = first_text(self.listing.select("sapo", tree))
        if prefix and found.sapo and not found.sapo.startswith(prefix):
            found.sapo = f"{prefix} {found.sapo}"
        if self.byline_all:
            bylines = self.rules.select("byline", tree)
            names = [element_text(el).replace("\n", " ") for el in bylines]
            found.byline = " - ".join(dict.fromkeys(name for name in names if name)) or None
        return found

