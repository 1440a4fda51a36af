"""Layer 3: what a page prints around its article, found without site rules.

* the byline: a signed last paragraph of the body, else an author-named element below
  the body, else author-named elements or author-page links above it; never the
  publisher's name;
* the tags: the list under a label ("Tags:", "Từ khóa:", "Chủ đề:"), in a tag-named
  element, or whose items agree with the page's keyword metadata;
* the category: the breadcrumb trail's last item (JSON-LD, else a breadcrumb-named
  element), else the section link printed by the headline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from lxml.html import HtmlElement

from pipelines.bylines import is_outlet, looks_like_byline, split_byline
from pipelines.generic_names import names_say
from pipelines.region import Region, agrees, names_site, one_line
from pipelines.text import clean_text, fold_diacritics, squash_key, text_content
from pipelines.visible import dateline_element

AUTHOR_HINT = re.compile(
    r"author|byline|tac gia|tacgia|writer|reporter|signature|nguoi viet|phong vien"
)
AUTHOR_PAGE = re.compile(r"(?i)/(?:tac-?gia|authors?|nguoi-viet|phong-vien|writers?)[/-]")
TAG_HINT = re.compile(r"\btags?\b|tag list|keywords?|tu khoa|tukhoa|\btopics?\b|hashtags?")
TAG_LABEL = re.compile(r"(?:tags?|the|tu khoa|chu de|keywords?|topics?|hashtags?)(?: lien quan)?")
"""A tag list's label, folded ("Từ khoá:" -> "tu khoa")."""
CATEGORY_HINT = re.compile(
    r"\bcate|\bcat\b|category|chuyen muc|chuyenmuc|\bsection\b|folder|\bzone\b"
)
BREADCRUMB_HINT = re.compile(r"breadcrumb|bread crumb|duong dan|\bpath\b|crumbs?")
HOME_NAMES = frozenset({"trangchủ", "home", "trangchu", "homepage"})
FURNITURE = re.compile(r"footer|^header|site header|\bhot\b")
MENU = re.compile(r"\bnav\b|menu|trending|xu huong")
MAX_TAG_WORDS = 8
MAX_TAGS = 30
MAX_NAME_LINKS = 6
MAX_ITEM_ELEMENTS = 12
MAX_LABEL = 40
AROUND_LEVELS = 3
"""Tags are printed in the article's region or up to this many levels around it."""
LIST_TAGS = ("ul", "ol", "div", "p", "section", "span")
"""A tag list's item is a link or two, never a teaser with its picture and summary."""


def find_byline(region: Region, site: set[str]) -> str | None:
    """The byline as printed around the article (see the module's notes)."""
    blocks = region.body.blocks
    if blocks and _signature(*blocks[-1]) and not names_site(blocks[-1][1], site):
        return blocks[-1][1]
    named = [el for el in region.scope.iter() if _author_named(el)]
    below = [el for el in named if region.after_body(el)]
    above = [el for el in named if region.before_body(el)]
    above.sort(key=lambda el: abs(region.pos(el) - region.head()))
    for el in below + above:
        text = one_line(el)
        if byline_like(text) and not names_site(text, site):
            return text
    names = _author_links(region, site)
    return " - ".join(names) if names else _meta_line(region, site)


def _meta_line(region: Region, site: set[str]) -> str | None:
    """Names printed beside the dateline ("Minh Phong • 05/09/2026 - 22:17")."""
    dated = dateline_element(region)
    line = dated.getparent() if dated is not None else None
    for el in line if line is not None else ():
        text = one_line(el) if el is not dated and isinstance(el.tag, str) else ""
        if text and byline_like(text) and not names_site(text, site) and not _dateish(text):
            return text
    return None


