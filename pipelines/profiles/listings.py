"""Home and section pages a profile recognises by its story boxes (extraction layer 1).

Some papers' listing pages look like articles to the generic page-kind test: they declare
``og:type=article`` and link stories in URL shapes it does not know (``.chn``, ``.ldo``,
``-d<id>.html``). A :class:`ListingLayout` says what they are from the profile's own
markup: it matches a page with enough story links, no article body, on a URL that is not an
article's, and its :meth:`~ListingLayout.extract` raises :class:`NotAnArticle`.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.pagekind import NotAnArticle
from pipelines.profiles.base import UrlRules
from pipelines.sites.base import Extracted


class ListingLayout:
    """A paper's listing pages (Layout protocol); :meth:`extract` always rejects. Tried
    only on the pages of its profile (:func:`pipelines.sites.find_layout`)."""

    own_pages_only = True

    def __init__(self, name: str, stories: str, body: str, urls: UrlRules,
                 min_stories: int = 5) -> None:
        self.name = name
        self.urls = urls
        self.min_stories = min_stories
        self._stories = CSSSelector(stories)
        self._body = CSSSelector(body)

    def matches(self, tree: HtmlElement, url: str) -> bool:
        """Story boxes, no article body, and a URL that is not an article's (a longform or
        photo story in another template is left to the generic layers)."""
        if self.urls.is_article(url) or self._body(tree):
            return False
        return len(self._stories(tree)) >= self.min_stories

    def extract(self, tree: HtmlElement, url: str) -> Extracted:
        stories = len(self._stories(tree))
        raise NotAnArticle("listing", f"{self.name}: {stories} story links, no article body")
