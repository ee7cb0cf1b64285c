"""Keeping the pool: a new trust person, their profile, archiving, certificates, education.

Declared as form and confirmation routes (:mod:`vppool.web._form_routes`); each saves
through a named service function, which checks and audits the change, and leads back to the
VP's page with a ``done`` word that the page turns into a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Generic

from pydantic import BaseModel

from vppool.db.schemas import EducationRecordUpdate, TrustPersonPublic
from vppool.services import trust_persons
from vppool.web._form_routes import At, Confirmation, ConfirmRoute, Declared, FormRoute, Loaded
from vppool.web._forms import Form, FormT, values_of
from vppool.web._pool_forms import CertificateForm, ProfileChangeForm, ProfileForm
from vppool.web._record_forms import EducationForm

__all__ = ["DONE", "MAINTENANCE"]

#: What a change did, by the ``done`` value of the VP page's address.
DONE = {
    "created": "The trust person is added to the pool.",
    "saved": "The profile is saved.",
    "archived": "The trust person is archived: out of planning, with their history kept.",
    "reactivated": "The trust person is back in planning.",
    "erased": "The diversity profile is erased.",
    "certificate-added": "The certificate is recorded.",
    "certificate-saved": "The certificate is saved.",
    "certificate-deleted": "The certificate is deleted.",
    "education-added": "The education record is added.",
    "education-saved": "The education record is saved.",
    "education-deleted": "The education record is deleted.",
}

_PERSON = "/pool/{trust_person_id:int}"
_BACK = "/pool/{trust_person_id}"

#: A new VP's form starts with the usual capacity and travel radius.
_NEW_PERSON = {
    "capacity_hours_per_month": "16",
    "capacity_standing_clients": "6",
    "max_travel_km": "60",
}


def _person(at: At) -> TrustPersonPublic:
    """The trust person of the address (``NotFound`` outside the viewer's scope)."""
    return trust_persons.get_trust_person(
        at.session, trust_person_id=at["trust_person_id"], viewer=at.viewer
    )


def _name(at: At) -> str:
    person = _person(at)
    return f"{person.first_name} {person.last_name}"


def _about(at: At) -> Loaded:
    return Loaded(subject=_name(at))


def _done(at: At, what: str) -> str:
    return f"/pool/{at['trust_person_id']}?done={what}"


# --------------------------------------------------------------------------- profile


def _add_person(at: At, form: ProfileForm) -> str:
    person = trust_persons.create_trust_person(at.session, data=form.to_input(), viewer=at.viewer)
    return f"/pool/{person.id}?done=created"


def _profile_values(at: At) -> Loaded:
    person = _person(at)
    values = values_of(ProfileChangeForm, person)
    values["background_tags"] = ", ".join(person.background_tags)
    return Loaded(values, subject=f"{person.first_name} {person.last_name}")


def _change_profile(at: At, form: ProfileChangeForm) -> str:
    trust_persons.update_trust_person(
        at.session, trust_person_id=at["trust_person_id"], data=form.to_input(), viewer=at.viewer
    )
    return _done(at, "saved")


def _person_action(
    path: str,
    title: str,
    service: Callable[..., object],
    done: str,
    question: str,
    *consequences: str,
) -> ConfirmRoute:
    """A change to the VP of the address, asked once: ``question`` names them (``{name}``).

    ``service`` is called with the session, the VP's id and the viewer; the VP's page then
    says ``done``. ``title`` is the page's heading and its button.
    """

    def ask(at: At) -> Confirmation:
        return Confirmation(
            question=(question, {"name": _name(at)}), consequences=consequences, subject=_name(at)
        )

    def act(at: At) -> str:
        service(at.session, trust_person_id=at["trust_person_id"], viewer=at.viewer)
        return _done(at, done)

    return _confirm(_PERSON + path, title=title, submit_label=title, ask=ask, act=act)


# --------------------------------------------------------------------------- a VP's records


@dataclass(frozen=True)
class _Records(Generic[FormT]):
    """One kind of a VP's records (certificates, education) and the services that keep them.

    Attributes:
        segment: the records' folder in the VP's address (``certificates``).
        key: the record's id in the address (``certification_id``).
        word: how the ``done`` words name it (``certificate`` -> ``certificate-added``).
        form: the form model.
        get, add, update, delete: the service functions, called with the session, the
            ids of the address, the typed data (``add``, ``update``) and the viewer.
        changes: the form's values as the service's update model.
    """

    segment: str
    key: str
    word: str
    form: type[FormT]
    get: Callable[..., BaseModel]
    add: Callable[..., object]
    update: Callable[..., object]
    delete: Callable[..., object]
    changes: Callable[[FormT], BaseModel]

    def _ids(self, at: At) -> dict[str, int]:
        return {"trust_person_id": at["trust_person_id"], self.key: at[self.key]}

    def values(self, at: At) -> Loaded:
        """The record's current values (``NotFound`` outside the viewer's scope)."""
        record = self.get(at.session, viewer=at.viewer, **self._ids(at))
        return Loaded(values_of(self.form, record), subject=_name(at))

    def added(self, at: At, form: FormT) -> str:
        """Add a record to the VP of the address."""
        self.add(
            at.session,
            trust_person_id=at["trust_person_id"],
            data=form.to_input(),
            viewer=at.viewer,
        )
        return _done(at, f"{self.word}-added")

    def changed(self, at: At, form: FormT) -> str:
        """Save the record's new values."""
        self.update(at.session, data=self.changes(form), viewer=at.viewer, **self._ids(at))
        return _done(at, f"{self.word}-saved")

    def deleted(self, at: At) -> str:
        """Delete the record."""
        self.delete(at.session, viewer=at.viewer, **self._ids(at))
        return _done(at, f"{self.word}-deleted")

    def routes(
        self, *, new: str, add: str, change: str, delete: str, ask: Callable[[At], Confirmation]
    ) -> tuple[Declared, ...]:
        """The pages that add a record, change it and delete it.

        Args:
            new: the add page's title.
            add: the add page's button.
            change: the change page's title.
            delete: the delete page's title and button.
            ask: the delete page's question.
        """
        folder = f"{_PERSON}/{self.segment}"
        one = f"{folder}/{{{self.key}:int}}"
        return (
            _form(
                folder + "/new",
                self.form,
                title=new,
                load=_about,
                save=self.added,
                submit_label=add,
                once=True,
            ),
            _form(one + "/edit", self.form, title=change, load=self.values, save=self.changed),
            _confirm(one + "/delete", title=delete, submit_label=delete, ask=ask, act=self.deleted),
        )


_CERTIFICATES = _Records(
    "certificates",
    "certification_id",
    "certificate",
    CertificateForm,
    get=trust_persons.get_certification,
    add=trust_persons.add_certification,
    update=trust_persons.update_certification,
    delete=trust_persons.delete_certification,
    changes=CertificateForm.to_update,
)

_EDUCATION_RECORDS = _Records(
    "education",
    "education_record_id",
    "education",
    EducationForm,
    get=trust_persons.get_education_record,
    add=trust_persons.add_education_record,
    update=trust_persons.update_education_record,
    delete=trust_persons.delete_education_record,
    changes=lambda form: Form.build(EducationRecordUpdate, **form.to_input().model_dump()),
)


def _ask_delete_certificate(at: At) -> Confirmation:
    number = _CERTIFICATES.values(at).values["number"]
    return Confirmation(
        question=("Delete certificate {number}?", {"number": number}),
        consequences=["Only for a certificate recorded by mistake: a VP needs a valid one."],
        subject=_name(at),
    )


def _ask_delete_education(at: At) -> Confirmation:
    title = _EDUCATION_RECORDS.values(at).values["title"]
    return Confirmation(
        question=("Delete the education record {title}?", {"title": title}),
        consequences=["Its hours no longer count towards the permanent education."],
        subject=_name(at),
    )


_form = partial(FormRoute, back=_BACK, section="pool")
_confirm = partial(ConfirmRoute, back=_BACK, section="pool")

#: The pool's maintenance pages.
MAINTENANCE: tuple[Declared, ...] = (
    _form(
        "/pool/new",
        ProfileForm,
        title="New trust person",
        back="/pool",
        load=lambda _: Loaded(dict(_NEW_PERSON)),
        save=_add_person,
        submit_label="Add to the pool",
        once=True,
    ),
    _form(
        _PERSON + "/edit",
        ProfileChangeForm,
        title="Edit profile",
        load=_profile_values,
        save=_change_profile,
    ),
    _person_action(
        "/archive",
        "Archive",
        trust_persons.deactivate_trust_person,
        "archived",
        "Archive {name}?",
        "They are no longer proposed for needs; placements still waiting for their answer are "
        "withdrawn (the seats open again); their current assignments stay as they are.",
        "Their history is kept, and they can be reactivated at any time.",
    ),
    _person_action(
        "/reactivate",
        "Reactivate",
        trust_persons.reactivate_trust_person,
        "reactivated",
        "Take {name} back into planning?",
    ),
    _person_action(
        "/erase-diversity-profile",
        "Erase diversity profile",
        trust_persons.erase_sensitive_attributes,
        "erased",
        "Erase the diversity profile of {name}?",
        "Gender, birth year and background are removed (the right to erasure).",
        "The audit log names the erased fields, never their values.",
    ),
    *_CERTIFICATES.routes(
        new="New certificate",
        add="Record certificate",
        change="Change certificate",
        delete="Delete certificate",
        ask=_ask_delete_certificate,
    ),
    *_EDUCATION_RECORDS.routes(
        new="New education record",
        add="Add education record",
        change="Change education record",
        delete="Delete education record",
        ask=_ask_delete_education,
    ),
)
