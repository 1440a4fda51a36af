"""Names the generic extractor reads: tags, ``class``/``id`` words and box labels.

What a class or id says about an element (boilerplate, page furniture, article text) and
the weight it gives a container's score. Kept apart from :mod:`pipelines.generic` (which
walks and scores the page) as the list of named constants it is tuned with.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SKIP_TAGS = _words(
    "head script style noscript template svg math iframe object embed button select input "
    "textarea option nav aside footer figure figcaption caption audio video canvas picture "
    "dialog menu h1"
)
BLOCK_TAGS = _words(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tbody thead tfoot tr td th "
    "section article main header hr address center form fieldset details summary body html"
)
PARAGRAPH_TAGS = _words("p pre li dt dd blockquote h2 h3 h4 h5 h6 td th")
SKIP_ROLES = _words("navigation complementary contentinfo banner dialog menu search")
UNLIKELY_RE = re.compile(
    r"\bads?\b|advert|banner|breadcrumb|combx|comment|community|disqus|footer|gdpr|header|"
    r"legends|menu|related|remark|replies|\brss\b|shoutbox|sidebar|skyscraper|social|sponsor|"
    r"supplemental|agegate|pagination|\bpager\b|popup|\bshare|sharing|newsletter|subscribe|"
    r"promo|cookie|caption|\btags?\b|lienquan|tinkhac|xemthem|trending|mostread|toolbar|"
    r"\bprint\b|login|signup|rating|authorbio|binhluan|ykien|tukhoa|chiase|docnhieu|xemnhieu|"
    r"tinmoi|noibat|cungchuyenmuc",
)
LABEL_RE = re.compile(
    r"(?i)(tin|bài) (liên quan|cùng chuyên mục|khác|mới|mới nhất|nổi bật|đọc nhiều|xem nhiều)|"
    r"xem thêm|đọc thêm|quảng cáo|chia sẻ|((độc giả|gửi) )?bình luận( của bạn)?|ý kiến( bạn đọc)?|"
    r"từ khóa|related( articles| stories| news)?|"
    r"read more|see also|advertisement|share( this)?( article| story)?|comments?|tags?|"
    r"\[(?P<code>\w+)[^\]]*\].*\[/(?P=code)\]",
)
META_RE = re.compile(
    r"byline|dateline|timestamp|\bdate\b|\btime\b|posted|published|\bauthor|credit|\bmeta\b|"
    r"disclaimer|\bbio\b|copyright|gallery|slideshow|carousel|hig?h?t?light|\bimage\b|\bimg\b|\bphoto\b|"
    r"\bfig\b|box desc"
)
STRONG_RE = re.compile(r"related|comment|sidebar|lienquan|binhluan|ykien")
"""Names that stay boilerplate even beside "article"/"content" ("article__related-inline")."""
MAYBE_RE = re.compile(r"and|article|body|column|content|main|shadow|entry|detail|post")
POSITIVE_RE = re.compile(
    r"(?i)article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|detail|"
    r"chi-?tiet|noi-?dung",
)
NEGATIVE_RE = re.compile(
    r"(?i)-ad-|hidden|\bhid\b|banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|"
    r"masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|"
    r"sponsor|shopping|tags|tool|widget|caption",
)
ARTICLE_RE = re.compile(r"article ?body|entry ?content|post ?(?:content|body)|story ?body")
INVISIBLE_RE = re.compile(r"(?i)display\s*:\s*none|visibility\s*:\s*hidden")
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
NON_WORD_RE = re.compile(r"[^a-z0-9]+")
INVISIBLE_CHARS_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
COMMA_RE = re.compile(r"[,،、，]")
TAG_WEIGHTS = {
    tag: weight
    for weight, tags in ((5, "div article section main"), (3, "pre td blockquote"),
                         (-3, "address ol ul dl dd dt li form"), (-5, "h2 h3 h4 h5 h6 th"))
    for tag in tags.split()
}  # fmt: skip


def name_words(el: HtmlElement) -> str:
    """Class and id as lower-case words ("ArticleBody-x" -> "article body x")."""
    return words_of(names_of(el))


def names_of(el: HtmlElement) -> str:
    return _joined(el.get("class"), el.get("id"))


def _joined(cls: str | None, ident: str | None) -> str:
    """Class and id as one string ("" when the element has neither)."""
    if cls is None and ident is None:
        return ""
    return f"{cls or ''} {ident or ''}"


def names_say(el: HtmlElement, hint: re.Pattern[str]) -> bool:
    """Whether ``hint`` is found in ``el``'s class/id words (:func:`name_words`)."""
    names = names_of(el)
    return bool(names) and _names_say(names, hint)


@lru_cache(maxsize=16384)
def _names_say(names: str, hint: re.Pattern[str]) -> bool:
    return hint.search(words_of(names)) is not None


@lru_cache(maxsize=8192)
def words_of(names: str) -> str:
    return " ".join(NON_WORD_RE.split(CAMEL_RE.sub(" ", names).lower())).strip()


def unlikely(hints: str) -> bool:
    """Class/id names boilerplate (sidebar, comments...) or page furniture (byline, date)."""
    if META_RE.search(hints):
        return True
    joined = hints.replace(" ", "") + " " + hints
    if STRONG_RE.search(joined):
        return True
    return bool(UNLIKELY_RE.search(joined)) and not MAYBE_RE.search(hints)


def class_weight(el: HtmlElement) -> int:
    return _weight(el.get("class"), el.get("id"))


@lru_cache(maxsize=8192)
def _weight(cls: str | None, ident: str | None) -> int:
    hints = [h for h in (cls, ident) if h]
    return 25 * sum(bool(POSITIVE_RE.search(h)) - bool(NEGATIVE_RE.search(h)) for h in hints)


@lru_cache(maxsize=8192)
def suspect(names: str) -> bool:
    """Whether ``class``/``id`` names (:func:`names_of`) mark boilerplate or page furniture
    (pages of a site repeat the same few names, hence the cache)."""
    hints = words_of(names)
    return bool(hints) and unlikely(hints)


def names_unless_skipped(el: HtmlElement) -> str | None:
    """:func:`names_of` of ``el``, or None for a subtree that never holds article text
    (scripts, navigation, hidden parts: :func:`skipped`); its attributes read in one call
    (the walk asks this of every element)."""
    if el.tag in SKIP_TAGS:
        return None
    items = el.items()
    if not items:
        return ""
    cls = ident = None
    for name, value in items:
        if name == "class":
            cls = value
        elif name == "id":
            ident = value
        elif name == "hidden":
            return None
        elif name == "aria-hidden":
            if value == "true":
                return None
        elif name == "role":
            if value in SKIP_ROLES:
                return None
        elif name == "style" and INVISIBLE_RE.search(value):
            return None
    return _joined(cls, ident)


def skipped(el: HtmlElement) -> bool:
    """True for subtrees that never hold article text (scripts, navigation, hidden parts)."""
    return names_unless_skipped(el) is None
