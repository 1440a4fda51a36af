"""Article pages of the VCCorp fixture site: the Tuổi Trẻ ``detail-*`` layout and the
CafeF layout, each with the boxes the extraction must leave out (related stories inside the
body, the "TIN MỚI" box, ad zones, tags, "Tin cùng chuyên mục")."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tests.vccorp_pages import AUTHOR_PAGE, page, tag_path

if TYPE_CHECKING:
    from tests.vccorp_site import Article, Site


def _abs(site: Site, path: str) -> str:
    return f"https://{site.paper.host}{path}"


def _related(site: Site, article: Article) -> Article:
    others = [a for a in site.articles if a.section is article.section and a is not article]
    return others[0]


def body_html(site: Site, article: Article) -> str:
    """The article text with a photo, a sub-heading, an in-body related box and an ad slot."""
    first, second, *rest = article.paragraphs
    related = _related(site, article)
    figure = (f'<figure class="VCSortableInPreviewMode" type="Photo"><div><img '
              f'src="{article.image_url}" alt="{escape(article.headline)} - Ảnh 1."></div>'
              f'<figcaption class="PhotoCMS_Caption"><p>{escape(article.caption)}</p>'
              f"</figcaption></figure>")
    related_box = (f'<div type="RelatedOneNews" class="VCSortableInPreviewMode"><a '
                   f'href="{related.url}" class="OneNewsTitle">{escape(related.headline)}</a>'
                   f'<p class="VCObjectBoxRelatedNewsItemSapo">{escape(related.sapo)}</p></div>')
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in rest)
    return (f"{figure}<p>{escape(first)}</p><p>{escape(second)}</p>"
            f"<h2>{escape(article.subhead)}</h2>{related_box}{paragraphs}"
            f'<zone id="k1frz8jr"></zone><div class="h-show-pc"><div class="c-banner">'
            f"Quảng cáo</div></div>")


def _tags(site: Site, article: Article, cls: str) -> str:
    return "".join(f'<a href="{_abs(site, tag_path(t))}" class="{cls}">{escape(t)}</a>'
                   for t in article.tags)


def _authors(site: Site, article: Article) -> str:
    names = [f'<a href="{_abs(site, AUTHOR_PAGE)}" class="name">{escape(n)}</a>'
             for n in article.authors]
    return " - ".join(names)


def detail_article(site: Site, article: Article) -> str:
    when = article.published.strftime("%d/%m/%Y %H:%M")
    section = article.section
    related = _related(site, article)
    main = (
        f'<div class="detail__cmain" id="main-detail"><div class="detail-top">'
        f'<div class="detail-cate"><a href="{_abs(site, "/" + section.slug + ".htm")}" '
        f'title="{section.name}">{section.name}</a></div></div>'
        f'<h1 class="detail-title article-title" data-role="title">'
        f"{escape(article.headline)}</h1>"
        f'<div class="detail-info"><div class="detail-author"><div class="author-info">'
        f'<a href="{_abs(site, AUTHOR_PAGE)}" class="name">{escape(article.authors[0])}</a>'
        f'</div></div><div class="detail-time"><div data-role="publishdate">{when} GMT+7'
        f"</div></div></div>"
        f'<h2 class="detail-sapo" data-role="sapo">{escape(article.sapo)}</h2>'
        f'<div class="detail-cmain clearfix"><div class="detail-content afcbc-body" '
        f'data-role="content" itemprop="articleBody">{body_html(site, article)}</div>'
        f'<div class="box-author-detail"><div class="detail-author-bot">'
        f"{_authors(site, article)}</div></div></div>"
        f'<div class="detail-tab"><span class="txttag">Chủ đề:</span>'
        f'{_tags(site, article, "item")}</div>'
        f'<div class="detail__related"><h3>Tin liên quan</h3>'
        f'<a class="box-category-link-title" href="{related.url}">'
        f"{escape(related.headline)}</a></div></div>"
    )
    return page(site, article.headline, main, canonical=article.url)


def cafef_article(site: Site, article: Article) -> str:
    when = article.published.strftime("%d-%m-%Y - %I:%M %p")
    section = article.section
    related = _related(site, article)
    tags = ", ".join(f'<a href="{_abs(site, tag_path(t))}" title="{escape(t)}">'
                     f"{escape(t)}</a>" for t in article.tags)
    main = (
        f'<div class="left_cate totalcontentdetail"><h1 class="title" data-role="title">'
        f"{escape(article.headline)}</h1><div class=\"sharemxh topshare\">"
        f'<p class="dateandcat"><span class="pdate" data-role="publishdate">{when} </span>'
        f'<a data-role="cate-name" class="category-page__name cat" '
        f'href="{_abs(site, "/" + section.slug + ".chn")}">{section.name}</a></p></div>'
        f'<div class="w640 fr clear"><h2 class="sapo" data-role="sapo">'
        f"{escape(article.sapo)}</h2><div class=\"contentdetail\">"
        f'<div class="detail-cmain ss" id="mainContent"><div class="detail-content afcbc-body" '
        f'data-role="content"><div class="tindnd clearfix"><div id="listNewsInContent">'
        f'<span class="title_box"><a href="javascript:;">TIN MỚI</a></span><ul><li>'
        f'<a href="{related.url}">{escape(related.headline)}</a></li></ul></div></div>'
        f"{body_html(site, article)}</div></div></div></div>"
        f'<div class="w640 fr clear"><div class="t-contentdetail content_source">'
        f'<p class="author">{escape(article.byline)}</p>'
        f'<p class="source">Theo Nhịp sống thị trường</p></div>'
        f'<div class="tagdetail"><div class="row1"><b>Từ Khóa:</b></div>'
        f'<div class="row2">{tags}</div></div></div>'
        f'<div class="tincungmucdetail"><div class="tab title">CÙNG CHUYÊN MỤC</div>'
        f'<h3><a href="{related.url}">{escape(related.headline)}</a></h3></div></div>'
    )
    return page(site, article.headline, main, canonical=article.url)


def article_page(site: Site, article: Article) -> str:
    if site.paper.style == "cafef":
        return cafef_article(site, article)
    return detail_article(site, article)