def _dateish(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _signature(owner: HtmlElement, text: str) -> bool:
    """A last paragraph that signs the article: a name, names, "Theo TTXVN"; names in
    capitals only when set apart (right-aligned or bold)."""
    if len(text.split()) > 8:
        return False
    if looks_like_byline(text) and len(text.split()) <= 6:
        return True
    return text.isupper() and _set_apart(owner) and byline_like(text)


def _set_apart(el: HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    if "text-align:right" in style or el.get("align") == "right":
        return True
    return len(el) == 1 and el[0].tag in ("b", "strong") and not clean_text(el.text)


def byline_like(text: str) -> bool:
    """Names as a byline prints them, capitals allowed ("NHẬT XUÂN - NGHI VŨ")."""
    if not text or len(text) > 90 or any(ch.isdigit() for ch in text):
        return False
    if looks_like_byline(text):
        return True
    authors, _ = split_byline(text)
    return bool(authors) and all(1 <= len(name.split()) <= 5 and name.isupper() for name in authors)


def _author_named(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and names_say(el, AUTHOR_HINT)


def _author_links(region: Region, site: set[str]) -> list[str]:
    """Names of links to author pages between the headline and the body."""
    names: list[str] = []
    for link in region.scope.iter("a"):
        if not AUTHOR_PAGE.search(link.get("href") or "") or not region.before_body(link):
            continue
        text = one_line(link)
        if text and byline_like(text) and not names_site(text, site) and text not in names:
            names.append(text)
    return names[:MAX_NAME_LINKS]


def is_publisher(byline: str, site: set[str]) -> bool:
    """A byline that names the paper or another outlet rather than a person ("VnExpress",
    "baotuoitre", "VCCorp.vn"); "Theo TTXVN" credits an agency and is kept."""
    if byline.lower().startswith("theo "):
        return False
    return names_site(byline, site) or is_outlet(byline) or "://" in byline


def find_tags(region: Region, keywords: list[str], declared: list[str]) -> list[str]:
    """The article's visible tag list (see the module's notes); else the declared tags
    (``article:tag``) when the page shows each of them as a link; else []."""
    found = _tag_list(region, [*keywords, *declared])
    if found or not declared:
        return found
    shown = {squash_key(one_line(a)) for a in region.scope.getroottree().iter("a")}
    return declared if all(squash_key(tag) in shown for tag in declared) else []


def _tag_list(region: Region, keywords: list[str]) -> list[str]:
    best: list[str] = []
    agreeing: list[list[str]] = []
    root = _neighbourhood(region.scope)
    keyed = _keyword_link_boxes(root, {squash_key(k) for k in keywords})
    around = set(region.scope.iterancestors())
    head = region.head()
    for el in root.iter(LIST_TAGS):
        if region.pos(el) <= head or not 1 <= len(el) <= MAX_TAGS + 1:
            continue
        named = _labelled_or_named(el, region, around)
        if not (named or el in keyed):
            continue
        items = _tag_items(el)
        if not items or _furniture(el, region.scope):
            continue
        if _hits(items, keywords) >= max(2, len(items) / 2):
            agreeing.append(items)
        elif named and len(items) > len(best):
            best = items
    return max(agreeing, key=lambda items: _hits(items, keywords)) if agreeing else best


def _neighbourhood(scope: HtmlElement) -> HtmlElement:
    """The region and what lies around it: its ancestor :data:`AROUND_LEVELS` up."""
    node = scope
    for _ in range(AROUND_LEVELS):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node


def _keyword_link_boxes(root: HtmlElement, keys: set[str]) -> set[HtmlElement]:
    """Elements up to three levels around links named like a keyword."""
    boxes: set[HtmlElement] = set()
    if not keys:
        return boxes
    longest = max(map(len, keys)) + MAX_LABEL
    for link in root.iter("a"):
        text = text_content(link)
        if len(text) <= longest and squash_key(text) in keys:
            boxes.update(islice(link.iterancestors(), 3))
    return boxes


def _labelled_or_named(el: HtmlElement, region: Region, around: set[HtmlElement]) -> bool:
    """A tag-named or labelled list below the body, or around the article (``around``:
    the region's ancestors)."""
    near = region.pos(el) > region.head() and (region.after_body(el) or el in around)
    if not near:
        return False
    return names_say(el, TAG_HINT) or _label_of(el) is not None


def _label_of(el: HtmlElement) -> HtmlElement | None:
    """The list's first item when it is a label ("Từ khóa:")."""
    first = next((child for child in el if isinstance(child.tag, str)), None)
    if first is None or sum(1 for _ in islice(first.iter(), 5)) > 4:
        return None
    text = text_content(first)
    if len(text) <= MAX_LABEL and ":" in text or len(text) <= MAX_LABEL // 2:
        return first if TAG_LABEL.fullmatch(_folded(text)) else None
    return None


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold_diacritics(text)).split())


def _tag_items(el: HtmlElement) -> list[str]:
    """Tag names: the links inside, and the list's other short items."""
    label = _label_of(el)
    items: list[str] = []
    for child in el:
        if not isinstance(child.tag, str) or child is label:
            continue
        if sum(1 for _ in islice(child.iter(), MAX_ITEM_ELEMENTS + 1)) > MAX_ITEM_ELEMENTS:
            return []
        links = list(child.iter("a"))
        texts = [one_line(a) for a in links] if links else [one_line(child)]
        items.extend(_tag_name(text) for text in texts)
    if not items and clean_text(el.text):
        return []
    names = [item for item in items if item]
    return list(dict.fromkeys(names)) if all(_tag_sized(n) for n in names) else []


def _tag_name(text: str) -> str:
    return clean_text(text).strip(" ,;|").lstrip("#").strip()


def _tag_sized(name: str) -> bool:
    return 1 <= len(name.split()) <= MAX_TAG_WORDS and len(name) <= 60


def _hits(items: list[str], keywords: list[str]) -> int:
    """Items named in the keyword metadata."""
    keys = {squash_key(k) for k in keywords}
    return sum(squash_key(item) in keys for item in items)


def _furniture(el: HtmlElement, scope: HtmlElement) -> bool:
    """In the page's navigation, header or footer (an article's own footer, inside the
    region, is where tags are often printed)."""
    inside = el is scope or scope in set(el.iterancestors())
    for node in (el, *el.iterancestors()):
        if node is scope:
            inside = False
        if node.tag == "nav" or names_say(node, MENU):
            return True
        if not inside and (node.tag in ("header", "footer") or names_say(node, FURNITURE)):
            return True
    return False


def find_category(region: Region, trail: list[str], headline: str) -> str | None:
    """Last item of the breadcrumb trail (metadata, else printed), else the section
    link printed by the headline."""
    for items in (trail, None):
        items = _printed_trail(region) if items is None else items
        names = [n for n in items if squash_key(n) not in HOME_NAMES and not agrees(n, headline)]
        if names:
            return names[-1]
    for el in region.scope.iter():
        if isinstance(el.tag, str) and region.before_body(el) and _section_link(el):
            return one_line(el)
    return None


def _printed_trail(region: Region) -> list[str]:
    root = region.scope.getroottree().getroot()
    for el in root.iter():
        if isinstance(el.tag, str) and names_say(el, BREADCRUMB_HINT):
            names = [one_line(a) for a in el.iter("a")] or [one_line(li) for li in el.iter("li")]
            if any(names):
                return [n for n in names if n]
    return []


def _section_link(el: HtmlElement) -> bool:
    """A short section name in a category-named element (or link) near the headline."""
    if not names_say(el, CATEGORY_HINT) or len(el.findall(".//a")) > 1:
        return False
    text = one_line(el)
    return 0 < len(text.split()) <= 5 and not any(ch.isdigit() for ch in text)
