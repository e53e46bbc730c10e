"""Rich text from editors (messages, the company's pages) is sanitised on the server
with nh3 before it is stored: no scripts, event handlers or foreign styles survive."""

import nh3
from django.utils.html import escape, linebreaks

MESSAGE_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "a", "blockquote"}
PAGE_TAGS = MESSAGE_TAGS | {"h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _clean(html: str, tags: set[str]) -> str:
    html = (html or "").strip()
    if html and "<" not in html:  # plain text from a browser without JavaScript
        html = linebreaks(escape(html))
    return nh3.clean(
        html,
        tags=tags,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def sanitize_message(html: str) -> str:
    return _clean(html, MESSAGE_TAGS)


def sanitize_page(html: str) -> str:
    return _clean(html, PAGE_TAGS)


def has_text(html: str) -> bool:
    return bool(nh3.clean(html or "", tags=set()).strip())
