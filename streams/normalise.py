"""Normalise stage: raw feed bytes -> NormalisedArticle (clean text, UTC time, language, stable id, warnings).

A message with text in its title or its body is an article and is always
passed on: a field that cannot be read (a date, a language code, a URL, an id
of a strange type) is kept as it came and named in the article's ``warnings``.
Only a message that is not an article at all raises NormaliseError and is
dead-lettered: not UTF-8, not a JSON object, a body over the size limit, or no
text in either title or body. A message with a title and no body (or a body
and no title) is kept with ``missing_body`` (``missing_title``): an analyst
would rather read a headline than lose it.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from pydantic import ValidationError

from schemas.articles import NormalisedArticle, RawArticle, WarningCode
from schemas.dates import Precision, UnreadableDate, read_date


class NormaliseError(ValueError):
    """A raw message that is not an article; ``kind`` is what the dead-letter records."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# A feed's clock may run ahead of ours, and a date without a time zone is read as
# UTC: up to a day ahead is a publication time, further is a mistake of the feed.
FUTURE_TOLERANCE = timedelta(days=1)

# Which warning names a field whose type cannot be text.
_UNREADABLE_FIELD: dict[str, WarningCode] = {
    "published_at": "unreadable_date",
    "lang": "unreadable_lang",
    "url": "unreadable_url",
    "id": "unreadable_id",
    "source": "unreadable_source",
    "title": "unreadable_title",
    "body": "unreadable_body",
}
_RAW_VALUE_CHARS = 1000

_HTML_HINT = re.compile(r"<\s*(p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|article|section|html|body|figure|blockquote|table)\b", re.IGNORECASE)
# Block elements end a paragraph; inline ones must not glue words together either.
# A consent banner a fragment carries ('<div class="cookies">... <a>Accept</a></div>'): no part of the
# article, and its buttons read like a name ('Configurar Aceptar').
_CONSENT_MARKER = re.compile(r"cookie|consent|gdpr|rgpd", re.IGNORECASE)
_BLOCKS = ["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "blockquote", "figcaption", "caption"]
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n{2,}")

# A body is a whole web page, not an article's own markup, when it carries a
# page's structure or its site chrome, or when it is long and full of links
# (a page whose structural tags were lost on the way).
_PAGE_STRUCTURE = re.compile(r"<\s*(?:!doctype|html|head|body|nav|header|footer|aside)\b", re.IGNORECASE)
_LINK = re.compile(r"<\s*a\s", re.IGNORECASE)
PAGE_MIN_CHARS_BY_LINKS = 3000
PAGE_MIN_LINKS = 15

# Tracking parameters courlan does not know (AT Internet's at_*, Le Monde's cmp...).
_EXTRA_TRACKING_PARAMS = re.compile(r"^(?:at_\w+|cmp|xtref|ocid)$", re.IGNORECASE)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*$")


def decode_payload(payload: bytes) -> dict:
    """Bytes from news.raw -> the JSON object a feed sent."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NormaliseError("invalid_utf8", f"message is not valid UTF-8 (byte {error.start}: {payload[error.start:error.start + 4]!r})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NormaliseError("invalid_json", f"message is not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(document, dict):
        raise NormaliseError("invalid_json", f"message is JSON but not an object (got {type(document).__name__})")
    return document


def _as_sent(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:_RAW_VALUE_CHARS]


def read_raw_article(document: dict) -> tuple[RawArticle, dict[str, str]]:
    """The message as a RawArticle, and each field whose type cannot be text, as the feed sent it."""
    fields = dict(document)
    unreadable: dict[str, str] = {}
    while True:
        try:
            return RawArticle.model_validate(fields), unreadable
        except ValidationError as error:
            names = {str(issue["loc"][0]) for issue in error.errors() if issue["loc"]} & fields.keys()
            if not names:  # not a field's fault; cannot happen with a JSON object, but never loop
                raise NormaliseError("invalid_article", str(error)) from None
            for name in names:
                unreadable[name] = _as_sent(fields.pop(name))


def html_to_text(body: str) -> str:
    """Plain text of an HTML fragment or plain-text body, one paragraph per line."""
    if _HTML_HINT.search(body):
        soup = BeautifulSoup(body, "html.parser")
        for unwanted in soup(["head", "script", "style", "noscript", "iframe", "svg", "template"]):
            unwanted.decompose()
        for banner in soup.find_all(is_consent_banner):
            banner.decompose()
        for block in soup.find_all(_BLOCKS):
            block.insert_before("\n")
            block.insert_after("\n")
        # A table row is one line, its cells separated by spaces.
        for row in soup.find_all("tr"):
            cells = (" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"]))
            row.replace_with("\n" + " ".join(cell for cell in cells if cell) + "\n")
        body = soup.get_text()
    else:
        # Plain text may still carry entities such as &amp; or &eacute;.
        body = html.unescape(body)
    body = unicodedata.normalize("NFC", body)
    lines = (_SPACES.sub(" ", line).strip() for line in body.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def is_consent_banner(tag) -> bool:
    """An element whose id or class names cookies or consent."""
    if tag.attrs is None:   # already taken out with a banner around it
        return False
    names = [tag.get("id") or "", *(tag.get("class") or [])]
    return any(_CONSENT_MARKER.search(name) for name in names)


def is_whole_page(body: str) -> bool:
    """True when the body is a web page (navigation, footer...) rather than the article's own markup."""
    if _PAGE_STRUCTURE.search(body):
        return True
    return len(body) >= PAGE_MIN_CHARS_BY_LINKS and len(_LINK.findall(body)) >= PAGE_MIN_LINKS


# The extractor logs a page it finds no text in as errors ("empty HTML tree"), though nothing
# failed: the article keeps its whole text and says so in its warnings. An operator reading
# the worker's log should not see an error for every such article.
EXTRACTOR_LOGGERS = ("trafilatura", "htmldate")
for _name in EXTRACTOR_LOGGERS:
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def main_text(page: str) -> str:
    """The article's own text in a web page, without navigation, banners, footer or related links; "" if not found."""
    import trafilatura  # slow to import; only whole pages need it

    try:
        extracted = trafilatura.extract(
            page, output_format="html", include_tables=True, include_comments=False, include_images=False
        )
    except Exception:  # noqa: BLE001 - a page the extractor chokes on still has its text, kept whole
        return ""
    return html_to_text(extracted) if extracted else ""


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def body_text(body: str, *, title: str) -> tuple[str, list[WarningCode]]:
    """The text to analyse and index as the body: a page's main text, a fragment's or plain text's whole text."""
    if not is_whole_page(body):
        return html_to_text(body), []
    text = main_text(body)
    if not text:
        return html_to_text(body), ["main_text_not_found"]
    # Pages repeat their headline above the text; the title is analysed on its own already.
    first, _, rest = text.partition("\n")
    if title and _folded(first) == _folded(title):
        text = rest.strip()
    return text, []


def clean_url(url: str) -> str | None:
    """The article's link without what does not change the page; None when it is not an http(s) URL.

    courlan (the URL library trafilatura is built on, so no further dependency)
    rather than w3lib or url-normalize: besides the form (case of the host,
    default port, percent-encoding, sorted query, entities such as &amp;) it
    knows the tracking parameters (utm_*, fbclid, gclid, xtor...), which the
    other two keep. The fragment goes too: it names a place in the same page.
    """
    from courlan import normalize_url, scrub_url, validate_url

    valid, parts = validate_url(scrub_url(html.unescape(url.strip())))
    if not valid or parts is None or not parts.hostname:
        return None
    try:
        normalised = urlsplit(normalize_url(parts))
    except ValueError:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(normalised.query, keep_blank_values=True) if not _EXTRA_TRACKING_PARAMS.match(k)])
    return urlunsplit((normalised.scheme, normalised.netloc, normalised.path or "/", query, ""))


