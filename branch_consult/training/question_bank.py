"""A course's question bank: single-choice, multiple-choice and true/false items.

Each item carries its key, an explanation (trainer edition only) and the section it
tests, so a quiz can be balanced across sections and item statistics traced back to
the teaching. Validated against the course so a typo in a section id is caught with
its line number rather than discovered in the results report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from branch_consult.training.course import Course
from branch_consult.training.yaml_model import validate_document

ItemType = Literal["single", "multiple", "true_false"]
TRUE_FALSE_OPTIONS: tuple[str, str] = ("T", "F")


class Item(BaseModel):
    """One question. `answer` is the key: 'B', 'ACD', or 'T'/'F'."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    section: str
    type: ItemType
    stem: str = Field(min_length=1)
    options: dict[str, str] = Field(default_factory=dict)
    answer: str
    explanation: str = Field(min_length=1)

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str, info: ValidationInfo) -> str:
        sections = (info.context or {}).get("sections")
        if sections is not None and value not in sections:
            raise ValueError(f"section {value!r} is not in the course")
        return value

    @field_validator("options", mode="before")
    @classmethod
    def _option_text(cls, value: object) -> object:
        """Numbers in YAML (``A: 0.24``) are option text too."""
        if isinstance(value, dict):
            return {
                str(k): (str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v)
                for k, v in value.items()
            }
        return value

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_text(cls, value: object) -> object:
        if isinstance(value, bool):  # YAML reads a bare T/F as text but true/false as bool
            return "T" if value else "F"
        return value

    @model_validator(mode="after")
    def _key_fits(self) -> Item:
        key = self.answer.upper().replace(",", "").replace(" ", "")
        if self.type == "true_false":
            if self.options:
                raise ValueError("a true/false item has no options")
            if key not in TRUE_FALSE_OPTIONS:
                raise ValueError(f"answer of a true/false item must be T or F, not {self.answer!r}")
        else:
            letters = list(self.options)
            if len(letters) < 3:
                raise ValueError(f"a {self.type}-choice item needs at least 3 options")
            expected = [chr(ord("A") + i) for i in range(len(letters))]
            if letters != expected:
                raise ValueError(f"options must be lettered {', '.join(expected)} in order")
            bad = [c for c in key if c not in letters]
            if bad or len(set(key)) != len(key) or not key:
                raise ValueError(
                    f"answer {self.answer!r} must use the option letters {''.join(letters)} once each"
                )
            if self.type == "single" and len(key) != 1:
                raise ValueError("a single-choice item has exactly one answer letter")
            if self.type == "multiple" and len(key) < 2:
                raise ValueError("a multiple-choice item has at least two answer letters")
            key = "".join(sorted(key))
        self.answer = key
        return self

    @property
    def choices(self) -> tuple[str, ...]:
        """Letters a participant may give."""
        return TRUE_FALSE_OPTIONS if self.type == "true_false" else tuple(self.options)


class QuestionBank(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course: str
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> QuestionBank:
        ids = [i.id for i in self.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"item ids must be unique; repeated: {', '.join(dupes)}")
        return self

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def by_id(self) -> dict[str, Item]:
        return {it.id: it for it in self.items}


def load_bank(path: str | Path, course: Course | None = None) -> QuestionBank:
    """A question bank from YAML, its sections checked against `course` when given."""
    context = {"sections": {s.id for s in course.sections}} if course is not None else None
    bank = validate_document(QuestionBank, path, context=context)
    if course is not None and bank.course != course.id:
        from branch_consult.training.yaml_model import DocumentError

        raise DocumentError(
            str(path), [f"course: the bank is for {bank.course!r}, not {course.id!r}"]
        )
    return bank
