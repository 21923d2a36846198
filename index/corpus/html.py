"""HTML articles: keep the story text, drop navigation, scripts and footers.

BeautifulSoup does the parsing (never hand-written tag stripping). The story
text is rebuilt as one block per paragraph, so it reads like a .txt article and
all offsets for HTML files refer to this extracted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "menu",
    "dialog",
    "figure",
)
_NOISE_HINTS = (
    "nav",
    "menu",
    "footer",
    "sidebar",
    "share",
    "social",
    "related",
    "cookie",
    "advert",
    "promo",
    "newsletter",
    "comment",
    "breadcrumb",
    "subscribe",
)
# Chrome words also seen as one word with a suffix or a prefix in real markup.
_NOISE_WORDS = frozenset(
    (*_NOISE_HINTS, "navbar", "navigation", "topnav", "sharing", "sharebar", "ads", "ad", "banner")
)
_WORD_BOUNDARY = re.compile(r"[^a-z0-9]+|(?<=[a-z])(?=[A-Z])")
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")


@dataclass(slots=True)
class Story:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_story(html: str) -> Story:
    story = _extract(html, drop_by_name=True)
    if story.text.count("\n") <= 1:
        # Dropping by class/id names left no story (at most a title): the names misled
        # us, and a story lost silently is worse than one with a little chrome in it.
        fallback = _extract(html, drop_by_name=False)
        if fallback.text.count("\n") > story.text.count("\n"):
            return fallback
    return story


def _extract(html: str, *, drop_by_name: bool) -> Story:
    soup = BeautifulSoup(html, "html.parser")
    meta = _metadata(soup)
    for tag in soup.find_all(_NOISE_TAGS):
        tag.decompose()
    if drop_by_name:
        for tag in soup.find_all(True):
            if isinstance(tag, Tag) and tag.attrs is not None and _looks_like_chrome(tag):
                tag.decompose()
    container = _story_container(soup)
    headline = container.find("h1") if container else None
    if headline is None:
        headline = soup.find("h1")
    if headline is not None and not meta.get("title"):
        meta["title"] = _clean(headline.get_text(" "))
    blocks = []
    if container is not None:
        for element in container.find_all(_BLOCK_TAGS):
            if element.find_parent(_BLOCK_TAGS) is not None:
                continue  # nested block: its text is already in the parent's
            text = _clean(element.get_text(" "))
            if text:
                blocks.append(text)
        if not blocks:
            text = _clean(container.get_text(" "))
            blocks = [text] if text else []
    if not meta.get("title") and soup.title and soup.title.string:
        meta["title"] = _clean(soup.title.string)
    title = meta.get("title")
    # The title travels as a markdown heading so the text reads like a .md article.
    lines = ([f"# {title}"] if title else []) + blocks
    return Story(text="\n\n".join(lines) + ("\n" if lines else ""), meta=meta)


def _looks_like_chrome(tag: Tag) -> bool:
    """True when a class, id or role names page chrome as a whole word.

    Names are split into words at punctuation and camelCase, and a word must *be* a
    chrome word (or its plural): `site-nav`, `navBar` and `comments` are chrome, while
    `commentary-body` or `navigator-story` are not (a substring test dropped them).
    """
    if tag.name in {"html", "body", "article", "main"}:
        return False
    classes = tag.get("class")  # a list of names, or a plain string from odd markup
    class_names = [str(c) for c in classes] if isinstance(classes, list) else [str(classes or "")]
    for name in (*class_names, str(tag.get("id", "")), str(tag.get("role", ""))):
        for word in _WORD_BOUNDARY.split(name):
            word = word.lower()
            if word in _NOISE_WORDS or (word.endswith("s") and word[:-1] in _NOISE_WORDS):
                return True
    return False


def _story_container(soup: BeautifulSoup) -> Tag | None:
    for selector in ("article", "main", "[role=main]", "body"):
        found = soup.select_one(selector)
        if isinstance(found, Tag):
            return found
    return soup if isinstance(soup, Tag) else None


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    wanted = {
        "og:title": "title",
        "og:site_name": "source",
        "og:url": "url",
        "article:published_time": "date",
        "date": "date",
        "pubdate": "date",
    }
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or "").lower()
        content = tag.get("content")
        if key in wanted and isinstance(content, str) and content.strip():
            meta.setdefault(wanted[key], content.strip())
    time_tag = soup.find("time")
    if isinstance(time_tag, Tag) and time_tag.get("datetime") and "date" not in meta:
        meta["date"] = str(time_tag["datetime"])
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href") and "url" not in meta:
        meta["url"] = str(canonical["href"])
    return meta


def _clean(text: str) -> str:
    return " ".join(text.split())
