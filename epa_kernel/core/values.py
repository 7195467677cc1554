"""The values a standard's and a record's fields may take: grades, methods, channels, attempts,
and the shapes of a standard's code and version number.

Defined apart from the models that use them so that the standard's models, the records, the
engine and :mod:`epa_kernel.core.vocabulary` (which gives each value its label) share one
definition without importing one another.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

Grade = Literal["Fail", "Pass", "Distinction"]
#: Lowest first: grades are compared by their place here.
GRADES: tuple[Grade, ...] = ("Fail", "Pass", "Distinction")
MethodId = Literal[
    "practical_observation", "apprentice_showcase", "professional_discussion", "work_based_project"
]
Channel = Literal["face_to_face", "non_face_to_face"]
Fact = Literal[
    "duration_minutes", "qa_minutes", "word_count", "slides", "portfolio_items", "questions_asked"
]
Attempt = Literal["first", "resit", "retake"]
Band = Literal["pass", "distinction"]

Text = Annotated[str, Field(min_length=1)]
StandardCode = Annotated[str, Field(pattern=r"^ST[0-9]{4}$")]
VersionNumber = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$")]
