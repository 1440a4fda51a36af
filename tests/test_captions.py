from __future__ import annotations

import lxml.html
import pytest

from pipelines.captions import find_captions, image_url, normalise_captions, parse_credit
from pipelines.sites.base import RawCaption

PAGE = "https://baonghean.vn/thoi-su/bai-viet-10285431.html"


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Quang cảnh hội nghị. Ảnh: Thanh Lê", "Thanh Lê"),
        ("Quang cảnh hội nghị. Ảnh Thanh Lê", "Thanh Lê"),
        ("Ảnh Thanh Lê", "Thanh Lê"),
        ("Ảnh: Tư liệu", "Tư liệu"),
        ("Lũ trên sông Lam. Video: Công Kiên", "Công Kiên"),
        ("Người dân gặt lúa (Ảnh: Xuân Hoàng)", "Xuân Hoàng"),
        ("Các đại biểu tham quan. (Ảnh: Thành Cường).", "Thành Cường"),
        ("Học sinh đến trường. Ảnh: internet", "internet"),
        ("Ảnh minh họa: TTXVN", "TTXVN"),
        ("Quang\u00a0cảnh. Ảnh:\u00a0Thanh\u00a0Lê", "Thanh Lê"),
        ("Ảnh hưởng của bão số 3 rất lớn", None),
        ("Bức ảnh Thanh Lê", None),
        ("Ảnh minh họa", None),
        ("Hình ảnh đẹp", None),
        ("", None),
    ],
)
def test_parse_credit(caption: str, credit: str | None) -> None:
    assert parse_credit(caption) == credit


def test_alt_text_repeating_a_caption_counts_once() -> None:
    raw = [
        RawCaption(text="Quang cảnh hội nghị", image_url="/a.jpg"),
        RawCaption(text="Quang cảnh  hội nghị. Ảnh: Thanh Lê", image_url="/a.jpg"),
    ]
    assert normalise_captions(raw, PAGE) == [
        {
            "caption": "Quang cảnh hội nghị. Ảnh: Thanh Lê",
            "image_url": "https://baonghean.vn/a.jpg",
            "credit": "Thanh Lê",
        }
    ]


def test_one_caption_of_a_photo_box_counts_once_with_the_first_image() -> None:
    text = "Công nhân làm việc. Ảnh: Thành Chung"
    raw = [RawCaption(text=text, image_url=u) for u in ("//bna.1cdn.vn/1.jpg", "/2.jpg")]
    assert normalise_captions(raw, PAGE) == [
        {"caption": text, "image_url": "https://bna.1cdn.vn/1.jpg", "credit": "Thành Chung"}
    ]


def test_different_captions_with_the_same_credit_stay_apart() -> None:
    raw = [RawCaption(text="Một. Ảnh: A"), RawCaption(text="Hai. Ảnh: A")]
    assert [c["caption"] for c in normalise_captions(raw, PAGE)] == ["Một. Ảnh: A", "Hai. Ảnh: A"]


def test_empty_captions_are_dropped_and_text_is_cleaned() -> None:
    raw = [RawCaption(text=" \u200b "), RawCaption(text="Cầu\u00a0Cửa Hội", image_url=None)]
    assert normalise_captions(raw, PAGE) == [
        {"caption": "Cầu Cửa Hội", "image_url": None, "credit": None}
    ]
    assert normalise_captions(None, PAGE) == []


@pytest.mark.parametrize(
    ("img", "url"),
    [
        ('<img src="data:image/gif;base64,R0lG" data-src="/a.jpg">', "https://baonghean.vn/a.jpg"),
        (
            '<img src="/img/blank.gif" data-original="https://bna.1cdn.vn/b.jpg">',
            "https://bna.1cdn.vn/b.jpg",
        ),
        (
            '<img src="lazy-load.gif" data-lazy-src="//bna.1cdn.vn/c.jpg">',
            "https://bna.1cdn.vn/c.jpg",
        ),
        ('<img src="c.jpg">', "https://baonghean.vn/thoi-su/c.jpg"),
        # A lazy-load attribute wins whatever ``src`` holds: a placeholder of any name,
        # or a low-resolution copy.
        (
            '<img src="/assets/lazy.gif" data-src="real.jpg">',
            "https://baonghean.vn/thoi-su/real.jpg",
        ),
        (
            '<img src="https://x.vn/small.jpg" data-src="https://x.vn/big.jpg">',
            "https://x.vn/big.jpg",
        ),
        (
            '<img src="/assets/lazy.gif" data-srcset="/w1200/a.jpg 1200w, /w800/a.jpg 800w">',
            "https://baonghean.vn/w1200/a.jpg",
        ),
        ('<img data-srcset="/s.jpg 1x, /l.jpg 2x">', "https://baonghean.vn/s.jpg"),
        ('<img data-srcset="/s.jpg, /l.jpg 2x">', "https://baonghean.vn/s.jpg"),
        # Commas belong to the URL outside a srcset (image CDNs use them).
        ('<img data-src="/c_fill,w_300/a.jpg">', "https://baonghean.vn/c_fill,w_300/a.jpg"),
        # A lazy attribute that holds a placeholder itself gives way to a real ``src``.
        ('<img src="/real.jpg" data-src="/img/blank.gif">', "https://baonghean.vn/real.jpg"),
        ('<img src="/img/blank.gif" data-src="data:image/gif;base64,R0lG">', None),
        ('<img src="">', None),
        ('<img src="data:image/gif;base64,R0lG">', None),
    ],
)
def test_image_url(img: str, url: str | None) -> None:
    assert image_url(lxml.html.fromstring(img), PAGE) == url


