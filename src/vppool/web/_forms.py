"""Form models: what a browser sends (text) becomes typed values, and errors find their field.

A form is a :class:`Form` subclass whose fields are what the page shows, in the person's
terms: a period asks for its *last* day, languages are ticked, a checkbox is there or not.
:meth:`Form.parse` turns the submitted text into those types (a blank field is empty, a
ticked box is true, repeated fields are a list); :meth:`Form.to_input` builds the service's
typed input from them. Every error, from the form or from the service behind it, comes back
under the form's own field name (``renamed`` maps the service's names), and the template
macro ``fields`` draws the whole form from :func:`fields_of`, with the values as typed.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import Enum
from typing import Any, ClassVar, Self, TypeVar

from litestar.response import Redirect, Template
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo

from vppool.errors import FieldError, ValidationFailed
from vppool.inputs import field_errors_from, tidy_text
from vppool.web._common import FieldErrors, redirect
from vppool.web._messages import localise

__all__ = [
    "Choice",
    "FieldErrors",
    "Form",
    "FormField",
    "day_after",
    "errors_by_field",
    "fields_of",
    "form_field",
    "handle",
    "last_day_of",
    "submitted",
    "values_of",
]

InputT = TypeVar("InputT", bound=BaseModel)

_TRUE = frozenset({"on", "true", "1", "yes", "ja"})


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a select or a group of checkboxes."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class FormField:
    """How one field is drawn: its input, words, limits and options."""

    name: str
    label: str
    kind: str  # text, email, number, date, time, textarea, select, checks, check, picker
    required: bool = False
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)
    wide: bool = False
    picker: str | None = None  # the search address of a picker ("/pick/organisations")


def form_field(
    label: str,
    *,
    default: Any = ...,
    kind: str | None = None,
    hint: str | None = None,
    wide: bool = False,
    picker: str | None = None,
    choices: Callable[[], Iterable[Choice]] | None = None,
    **limits: Any,
) -> Any:
    """A form field with its label (an English message id) and how to draw it.

    ``limits`` are pydantic's (``min_length``, ``ge``, ...); they also become the input's
    attributes, so the browser helps before the server refuses.
    """
    extra: dict[str, Any] = {"label": label, "hint": hint, "wide": wide, "picker": picker}
    if kind:
        extra["kind"] = kind
    if choices:
        extra["choices"] = choices
    if default is ...:
        return Field(json_schema_extra=extra, **limits)
    return Field(default=default, json_schema_extra=extra, **limits)


#: The records a picker field chooses from: its label and the search it asks as you type.
_PICKERS = {
    "organisation": ("Organisation", "/pick/organisations"),
    "trust person": ("Trust person", "/pick/trust-persons"),
}


def picked(record: str, *, optional: bool = False, hint: str | None = None) -> Any:
    """A field holding the id of an ``organisation`` or ``trust person`` chosen by searching."""
    label, search = _PICKERS[record]
    if optional:
        return form_field(label, default=None, kind="picker", picker=search, hint=hint)
    return form_field(label, kind="picker", picker=search, hint=hint, ge=1)


class Form(BaseModel):
    """Base of the form models.

    Subclasses declare the fields as the page shows them and implement :meth:`to_input`.
    ``renamed`` maps a field name of the service's input to the form field that holds it
    (``{"ends_on": "last_day"}``), so the service's errors appear next to the right field.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    renamed: ClassVar[Mapping[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        values: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            raw = data.get(name)
            if _is_flag(info):
                values[name] = _last(raw).strip().lower() in _TRUE if raw is not None else False
            elif _is_list(info):
                items = raw if isinstance(raw, list) else ([] if raw is None else [raw])
                values[name] = [str(item).strip() for item in items if str(item).strip()]
            else:
                text = _last(raw).strip() if raw is not None else ""
                if text:
                    values[name] = text
        return values

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """The submitted form as typed values.

        Raises:
            ValidationFailed: naming each form field that could not be read.
        """
        tidied = tidy_text(dict(data), subject="form")
        try:
            return cls.model_validate(tidied)
        except ValidationError as exc:
            raise ValidationFailed(field_errors_from(exc), subject="form") from exc

    def typed_values(self, *, leave: Iterable[str] = (), **changed: Any) -> dict[str, Any]:
        """The form's typed values by field name, without ``leave``, ``changed`` put over them.

        ``build(model, **self.typed_values(ends_on=day_after(self.last_day), leave=["last_day"]))``
        hands the service's input every field under its own name and the rest as given.
        """
        left = set(leave)
        return {name: value for name, value in self if name not in left} | changed

    def to_input(self) -> BaseModel:
        """The service's typed input (subclasses build it with :meth:`build`).

        It must also work on a draft (:meth:`draft`), where fields may be ``None``.
        """
        raise NotImplementedError

    @classmethod
    def draft(cls, data: Mapping[str, Any], leave_out: set[str]) -> Self | None:
        """The form with the fields in ``leave_out`` empty and every field optional.

        Used when some fields could not be read: the draft's :meth:`to_input` still finds
        what the service's input refuses in the other fields, so one answer names every
        field to fix. ``None`` when even the draft cannot be read.
        """
        kept = {name: value for name, value in data.items() if name not in leave_out}
        try:
            draft = _draft_of(cls).model_validate(kept)
        except ValidationError:
            return None
        return draft if isinstance(draft, cls) else None

    @classmethod
    def build(cls, model: type[InputT], **values: Any) -> InputT:
        """``model`` from ``values``, leaving out the empty ones (so defaults apply).

        Raises:
            ValidationFailed: naming the form's fields (through ``renamed``).
        """
        given = {name: value for name, value in values.items() if value is not None}
        try:
            return model.model_validate(given)
        except ValidationError as exc:
            raise ValidationFailed(field_errors_from(exc), subject="form") from exc

    @classmethod
    def errors(cls, exc: ValidationFailed, lang: str) -> FieldErrors:
        """The messages of ``exc`` in ``lang`` by form field; others go under ``''``."""
        return errors_by_field(exc, lang, set(cls.model_fields), cls.renamed)


