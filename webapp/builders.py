"""Builders for people, households and areas: used by the demo seed and by the tests.

Plain functions with sensible defaults and `**overrides`. They add to the session and flush
(so ids exist) but never commit: the caller decides the transaction.
"""

import itertools

from werkzeug.security import generate_password_hash

from .accounts.services import new_member_number
from .areas.models import Area, Membership, Role
from .extensions import db
from .households.models import Child, Household, Person

_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str) -> str:
    """Hashing is slow on purpose; builders reuse one hash per password."""
    if password not in _hash_cache:
        _hash_cache[password] = generate_password_hash(password)
    return _hash_cache[password]


def make_area(**overrides) -> Area:
    n = next(_seq)
    values = {"name": f"テスト地区{n}", "name_en": f"Test area {n}", "help_phone": "0488001234"}
    values.update(overrides)
    area = Area(**values)
    db.session.add(area)
    db.session.flush()
    return area


def make_household(area: Area | None = None, **overrides) -> Household:
    area = area or make_area()
    values = {"area_id": area.id, "postal_code": "3360967"}
    values.update(overrides)
    household = Household(**values)
    db.session.add(household)
    db.session.flush()
    return household


def make_person(
    household: Household | None = None,
    *,
    area: Area | None = None,
    role: Role | None = Role.member,
    password: str | None = "password123",  # noqa: S107  (test and demo data)
    with_household: bool = True,
    **overrides,
) -> Person:
    """A person with an account (member number and password) in `area`, in `role`.

    Pass `password=None` for an adult without an account; `with_household=False` for staff.
    """
    n = next(_seq)
    if household is None and with_household:
        household = make_household(area)
    if area is None and household is not None:
        area = db.session.get(Area, household.area_id)
    values = {
        "name": f"山田 花子{n}",
        "kana": f"ヤマダ ハナコ{n}",
        "display_name": f"はなこ{n}",
        "phone": f"0901{n % 10_000_000:07d}",
        "household_id": household.id if household else None,
    }
    if password is not None:
        values["member_number"] = new_member_number()
        values["password_hash"] = password_hash(password)
    values.update(overrides)
    person = Person(**values)
    db.session.add(person)
    db.session.flush()
    if role is not None and area is not None:
        db.session.add(Membership(person_id=person.id, area_id=area.id, role=role))
        db.session.flush()
        db.session.refresh(person, ["memberships"])
    return person


def make_child(household: Household, **overrides) -> Child:
    n = next(_seq)
    values = {
        "household_id": household.id,
        "name": f"山田 太郎{n}",
        "kana": f"ヤマダ タロウ{n}",
        "birth_year": 2021,
        "birth_month": 4,
    }
    values.update(overrides)
    child = Child(**values)
    db.session.add(child)
    db.session.flush()
    return child


def add_membership(person: Person, area: Area, role: Role = Role.member) -> Membership:
    membership = Membership(person_id=person.id, area_id=area.id, role=role)
    db.session.add(membership)
    db.session.flush()
    db.session.refresh(person, ["memberships"])
    return membership


# Registration and login cards ----------------------------------------------------------------
def make_applicant(**overrides):
    """What a resident gives when registering (registration.entries.Applicant)."""
    from .registration.entries import Applicant

    n = next(_seq)
    values = {
        "name": f"佐藤 和子{n}",
        "kana": f"サトウ カズコ{_kana_suffix(n)}",
        "display_name": f"かずこ{n}",
        "phone": f"0802{n % 10_000_000:07d}",
        "postal_code": "3360967",
        "address": f"さいたま市緑区美園{n}-1",
    }
    values.update(overrides)
    return Applicant(**values)


def _kana_suffix(n: int) -> str:
    """Distinct katakana for each builder call (readings may not contain digits)."""
    digits = "アイウエオカキクケコ"
    return "".join(digits[int(d)] for d in str(n))


def make_draft(answers: dict | None = None, *, now=None):
    """A self sign-up draft: (draft, token). Commits, as drafts are saved step by step."""
    from .clock import now as clock_now
    from .registration.drafts import save_answers, start_draft

    moment = now or clock_now()
    draft, token = start_draft(now=moment)
    for key, value in (answers or {}).items():
        save_answers(draft, key, value, now=moment)
    return draft, token


def issue_login_card(person: Person, *, actor: Person, now=None):
    """A printed login card for `person` (login_cards.services.IssuedCard). Commits."""
    from .clock import now as clock_now
    from .login_cards.services import issue_card

    return issue_card(person, actor=actor, now=now or clock_now(), identity_checked=True)
