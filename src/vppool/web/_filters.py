"""Jinja filters for dates, numbers and the words of the domain, in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine

from vppool.vocab import LANGUAGES as LANGUAGE_NAMES
from vppool.vocab import LANGUAGES_EN
from vppool.web._i18n import translator

__all__ = ["label", "register_filters"]

_ZONE = ZoneInfo("Europe/Amsterdam")
_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_WEEKDAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def weekday(value: int, lang: str = "nl") -> str:
    """A weekday (0 = Monday) in ``lang``, short."""
    return _WEEKDAYS[lang][value % 7]


def label(value: Any, lang: str = "nl") -> str:
    """A word of the domain (an enum value such as ``absence_cover``) in ``lang``."""
    text = value.value if isinstance(value, Enum) else str(value)
    return translator(lang)(text.replace("_", " ").capitalize())


#: Why a VP is not eligible, by the name of the hard rule that excludes them.
WHY_NOT = {
    "active": "not active",
    "compliance_policy": "behind on education",
    "certification_valid": "certificate not valid through the period",
    "scope_qualification": "not qualified for the scope",
    "language": "does not speak the language",
    "conflict_of_interest": "conflict of interest",
    "travel_distance": "too far away",
    "absence_overlap": "absent during the period",
    "capacity_hours": "no hours left",
    "capacity_standing_clients": "at the maximum of standing clients",
    "distinct_trust_persons": "already on this need",
    "gender_mix": "would break the gender mix",
    "unused": "eligible but left free (the solver stopped before using them)",
    "pruned": "not considered (beyond the candidate limit)",
}


def why_not(rule: str, lang: str = "nl") -> str:
    """Why the VPs a hard rule excludes are not eligible, in ``lang``."""
    reason = WHY_NOT.get(rule)
    return translator(lang)(reason) if reason else label(rule, lang)


def gap_reasons(unfilled: Mapping[str, Any], lang: str = "nl") -> str:
    """Why a seat stays open: how many VPs each reason rules out, most first, in ``lang``."""
    reasons: Mapping[str, int] = unfilled.get("reasons") or {}
    t = translator(lang)
    if not reasons:
        return t("no trust person could be considered for this seat")
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    return t(
        "ruled out: {reasons}",
        reasons=", ".join(f"{count} {why_not(rule, lang)}" for rule, count in ranked),
    )


def day(value: date | datetime | None, lang: str = "nl") -> str:
    """``12 mrt 2026`` / ``12 Mar 2026``."""
    if value is None:
        return "\u2013"  # an en dash
    if isinstance(value, datetime):
        value = value.astimezone(_ZONE).date()
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def period(starts_on: date | None, ends_on: date | None, lang: str = "nl") -> str:
    """A half-open period ``[starts_on, ends_on)`` as people read it: first to *last* day.

    ``1 mrt 2026 - 31 mei 2026`` (the stored end is 1 June), ``from 1 mrt 2026`` without an
    end, and one date for a period of one day.
    """
    if ends_on is None:
        return f"{translator(lang)('from')} {day(starts_on, lang)}"
    last = ends_on - timedelta(days=1)
    if starts_on is None:
        return f"{translator(lang)('until')} {day(last, lang)}"
    if last <= starts_on:
        return day(starts_on, lang)
    return f"{day(starts_on, lang)} \u2013 {day(last, lang)}"


def short_day(value: date, lang: str = "nl") -> str:
    """``ma 12 mrt``."""
    return f"{_WEEKDAYS[lang][value.weekday()]} {value.day} {_MONTHS[lang][value.month - 1]}"


def month(value: date, lang: str = "nl") -> str:
    """``mrt 2026``."""
    return f"{_MONTHS[lang][value.month - 1]} {value.year}"


def moment(value: datetime | None, lang: str = "nl") -> str:
    """A date and time in the Netherlands' zone."""
    if value is None:
        return "\u2013"  # an en dash
    local = value.astimezone(_ZONE)
    return f"{day(local.date(), lang)} {local:%H:%M}"


def clock(value: time) -> str:
    """``09:00``; midnight as the end of a day reads ``24:00``."""
    return "24:00" if value == time(0) else value.strftime("%H:%M")


def number(value: float | int | None, lang: str = "nl", digits: int = 1) -> str:
    """A number with a decimal comma in Dutch."""
    if value is None:
        return "\u2013"  # an en dash
    text = f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"
    if lang == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def gap_words(run: Any, lang: str = "nl") -> str:
    """How far a run's plan can be from the best possible one, in words a planner reads.

    ``run`` has ``solver_status``, ``objective``, ``best_bound`` (costs in points) and
    ``gap``. A plan the solver proved optimal says so; otherwise the distance between its cost
    and the proven bound is the most it can lose, in points and as the matcher's gap: a share
    of the decided cost (the plan's cost minus what no decision changes), as ``vppool solve``
    says it too.
    """
    t = translator(lang)
    if run.solver_status == "OPTIMAL":
        return t("proven optimal")
    if run.objective is None or run.best_bound is None or run.gap is None:
        return t("no bound known: the solver stopped before it could prove one")
    return t(
        "at most {points} points ({share} % of the decided cost) from the best possible plan",
        points=number(round(max(run.objective - run.best_bound, 0.0)), lang),
        share=number(100 * run.gap, lang),
    )


def fill_words(run: Any, lang: str = "nl") -> str:
    """What the planner should know when a run may have left fillable seats open, else "".

    The matcher fills seats first (weighted by urgency) and only then lowers the cost; its
    cost figures hold for the seats it filled. Where it stopped before it proved that no
    plan fills more (its plan below the bound on the urgency-weighted seats, stored in the
    run's explanation), the planner reads both figures and what to do about it.
    """
    from vppool.services.matching import fill_left_open  # noqa: PLC0415  (filters stay light)

    open_fill = fill_left_open(getattr(run, "explanation", None) or {})
    if open_fill is None:
        return ""
    filled, most = open_fill
    return translator(lang)(
        "More seats may be fillable: weighted by urgency, this plan's filled seats count "
        "{filled} points, the best possible plan's at most {most}. A run with a longer time "
        "limit may find them.",
        filled=number(filled, lang),
        most=number(most, lang),
    )


def language_name(code: str, lang: str = "nl") -> str:
    """An ISO 639 code's name in the page's language (the code itself if unknown)."""
    names = LANGUAGE_NAMES if lang == "nl" else LANGUAGES_EN
    return names.get(code, code)


def register_filters(engine: JinjaTemplateEngine) -> None:
    """Add the filters to the template engine."""
    engine.engine.filters.update(
        {
            "label": label,
            "weekday": weekday,
            "why_not": why_not,
            "day": day,
            "short_day": short_day,
            "period": period,
            "month": month,
            "moment": moment,
            "clock": clock,
            "number": number,
            "language_name": language_name,
            "gap_words": gap_words,
            "fill_words": fill_words,
            "gap_reasons": gap_reasons,
        }
    )