def errors_by_field(
    exc: ValidationFailed,
    lang: str,
    known: set[str],
    renamed: Mapping[str, str] | None = None,
) -> FieldErrors:
    """The messages of ``exc`` in ``lang`` by the form field they are about.

    Args:
        exc: the refusal.
        lang: the page's language.
        known: the fields the form shows; errors about others go under ``''`` (the top).
        renamed: a field name of the service's input -> the form field that holds it.
    """
    result: FieldErrors = {}
    for error in exc.errors:
        name = error.field if error.field in known else _field_name(error)
        name = (renamed or {}).get(name, name)
        result.setdefault(name if name in known else "", []).append(localise(error, lang))
    return result


@functools.cache
def _draft_of(form: type[Form]) -> type[Form]:
    """``form`` with every required field optional (empty when not given)."""
    optional: dict[str, Any] = {
        name: (_nullable(info.annotation), None)
        for name, info in form.model_fields.items()
        if info.is_required()
    }
    draft: type[Form] = create_model(f"{form.__name__}Draft", __base__=form, **optional)
    return draft


def _nullable(annotation: Any) -> Any:
    return annotation | None


def _field_name(error: FieldError) -> str:
    """``body.starts_on`` and ``starts_on`` name the same form field; ``a[2]`` is ``a``."""
    return error.field.rsplit(".", 1)[-1].split("[", 1)[0]


def _last(raw: Any) -> str:
    if isinstance(raw, list):
        return str(raw[-1]) if raw else ""
    return str(raw)


def _annotation(info: FieldInfo) -> Any:
    """The field's type without ``None`` (``date | None`` is a date field)."""
    annotation = info.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = options[0] if len(options) == 1 else str
    return annotation


def _is_flag(info: FieldInfo) -> bool:
    return _annotation(info) is bool


def _is_list(info: FieldInfo) -> bool:
    return typing.get_origin(_annotation(info)) is list


def fields_of(form: type[Form], only: Sequence[str] | None = None) -> list[FormField]:
    """How to draw the fields of ``form`` (all, or ``only`` these in this order)."""
    names = list(only) if only is not None else list(form.model_fields)
    return [_describe(name, form.model_fields[name]) for name in names]


def _describe(name: str, info: FieldInfo) -> FormField:
    extra: dict[str, Any] = (
        dict(info.json_schema_extra) if isinstance(info.json_schema_extra, dict) else {}
    )
    annotation = _annotation(info)
    item = typing.get_args(annotation)[0] if _is_list(info) else annotation
    choices: tuple[Choice, ...] = ()
    make = extra.get("choices")
    if callable(make):
        choices = tuple(make())
    elif isinstance(item, type) and issubclass(item, Enum):
        choices = tuple(Choice(member.value, _enum_label(member)) for member in item)
    limits = _limits(info)
    kind = str(extra.get("kind") or _kind(info, annotation, choices, limits))
    if kind == "picker" and not extra.get("picker"):
        msg = f"the picker field {name} names no search address (picker=...)"
        raise TypeError(msg)
    return FormField(
        name=name,
        label=str(extra.get("label") or name),
        kind=kind,
        required=info.is_required(),
        hint=str(extra["hint"]) if extra.get("hint") else None,
        choices=choices,
        attrs=limits,
        wide=bool(extra.get("wide")) or kind in {"textarea", "checks"},
        picker=str(extra["picker"]) if extra.get("picker") else None,
    )


