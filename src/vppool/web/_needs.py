"""Keeping needs: change one, cancel one, or start a new one from a copy.

A cancellation first says what it stops (proposals, assignments) and asks once.

Each page leads back to the need's organisation, where its needs are listed.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from vppool.db.schemas import NeedPublic
from vppool.services import needs, organisations
from vppool.web._client_forms import NeedEditForm
from vppool.web._filters import day
from vppool.web._form_routes import At, Confirmation, ConfirmRoute, FormRoute, Loaded, pages
from vppool.web._forms import values_of
from vppool.web._record_forms import NeedForm

__all__ = ["need_pages"]

_NEED = "/needs/{need_id:int}"


def _need(at: At) -> NeedPublic:
    return needs.get_need(at.session, need_id=at["need_id"], viewer=at.viewer)


def _organisation_name(at: At, organisation_id: int) -> str:
    return organisations.get_organisation(
        at.session, organisation_id=organisation_id, viewer=at.viewer
    ).name


def _subject(at: At, need: NeedPublic) -> str:
    return f"{_organisation_name(at, need.organisation_id)} / {need.title}"


def _page_of(need: NeedPublic) -> str:
    return f"/organisations/{need.organisation_id}"


def _back(need: NeedPublic, done: str) -> str:
    return f"{_page_of(need)}?done={done}#needs"


def _values(form: type[NeedEditForm] | type[NeedForm], need: NeedPublic) -> dict[str, Any]:
    values = values_of(form, need)
    values["languages"] = ", ".join(need.languages)
    values["wish_languages"] = ", ".join(need.wish_languages)
    return values


def _edit_values(at: At) -> Loaded:
    need = _need(at)
    return Loaded(_values(NeedEditForm, need), subject=_subject(at, need), back=_page_of(need))


def _change(at: At, form: NeedEditForm) -> str:
    need = needs.update_need(
        at.session, need_id=at["need_id"], data=form.to_input(), viewer=at.viewer
    )
    return _back(need, "need-saved")


def _copy_values(at: At) -> Loaded:
    need = _need(at)
    values = _organisation_label(at, _values(NeedForm, need))
    return Loaded(values, subject=_subject(at, need), back=_page_of(need))


def _organisation_label(at: At, values: dict[str, Any]) -> dict[str, Any]:
    chosen = str(values.get("organisation_id", ""))
    if chosen.isdigit():
        found = organisations.organisation_names(at.session, [int(chosen)], viewer=at.viewer)
        values["organisation_id_label"] = found.get(int(chosen), "")
    return values


def _create(at: At, form: NeedForm) -> str:
    need, _ = needs.submit_need(at.session, data=form.to_input(), viewer=at.viewer)
    return _back(need, "need-created")


def _ask_cancel(at: At) -> Confirmation:
    effects = needs.cancellation_of(at.session, need_id=at["need_id"], viewer=at.viewer)
    lang = at.lang
    consequences: list[str | tuple[str, dict[str, Any]]] = [
        "The need is no longer matched; its organisation keeps it in its history."
    ]
    if effects.withdrawn:
        consequences.append(("{count} proposal(s) are withdrawn.", {"count": effects.withdrawn}))
    if effects.called_off:
        consequences.append(
            (
                "{count} confirmed assignment(s) that have not begun are cancelled.",
                {"count": effects.called_off},
            )
        )
    if effects.ended:
        consequences.append(
            (
                "{count} assignment(s) under way end; their last day is {last_day}.",
                {
                    "count": effects.ended,
                    "last_day": day(effects.today - timedelta(days=1), lang),
                },
            )
        )
    return Confirmation(
        question=("Cancel the need {title}?", {"title": effects.need.title}),
        consequences=consequences,
        subject=_subject(at, effects.need),
        back=_page_of(effects.need),
    )


def _cancel(at: At) -> str:
    return _back(
        needs.cancel_need(at.session, need_id=at["need_id"], viewer=at.viewer), "need-cancelled"
    )


_form = partial(FormRoute, back="/needs", section="needs")

#: The need pages (planners and admins).
need_pages = pages(
    _form(
        _NEED + "/edit",
        NeedEditForm,
        title="Change need",
        load=_edit_values,
        save=_change,
    ),
    _form(
        _NEED + "/duplicate",
        NeedForm,
        title="Duplicate need",
        intro="A new need filled in from this one; change what differs.",
        load=_copy_values,
        save=_create,
        submit_label="Create need",
        once=True,
        relabel=_organisation_label,
    ),
    ConfirmRoute(
        _NEED + "/cancel",
        title="Cancel need",
        submit_label="Cancel need",
        back="/needs",
        ask=_ask_cancel,
        act=_cancel,
        section="needs",
    ),
)
