"""A need's wishes in words, for every planner page that shows the need."""

from __future__ import annotations

from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from vppool.web._filters import label, language_name
from vppool.web._i18n import translator
from vppool.web._pool_forms import SECTOR_NAMES

__all__ = ["register_wish_filters", "wish_phrases"]


def _code(value: Any) -> str:
    return str(getattr(value, "value", value))


def wish_phrases(need: Any, lang: str = "nl") -> list[str]:
    """Each wish of the need in ``lang``; a condition says so ("gender: woman (condition)")."""
    t = translator(lang)
    hard = {_code(kind) for kind in getattr(need, "hard_wishes", None) or ()}
    said: list[tuple[str, str]] = []
    if genders := getattr(need, "wish_genders", None):
        names = ", ".join(label(g, lang).lower() for g in genders)
        said.append(("gender", t("gender {genders}", genders=names)))
    if languages := getattr(need, "wish_languages", None):
        names = ", ".join(language_name(code, lang) for code in languages)
        said.append(("languages", t("speaks {languages}", languages=names)))
    if sectors := getattr(need, "wish_sectors", None):
        names = ", ".join(t(SECTOR_NAMES.get(s, s)).lower() for s in sectors)
        said.append(("sector", t("experience in {sectors}", sectors=names)))
    if locality := getattr(need, "wish_locality", None):
        words = (
            "lives nearby (local)" if _code(locality) == "local" else "lives elsewhere (central)"
        )
        said.append(("locality", t(words)))
    phrases = [f"{text} ({t('condition')})" if kind in hard else text for kind, text in said]
    if mode := getattr(need, "wish_mode", None):
        phrases.append(t("remote") if _code(mode) == "remote" else t("in person"))
    if getattr(need, "client_chooses", False):
        phrases.append(t("the client wants to choose"))
    return phrases


def register_wish_filters(engine: JinjaTemplateEngine) -> None:
    """Add ``wish_phrases`` to the template engine."""
    engine.engine.filters["wish_phrases"] = wish_phrases
