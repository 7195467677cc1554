"""The base of every pydantic model in the kit, and how raw input is validated against one.

Every model the kit defines is frozen (an outcome, a record or a standard cannot be changed
behind the engine's back, and frozen models can be cached and compared) and refuses fields it
does not know (a misspelt key in a record or a policy file is an error, not silently ignored).
Models that carry what a person typed about a person add two settings, kept here once so that no
model forgets them: surrounding white space is stripped, and pydantic's own error text never
echoes the input, which would otherwise print a name, a ULN or a whole apprentice wherever the
error is logged.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from epa_kernel.errors import InputError, from_validation_error

__all__ = ["Model", "PersonalDataModel", "validate_input"]


class Model(BaseModel):
    """Frozen, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonalDataModel(Model):
    """A model of typed input about a person: white space stripped, input never echoed in
    pydantic's error messages (the kit's own messages say what is wrong without the value)."""

    model_config = ConfigDict(str_strip_whitespace=True, hide_input_in_errors=True)


ModelT = TypeVar("ModelT", bound=BaseModel)


def validate_input(model: type[ModelT], data: Any, *, file: str, what: str) -> ModelT:
    """``data`` (parsed JSON) validated as ``model``; errors are InputErrors naming ``file``.

    ``what`` names the object expected, for the error when ``data`` is not a JSON object at all.
    """
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object ({what})", file=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, file=file) from None
