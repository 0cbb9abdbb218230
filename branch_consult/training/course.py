"""A workshop course as data: lectures (讲), sections, key points, activities and timing.

Courses are YAML files a trainer writes (``templates/courses/<id>/course.yaml``); the
model checks what a printed handout relies on: every section serves a stated learning
objective, activities have a kind, minutes and materials, and each day's sessions add
up to the day's teaching time, so the minute-by-minute plan never overruns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from branch_consult.resources import templates_dir
from branch_consult.training.yaml_model import DocumentError, validate_document

ActivityKind = Literal["exercise", "role_play", "case", "discussion", "video"]
ACTIVITY_KINDS: tuple[str, ...] = ("exercise", "role_play", "case", "discussion", "video")
COURSES_DIR = templates_dir() / "courses"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Activity(_Strict):
    """Something participants do: an exercise, role play, case, discussion or video."""

    kind: ActivityKind
    title: str = Field(min_length=1)
    minutes: int = Field(gt=0, le=240)
    materials: list[str] = Field(default_factory=list)
    task: str = Field(min_length=1, description="What participants do (both editions).")
    facilitation: str = Field(
        min_length=1, description="How the trainer runs and debriefs it (trainer edition only)."
    )


class Section(_Strict):
    """One section of a lecture, serving one learning objective."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(min_length=1)
    objective: str = Field(min_length=1)
    minutes: int = Field(gt=0, le=240, description="Input time: presentation and questions.")
    key_points: list[str] = Field(min_length=1)
    activities: list[Activity] = Field(default_factory=list)
    trainer_notes: str = ""

    @property
    def total_minutes(self) -> int:
        return self.minutes + sum(a.minutes for a in self.activities)


class Pause(_Strict):
    """A break after a lecture (tea break, lunch); not teaching time."""

    label: str = Field(min_length=1)
    minutes: int = Field(gt=0, le=120)


class Lecture(_Strict):
    """A lecture (讲): a block of sections taught in one sitting."""

    title: str = Field(min_length=1)
    day: int = Field(ge=1)
    sections: list[Section] = Field(min_length=1)
    break_after: Pause | None = None

    @property
    def total_minutes(self) -> int:
        return sum(s.total_minutes for s in self.sections)


class Duration(_Strict):
    days: int = Field(ge=1, le=5)
    hours_per_day: float = Field(gt=0, le=8)


class Course(_Strict):
    """A whole workshop; `lang` is the language its content is written in."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    lang: Literal["zh", "en"]
    title: str = Field(min_length=1)
    subtitle: str = ""
    audience: list[str] = Field(min_length=1)
    duration: Duration
    day_starts: list[str] = Field(min_length=1, description="Start time of each day, HH:MM.")
    objectives: list[str] = Field(min_length=1)
    materials: list[str] = Field(default_factory=list)
    lectures: list[Lecture] = Field(min_length=1)

    @field_validator("day_starts")
    @classmethod
    def _clock(cls, values: list[str]) -> list[str]:
        for v in values:
            if not _CLOCK.match(v):
                raise ValueError(f"start time {v!r} is not HH:MM")
        return values

    @model_validator(mode="after")
    def _consistent(self) -> Course:
        if len(self.day_starts) != self.duration.days:
            raise ValueError(
                f"day_starts has {len(self.day_starts)} times for {self.duration.days} day(s)"
            )
        ids = [s.id for lec in self.lectures for s in lec.sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"section ids must be unique; repeated: {', '.join(dupes)}")
        target = round(self.duration.hours_per_day * 60)
        for day in range(1, self.duration.days + 1):
            taught = sum(lec.total_minutes for lec in self.lectures if lec.day == day)
            if taught != target:
                raise ValueError(
                    f"day {day} has {taught} minutes of sessions; the day is {target} minutes "
                    f"({self.duration.hours_per_day:g} h)"
                )
        late = [lec.title for lec in self.lectures if lec.day > self.duration.days]
        if late:
            raise ValueError(f"lecture on a day after the last: {late[0]}")
        days = [lec.day for lec in self.lectures]
        if days != sorted(days):
            raise ValueError("lectures must be listed in day order")
        return self

    @property
    def sections(self) -> list[Section]:
        return [s for lec in self.lectures for s in lec.sections]

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"course {self.id} has no section {section_id!r}")


@dataclass(frozen=True)
class Slot:
    """One line of the minute-by-minute plan."""

    day: int
    start: str
    end: str
    minutes: int
    lecture: int | None  # 1-based; None for breaks
    section: str | None
    kind: str  # "input", an activity kind, or "break"
    title: str


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timing_plan(course: Course) -> list[Slot]:
    """Every segment of the course with its start and end time, day by day."""
    slots: list[Slot] = []
    for day in range(1, course.duration.days + 1):
        h, m = (int(x) for x in course.day_starts[day - 1].split(":"))
        now = h * 60 + m
        for n, lec in enumerate(course.lectures, 1):
            if lec.day != day:
                continue
            for s in lec.sections:
                slots.append(
                    Slot(
                        day,
                        _clock(now),
                        _clock(now + s.minutes),
                        s.minutes,
                        n,
                        s.id,
                        "input",
                        s.title,
                    )
                )
                now += s.minutes
                for a in s.activities:
                    slots.append(
                        Slot(
                            day,
                            _clock(now),
                            _clock(now + a.minutes),
                            a.minutes,
                            n,
                            s.id,
                            a.kind,
                            a.title,
                        )
                    )
                    now += a.minutes
            if lec.break_after is not None:
                b = lec.break_after
                slots.append(
                    Slot(
                        day,
                        _clock(now),
                        _clock(now + b.minutes),
                        b.minutes,
                        None,
                        None,
                        "break",
                        b.label,
                    )
                )
                now += b.minutes
    return slots


def load_course(path: str | Path) -> Course:
    """A course from its YAML file; `DocumentError` names the line and field of every fault."""
    return validate_document(Course, path)


def shipped_courses() -> dict[str, Path]:
    """Course id -> folder of the courses shipped under templates/courses/."""
    if not COURSES_DIR.is_dir():
        return {}
    return {p.name: p for p in sorted(COURSES_DIR.iterdir()) if (p / "course.yaml").is_file()}


def course_folder(name_or_path: str | Path) -> Path:
    """A shipped course id or a folder holding course.yaml and questions.yaml."""
    shipped = shipped_courses()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    p = Path(name_or_path)
    if p.is_file() and p.name == "course.yaml":
        p = p.parent
    if (p / "course.yaml").is_file():
        return p
    raise DocumentError(
        str(name_or_path),
        [f"not a shipped course ({', '.join(shipped) or 'none'}) nor a folder with course.yaml"],
    )