def url_identity(url: str) -> str:
    """What makes two cleaned links one story: http or https, with or without www., with or without a trailing slash."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return urlunsplit(("https", host, parts.path.rstrip("/") or "/", parts.query, ""))


def article_identity(*, feed_id: str | None, source: str | None, url: str | None, title: str, text: str) -> tuple[str, str]:
    """(article_id, basis): feed id, else canonical URL, else content, so a redelivery overwrites itself."""
    if feed_id:
        # Ids are only unique within a feed.
        basis, key = "feed_id", f"feed:{source or ''}:{feed_id}"
    elif url:
        basis, key = "url", f"url:{url_identity(url)}"
    else:
        folded = " ".join(f"{title}\n{text}".lower().split())
        basis, key = "content", f"content:{folded}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32], basis


def read_language(code: str) -> str | None:
    """ISO 639-1 code of what a feed wrote ("fr", "FR-fr", "fr_CA", "fra", "French"); None when it names no language."""
    import pycountry

    tag = code.strip()
    if _LANGUAGE_TAG.match(tag):
        head = tag.replace("_", "-").split("-")[0].lower()
        # By code first: "en" is also the name of another language in ISO 639-3.
        found = pycountry.languages.get(alpha_2=head) if len(head) == 2 else (
            pycountry.languages.get(alpha_3=head) or pycountry.languages.get(bibliographic=head))
        if found is not None:
            return getattr(found, "alpha_2", None)
    try:
        return getattr(pycountry.languages.lookup(tag), "alpha_2", None)
    except LookupError:
        return None


def detect_language(title: str, text: str) -> str:
    from streams.enrichment.language import detect_language as detect  # loads the language model on first use

    return detect(title, text)


@dataclass(frozen=True)
class PublicationTime:
    moment: datetime
    source: Literal["feed", "received"]
    precision: Precision
    warning: WarningCode | None = None


def publication_time(published_at: str | None, *, received_at: datetime) -> PublicationTime:
    """The feed's date when it can be read and is not in the future; else the receive time, flagged."""
    if published_at is None:
        return PublicationTime(received_at, "received", "second")
    try:
        reading = read_date(published_at, received_at=received_at)
    except UnreadableDate:
        return PublicationTime(received_at, "received", "second", "unreadable_date")
    if reading.moment > received_at + FUTURE_TOLERANCE:
        return PublicationTime(received_at, "received", "second", "future_date")
    return PublicationTime(reading.moment, "feed", reading.precision)


