"""Values the demo builds from a JSON schema, checked by what did not build them: each
schema is pydantic's for a model, and pydantic validates the value in strict mode."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from zdr.demo.schema import instance

TEXT = "Book 2 seats for Ada in the window row, celsius please"


class Seat(BaseModel):
    row: Literal["aisle", "window", "middle"]
    count: Annotated[int, Field(ge=1, le=9)]


class Tree(BaseModel):
    label: str
    children: list[Tree]


class Booking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=3, max_length=12)]
    seats: Annotated[list[Seat], Field(min_length=2)]
    note: str | None
    when: datetime.date
    at: datetime.datetime
    ref: uuid.UUID
    score: Annotated[float, Field(gt=0.5, lt=0.9)]
    flags: dict[str, bool]
    either: Seat | Tree
    unit: Literal["celsius", "fahrenheit"]
    code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "ABC"


CASES: dict[str, Any] = {"booking": Booking, "tree": Tree, "seat list": list[Seat], "string": str}


@pytest.mark.parametrize("kind", CASES.values(), ids=CASES.keys())
def test_pydantic_accepts_what_the_demo_builds(kind: Any) -> None:
    adapter = TypeAdapter(kind)
    value = instance(adapter.json_schema(), TEXT)
    adapter.validate_python(value)  # raises on any mismatch


def test_values_come_from_the_text() -> None:
    booking = Booking.model_validate(instance(Booking.model_json_schema(), TEXT))
    assert booking.unit == "celsius" and booking.seats[0].row == "window"  # named in the text
    assert booking.seats[0].count == 2  # the number the text names, within bounds
    assert booking.name == TEXT[:12] and booking.note == TEXT  # strings carry the text


PATTERNS = [
    r"^[A-Z]{3}$",
    r"^\d{3}-\d{4}$",
    r"^(foo|bar)+$",
    r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
    r"^https?://[\w.-]+/?$",
    r"^[a-z0-9_-]{3,16}$",
    r"^(?:\+?1[-. ]?)?\(?[0-9]{3}\)?[-. ]?[0-9]{3}[-. ]?[0-9]{4}$",
    r"^#?([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$",
    r"^[A-Z][a-z]*(?: [A-Z][a-z]*)*$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_strings_match_their_pattern(pattern: str) -> None:
    value = instance({"type": "string", "pattern": pattern}, TEXT)
    assert re.search(pattern, value), value
