"""Dutch and English texts of the web application: the English text is the message id.

Dutch is the default; the language switch stores the choice in a cookie. Every text shown by
a template goes through ``t(...)``; a test checks that each one has a Dutch translation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from vppool.web._catalogue import DUTCH

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_COOKIE", "Translate", "translator"]

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "vppool_lang"

Translate = Callable[..., str]


@cache
def translator(lang: str) -> Translate:
    """``t(text, **values)``: ``text`` in ``lang`` with ``{name}`` placeholders filled in."""
    catalogue = DUTCH if lang == "nl" else {}

    def translate(text: str, **values: object) -> str:
        found = catalogue.get(text, text)
        return found.format(**values) if values else found

    return translate