IMG = '<img src="https://x.vn/a.jpg" alt="Ảnh minh họa không phải chú thích">'
CAPTION = "Quang cảnh hội nghị. Ảnh: Thanh Lê"
CAPTION_MARKUPS = [
    f"<figure>{IMG}<figcaption>{CAPTION}</figcaption></figure>",
    f'<figure class="tplCaption">{IMG}<figcaption><p class="Image">{CAPTION}</p></figcaption>'
    "</figure>",
    f'<figure class="VCSortableInPreviewMode"><div>{IMG}</div>'
    f'<figcaption class="PhotoCMS_Caption"><p>{CAPTION}</p></figcaption></figure>',
    f'<table class="image"><tr><td>{IMG}</td></tr><tr><td class="image_desc">{CAPTION}</td></tr>'
    "</table>",
    f'<table class="picture"><tr><td class="pic">{IMG}</td></tr>'
    f'<tr><td class="pCaption caption"><p>{CAPTION}</p></td></tr></table>',
    f"<table><tr><td>{IMG}</td></tr><tr><td>{CAPTION}</td></tr></table>",
    f'<div class="wp-caption">{IMG}<p class="wp-caption-text">{CAPTION}</p></div>',
    f'<div class="full-img">{IMG}<span class="fig">{CAPTION}</span></div>',
    f'<div class="box-image">{IMG}<div class="box-desc">{CAPTION}</div></div>',
    f'<img class="cms-photo" src="https://x.vn/a.jpg" cms-photo-caption="{CAPTION}">',
    f"<p>{IMG}</p><p><em>{CAPTION}</em></p>",
    f"<p>{IMG}</p><p>{CAPTION}</p>",
]


@pytest.mark.parametrize("markup", CAPTION_MARKUPS, ids=range(len(CAPTION_MARKUPS)))
def test_caption_markups(markup: str) -> None:
    scope = lxml.html.fromstring(f"<div><p>Đoạn một.</p>{markup}<p>Đoạn hai.</p></div>")
    order = {el: i for i, el in enumerate(scope.iter())}
    found = normalise_captions(find_captions(scope, 0, order), PAGE)
    assert found == [{"caption": CAPTION, "image_url": "https://x.vn/a.jpg", "credit": "Thanh Lê"}]


@pytest.mark.parametrize(
    "markup",
    [
        f'<figure class="noCaption">{IMG}<figcaption><p class="NLPlaceholderShow"></p>'
        "</figcaption></figure>",
        f"<p>{IMG}</p><p>Một đoạn văn bình thường tiếp theo bức ảnh, không in nghiêng.</p>",
        f'<div class="related"><a href="/x.html">{IMG}</a><h3>Tin khác</h3></div>',
        IMG,
    ],
)
def test_no_caption_without_caption_markup_and_never_the_alt_text(markup: str) -> None:
    scope = lxml.html.fromstring(f"<div><p>Đoạn một.</p>{markup}</div>")
    order = {el: i for i, el in enumerate(scope.iter())}
    assert find_captions(scope, 0, order) == []


def test_credited_text_beside_the_only_image_of_a_box_without_caption_names() -> None:
    markup = (
        f'<div class="z1"><img src="https://x.vn/a.jpg"><span class="z2">{CAPTION}</span></div>'
    )
    scope = lxml.html.fromstring(f"<div><p>Đoạn một.</p>{markup}</div>")
    order = {el: i for i, el in enumerate(scope.iter())}
    assert [c.text for c in find_captions(scope, 0, order)] == [CAPTION]


def test_uncredited_text_beside_an_image_is_not_a_caption() -> None:
    markup = '<div><img src="/avatar.png"><span>Tối đa: 1500 ký tự Gửi bình luận</span></div>'
    scope = lxml.html.fromstring(f"<div><p>Đoạn một.</p>{markup}</div>")
    order = {el: i for i, el in enumerate(scope.iter())}
    assert find_captions(scope, 0, order) == []