def _enum_label(member: Enum) -> str:
    return str(member.value).replace("_", " ").capitalize()


def _kind(info: FieldInfo, annotation: Any, choices: tuple[Choice, ...], limits: Any) -> str:
    if _is_list(info):
        return "checks"
    if choices:
        return "select"
    if annotation is bool:
        return "check"
    if annotation is date:
        return "date"
    if annotation is time:
        return "time"
    if annotation in (int, float):
        return "number"
    if int(limits.get("maxlength", 0)) > 300:
        return "textarea"
    return "text"


def _limits(info: FieldInfo) -> dict[str, Any]:
    """The browser's own checks for the field's limits."""
    attributes: dict[str, Any] = {}
    names = {"ge": "min", "le": "max", "min_length": "minlength", "max_length": "maxlength"}
    for constraint in info.metadata:
        for limit, attribute in names.items():
            value = getattr(constraint, limit, None)
            if value is not None:
                attributes[attribute] = value
    if _annotation(info) is float:
        attributes.setdefault("step", "any")
    return attributes


def day_after(last_day: date | None) -> date | None:
    """The exclusive end of a period whose last day is ``last_day``."""
    return last_day + timedelta(days=1) if last_day is not None else None


def last_day_of(ends_on: date | None) -> date | None:
    """The last day of a period that ends (exclusively) on ``ends_on``."""
    return ends_on - timedelta(days=1) if ends_on is not None else None


#: Form fields that hold the last day of a period whose record keeps the exclusive end.
_LAST_DAYS = {"last_day": "ends_on"}


def values_of(form: type[Form], record: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """A record's current values as an edit form shows them: text, ticked lists, last days.

    A form field named in ``form.renamed`` takes the record's field of the other name; a
    ``last_day`` field shows the day before the record's exclusive ``ends_on``.
    """
    source = record.model_dump() if isinstance(record, BaseModel) else dict(record)
    origin = {shown: kept for kept, shown in form.renamed.items()}
    values: dict[str, Any] = {}
    for name in form.model_fields:
        key = origin.get(name, name)
        if key not in source:
            continue
        value = source[key]
        if _LAST_DAYS.get(name) == key:
            value = last_day_of(value)
        values[name] = _as_text(value)
    return values


def _as_text(value: Any) -> Any:
    """A value as a form field holds it (a list stays a list of texts)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_as_text(item) for item in value]
    if isinstance(value, date | time):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def submitted(data: Mapping[str, Any], form: type[Form]) -> dict[str, Any]:
    """The values as typed, to show them again: a list for list fields, else the text."""
    values: dict[str, Any] = {}
    for name, info in form.model_fields.items():
        raw = data.get(name)
        if _is_list(info):
            values[name] = raw if isinstance(raw, list) else ([raw] if raw else [])
        elif raw is not None:
            values[name] = _last(raw)
    return values


FormT = TypeVar("FormT", bound=Form)


def handle(
    form: type[FormT],
    data: Mapping[str, Any],
    lang: str,
    *,
    act: Callable[[FormT], str],
    again: Callable[[dict[str, Any], FieldErrors], Template],
    rollback: Callable[[], None],
) -> Template | Redirect:
    """Read ``data`` as ``form`` and ``act`` on it; on refusal show the form again.

    Args:
        form: the form model.
        data: the submitted fields.
        lang: the page's language, for the messages.
        act: calls the service; returns the page to go to next (inside the application).
        again: draws the form with the typed values and the errors (status 422).
        rollback: undoes what ``act`` may have written before it was refused.
    """
    try:
        parsed = form.parse(data)
    except ValidationFailed as unreadable:
        return again(
            submitted(data, form), form.errors(_with_input_errors(form, data, unreadable), lang)
        )
    try:
        target = act(parsed)
    except ValidationFailed as exc:
        rollback()
        return again(submitted(data, form), form.errors(exc, lang))
    return redirect(target)


def _with_input_errors(
    form: type[Form], data: Mapping[str, Any], unreadable: ValidationFailed
) -> ValidationFailed:
    """The form's own refusals, and what the service's input refuses in the other fields."""
    errors = list(unreadable.errors)
    named = {form.renamed.get(_field_name(e), _field_name(e)) for e in errors}
    draft = form.draft(data, named)
    if draft is not None:
        try:
            draft.to_input()
        except ValidationFailed as refusal:
            errors += [
                error
                for error in refusal.errors
                if form.renamed.get(_field_name(error), _field_name(error)) not in named
            ]
    return ValidationFailed(errors, subject=unreadable.subject)
