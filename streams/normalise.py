"""Normalise stage: raw feed bytes -> NormalisedArticle (clean text, UTC time, language, stable id)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from pydantic import ValidationError

from schemas.articles import NormalisedArticle, RawArticle


class NormaliseError(ValueError):
    """A raw message the pipeline cannot accept; ``kind`` is what the dead-letter records."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


_HTML_HINT = re.compile(r"<\s*(p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|article|section|html|body|figure|blockquote)\b", re.IGNORECASE)
# Block elements end a paragraph; inline ones must not glue words together either.
_BLOCKS = ["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "blockquote", "figcaption", "tr"]
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|xtor|at_medium|at_campaign|ref|cmp)$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n{2,}")


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


def parse_raw_article(document: dict) -> RawArticle:
    try:
        return RawArticle.model_validate(document)
    except ValidationError as error:
        issues = error.errors()
        problems = "; ".join(f"{'.'.join(str(part) for part in issue['loc']) or 'message'}: {issue['msg'].removeprefix('Value error, ')}" for issue in issues)
        # A date is the one thing a feed gets wrong on its own: name it so operators can fix the feed's format.
        kind = "unreadable_date" if all(issue["loc"][:1] == ("published_at",) for issue in issues) else "invalid_article"
        raise NormaliseError(kind, problems) from None


def html_to_text(body: str) -> str:
    """Plain text of an HTML or plain-text body, one paragraph per line."""
    if _HTML_HINT.search(body):
        soup = BeautifulSoup(body, "html.parser")
        for unwanted in soup(["script", "style", "noscript", "iframe", "svg"]):
            unwanted.decompose()
        for block in soup.find_all(_BLOCKS):
            block.insert_before("\n")
            block.insert_after("\n")
        body = soup.get_text()
    else:
        # Plain text may still carry entities such as &amp; or &eacute;.
        import html

        body = html.unescape(body)
    body = unicodedata.normalize("NFC", body)
    lines = (_SPACES.sub(" ", line).strip() for line in body.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def canonical_url(url: str) -> str:
    """The same article reached through tracking links or another case of host gets one URL."""
    parts = urlsplit(url.strip())
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower() or "https", parts.netloc.lower(), path, query, ""))


def article_identity(raw: RawArticle, title: str, text: str) -> tuple[str, str]:
    """(article_id, basis): feed id, else canonical URL, else content, so redelivery overwrites itself."""
    if raw.id:
        # Ids are only unique within a feed.
        basis, key = "feed_id", f"feed:{raw.source or ''}:{raw.id}"
    elif raw.url:
        basis, key = "url", f"url:{canonical_url(raw.url)}"
    else:
        folded = " ".join(f"{title}\n{text}".lower().split())
        basis, key = "content", f"content:{folded}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32], basis


def detect_language(title: str, text: str) -> str:
    from streams.enrichment.language import detect_language as detect  # loads the language model on first use

    return detect(title, text)


def normalise_raw(raw: RawArticle, *, received_at: datetime, max_body_chars: int) -> NormalisedArticle:
    if len(raw.body) > max_body_chars:
        raise NormaliseError("body_too_large", f"body has {len(raw.body):,} characters, more than the {max_body_chars:,} accepted")
    title = html_to_text(raw.title).replace("\n", " ")
    text = html_to_text(raw.body)
    if not text:
        raise NormaliseError("empty_body", "body has no text once HTML is removed")
    article_id, basis = article_identity(raw, title, text)
    language = raw.lang or detect_language(title, text)
    return NormalisedArticle(
        article_id=article_id,
        id_basis=basis,
        feed_id=raw.id,
        url=canonical_url(raw.url) if raw.url else None,
        source=raw.source,
        title=title,
        text=text,
        published_at=raw.published_at or received_at,
        published_at_from_feed=raw.published_at is not None,
        language=language,
        language_source="feed" if raw.lang else "detected",
        received_at=received_at,
    )


def normalise_payload(payload: bytes, *, received_at: datetime, max_body_chars: int) -> NormalisedArticle:
    """The whole stage as one pure function; raises NormaliseError with the reason."""
    return normalise_raw(parse_raw_article(decode_payload(payload)), received_at=received_at, max_body_chars=max_body_chars)
