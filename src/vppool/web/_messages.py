"""Errors in the page's language, their values formatted for the reader."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from vppool.errors import FieldError, ValidationFailed, VppoolError
from vppool.matching import MONTH_NAMES, PARAM_KINDS, Findings, Words
from vppool.vocab import LANGUAGES, MONTH_NAMES_NL
from vppool.web._filters import clock, day, label, number
from vppool.web._i18n import translator

__all__ = [
    "localise",
    "localise_error",
    "localise_findings",
    "localise_stored",
    "localise_words",
]

_MONTH_NAMES = {"nl": MONTH_NAMES_NL, "en": MONTH_NAMES}


def localise(error: FieldError, lang: str) -> str:
    """``error`` in ``lang``: its template translated, its values as the reader reads them."""
    return _words(error.template, error.params, lang)


def localise_error(error: VppoolError, lang: str) -> str:
    """A domain error in ``lang`` (every field's problem, for a failed validation)."""
    if isinstance(error, ValidationFailed):
        return "; ".join(localise(field_error, lang) for field_error in error.errors)
    return _words(error.template, error.params, lang)


def localise_stored(words: Mapping[str, Any] | None, lang: str) -> str:
    """A message stored as ``{"message_id", "params"}`` (a calendar's last error) in ``lang``."""
    if not words:
        return ""
    return _words(str(words["message_id"]), words.get("params") or {}, lang)


def _words(template: str, params: Mapping[str, Any], lang: str) -> str:
    t = translator(lang)
    if not params:
        return t(template)
    return t(template, **{name: _formatted(value, lang) for name, value in params.items()})


def localise_words(words: Words | Mapping[str, Any], lang: str) -> str:
    """The matcher's words (a :class:`Words`, or its JSON form) in ``lang``."""
    if isinstance(words, Words):
        template, params = words.template, words.params
    else:
        template, params = words["message_id"], words.get("params") or {}
    values = {name: _matcher_value(name, value, lang) for name, value in params.items()}
    return translator(lang)(template, **values) if values else translator(lang)(template)


def localise_findings(findings: Findings | list[Mapping[str, Any]], lang: str) -> str:
    """Broken rules, each with its numbers, in ``lang`` ("Te ver weg: 62 km ...; ...")."""
    items = (
        [(v.rule, v.words) for v in findings.violations]
        if isinstance(findings, Findings)
        else [(v["rule"], v) for v in findings]
    )
    return "; ".join(f"{label(rule, lang)}: {localise_words(w, lang)}" for rule, w in items)


def _matcher_value(name: str, value: Any, lang: str) -> str:
    """One value of the matcher's words, written as ``lang`` writes its kind."""
    kind = PARAM_KINDS.get(name, "text")
    if kind == "date":
        return day(date.fromisoformat(str(value)), lang)
    if kind == "month":
        year, month = str(value).split("-")
        return f"{_MONTH_NAMES[lang][int(month) - 1]} {year}"
    if kind == "hours":
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "nl" else text
    if kind == "km":
        text = f"{float(value):.1f}".removesuffix(".0")
        return text.replace(".", ",") if lang == "nl" else text
    if kind == "languages":
        names = [LANGUAGES.get(code, code) if lang == "nl" else code for code in value]
        return ", ".join(names)
    if kind in {"scopes", "gender", "conflict_reason", "sectors"}:
        codes = value if isinstance(value, list | tuple) else [value]
        return ", ".join(label(code, lang).lower() for code in codes)
    if kind == "rule":
        return label(value, lang)
    if kind == "policy_reason":
        return _policy_reason(str(value), lang)
    return str(value)


_CERTIFICATE = re.compile(r"certificate (expired|missing)")
_EDUCATION = re.compile(r"education (\w+): short of (.+)")
_SHORT_OF = re.compile(r"(\d+(?:\.\d+)?) h (\w+)")


def _policy_reason(reason: str, lang: str) -> str:
    """Why the compliance policy excludes a VP (``compliance.policy_exclusion``), in ``lang``.

    The policy words its reason in English codes ("education at_risk: short of 2 h
    intervision"); each part is said in the page's language. A reason in another form (set
    by hand through the matcher's input) is shown as it is.
    """
    t = translator(lang)
    if found := _CERTIFICATE.fullmatch(reason):
        return t(f"certificate {found.group(1)}")
    if found := _EDUCATION.fullmatch(reason):
        parts = []
        for item in found.group(2).split(", "):
            if item == "total hours":
                parts.append(t("total hours"))
            elif short := _SHORT_OF.fullmatch(item):
                hours = short.group(1).replace(".", ",") if lang == "nl" else short.group(1)
                category = label(short.group(2), lang).lower()
                parts.append(t("{hours} h {category}", hours=hours, category=category))
            else:
                return reason
        status = label(found.group(1), lang).lower()
        return t(
            "education ({status}): short of {missing}", status=status, missing=", ".join(parts)
        )
    return reason


def _is_violation(value: object) -> bool:
    return isinstance(value, Mapping) and {"rule", "message_id"} <= value.keys()


def _formatted(value: Any, lang: str) -> str:
    if isinstance(value, Words):
        return localise_words(value, lang)
    if isinstance(value, Findings):
        return localise_findings(value, lang)
    if isinstance(value, list) and value and all(_is_violation(v) for v in value):
        return localise_findings(value, lang)  # broken rules as stored (JSON)
    if isinstance(value, datetime | date):
        return day(value, lang)
    if isinstance(value, time):
        return clock(value)
    if isinstance(value, Enum):  # a status or kind in the middle of a sentence
        return label(value, lang).lower()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return number(value, lang, digits=2 if value % 1 else 0)
    if isinstance(value, int):
        return str(value)  # limits such as a birth year of 1930 read without a separator
    return str(value)