def receive_time(timestamp: float | None) -> datetime:
    """When a Kafka record was written (its timestamp, in seconds), so a redelivery resolves "hier" the same way; now if it has none."""
    if timestamp and timestamp > 0:
        return datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return datetime.now(timezone.utc)


def _no_text_reason(raw: RawArticle, unreadable: dict[str, str]) -> str:
    def state(name: str, value: str | None) -> str:
        if name in unreadable:
            return f"{name} is not text"
        return f"no {name}" if value is None else f"{name} has no text once HTML is removed"

    return f"not an article: {state('title', raw.title)} and {state('body', raw.body)}"


def normalise_raw(
    raw: RawArticle, *, received_at: datetime, max_body_chars: int, unreadable: dict[str, str] | None = None
) -> NormalisedArticle:
    """One raw message as an article; ``unreadable`` are the fields read_raw_article could not take as text."""
    unreadable = dict(unreadable or {})
    body = raw.body or ""
    if len(body) > max_body_chars:
        raise NormaliseError("body_too_large", f"body has {len(body):,} characters, more than the {max_body_chars:,} accepted")
    received_at = received_at.astimezone(timezone.utc)
    warnings: set[WarningCode] = {_UNREADABLE_FIELD[name] for name in unreadable if name in _UNREADABLE_FIELD}

    title = html_to_text(raw.title or "").replace("\n", " ")
    text, text_warnings = body_text(body, title=title)
    if not title and not text:
        raise NormaliseError("no_text", _no_text_reason(raw, unreadable))
    warnings.update(text_warnings)
    if not title and "title" not in unreadable:
        warnings.add("missing_title")
    if not text and "body" not in unreadable:
        warnings.add("missing_body")

    url = clean_url(raw.url) if raw.url else None
    if raw.url and url is None:
        warnings.add("unreadable_url")
        unreadable["url"] = _as_sent(raw.url)

    language = read_language(raw.lang) if raw.lang else None
    if raw.lang and language is None:
        warnings.add("unreadable_lang")
        unreadable["lang"] = _as_sent(raw.lang)

    when = publication_time(raw.published_at, received_at=received_at)
    if when.warning:
        warnings.add(when.warning)
        if when.warning == "unreadable_date":
            unreadable["published_at"] = _as_sent(raw.published_at)

    article_id, basis = article_identity(feed_id=raw.id, source=raw.source, url=url, title=title, text=text)
    return NormalisedArticle(
        article_id=article_id,
        id_basis=basis,
        feed_id=raw.id,
        url=url,
        source=raw.source,
        title=title,
        text=text,
        published_at=when.moment,
        published_at_source=when.source,
        published_at_precision=when.precision,
        published_at_raw=raw.published_at or unreadable.get("published_at"),
        language=language or detect_language(title, text),
        language_source="feed" if language else "detected",
        received_at=received_at,
        warnings=sorted(warnings),
        unreadable_fields=unreadable,
    )


def normalise_payload(payload: bytes, *, received_at: datetime, max_body_chars: int) -> NormalisedArticle:
    """The whole stage as one pure function; raises NormaliseError when the message is not an article."""
    raw, unreadable = read_raw_article(decode_payload(payload))
    return normalise_raw(raw, received_at=received_at, max_body_chars=max_body_chars, unreadable=unreadable)


# Articles that take every path normalisation loads on first use: a web page (the main-text
# extractor), French and English dates in words (the date parser's languages), a language to
# detect (its model) and a language tag to look up (the ISO 639 tables).
_LOADING_ARTICLES = (
    {"title": "Sommet des ministres de l'Intérieur", "lang": "fr-FR", "published_at": "5 mars 2024 à 10h15",
     "body": "<html><body><nav><a href='/'>Accueil</a></nav><article><p>Les ministres se sont réunis à Lyon "
             "pour parler de coopération policière.</p></article><footer>Mentions légales</footer></body></html>"},
    {"title": "Interior ministers meet", "published_at": "5 March 2024, 10:15",
     "body": "<p>The interior ministers met in Lyon to discuss police cooperation.</p>"},
)


def load_parsers() -> None:
    """Load now what normalisation loads on first use (about 1.4 s in all), which a worker's
    first articles would otherwise wait for."""
    received_at = datetime.now(timezone.utc)
    for article in _LOADING_ARTICLES:
        normalise_raw(RawArticle.model_validate(article), received_at=received_at, max_body_chars=len(article["body"]))
