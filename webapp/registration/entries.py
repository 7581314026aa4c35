"""What a registration is made of, whichever way it arrives (phone, desk, paper, event),
and the rules on children's birth dates that every way shares."""

from dataclasses import dataclass, field
from datetime import date

MAX_CHILD_AGE = 18  # the oldest age a child may be registered at (insurance covers 1-18)
MAX_ADULTS = 6  # other adults in one household
MAX_CHILDREN = 10

VIA = ("self", "desk", "paper", "event")
CONSENT_METHODS = ("online", "paper", "in_person")


@dataclass
class AdultEntry:
    name: str
    kana: str


@dataclass
class ChildEntry:
    name: str
    kana: str
    birth_year: int
    birth_month: int
    care_notes: str | None = None


@dataclass
class Applicant:
    """The adult who registers (and gets the account), with the household's address."""

    name: str
    kana: str
    display_name: str
    postal_code: str
    address: str
    phone: str | None = None
    email: str | None = None
    adults: list[AdultEntry] = field(default_factory=list)
    children: list[ChildEntry] = field(default_factory=list)


def child_birth_problem(year: int, month: int, *, today: date) -> str | None:
    """`birth_in_future`, `child_too_old` (over MAX_CHILD_AGE) or None.

    Age counts from the first day of the birth month, as `Child.age_on` does.
    """
    if not 1 <= month <= 12:
        return "birth_month_invalid"
    if (year, month) > (today.year, today.month):
        return "birth_in_future"
    age = today.year - year - (1 if today.month < month else 0)
    if age > MAX_CHILD_AGE:
        return "child_too_old"
    return None
