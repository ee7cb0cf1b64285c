"""Request bodies are typed models, validated as JSON with JSON's own types.

Litestar hands a handler's ``data: SomeModel`` to the Pydantic plugin, which validates the
decoded body in pydantic's lax Python mode: there ``{"starts_on": 0}`` is 1 January 1970,
``{"accredited": 0}`` is false and ``"6"`` is 6, each a silent wrong answer. This plugin
validates the same body in strict JSON mode instead (dates as ISO texts, numbers as numbers,
true and false as booleans) and reports every wrong field as one 422 problem, in the same
words the services use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.plugins.pydantic import PydanticInitPlugin
from pydantic import BaseModel

from vppool.inputs import validate_json

__all__ = ["StrictJSONBodies"]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _decode(model: type[BaseModel], value: Any) -> BaseModel:
    return validate_json(model, value)


class StrictJSONBodies(PydanticInitPlugin):
    """The Pydantic plugin, with bodies validated as strict JSON into their typed model."""

    @classmethod
    def decoders(
        cls, validate_strict: bool = False
    ) -> list[tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]]:
        """Our decoder first; Litestar's others (pydantic v1 shapes) after it."""
        del validate_strict  # always strict JSON
        return [(_is_model, _decode)]
