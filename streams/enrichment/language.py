"""Language identification (ISO 639-1), restricted to the languages feeds actually carry."""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "ar", "nl")
_TAGS = re.compile(r"<[^>]+>")
_URLS = re.compile(r"https?://\S+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(title: str, text: str) -> str:
    """The article's language as an ISO 639-1 code among ``LANGUAGES``.

    The title is repeated once so that short bodies still weigh it, markup and
    URLs are dropped; an empty text defaults to French (the project's first language).
    """
    sample = f"{title}\n{title}\n{text[:5000]}"
    sample = _URLS.sub(" ", _TAGS.sub(" ", sample)).strip()
    if not sample:
        return "fr"
    language, _ = _identifier().classify(sample)
    return language
