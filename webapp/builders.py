"""Builders for people, households and areas: used by the demo seed and by the tests.

Plain functions with sensible defaults and `**overrides`. They add to the session and flush
(so ids exist) but never commit: the caller decides the transaction.
"""

import itertools
from datetime import datetime, time, timedelta

from werkzeug.security import generate_password_hash

from . import clock
from .accounts.services import new_member_number
from .areas.models import Area, Membership, Role
from .events.models import CapacityUnit, Event, EventStatus, Signup, SignupSource, SignupStatus
from .events.signups import new_code
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


def make_training_module(area: Area, **overrides):
    from .supporters.models import TrainingModule

    n = next(_seq)
    values = {"area_id": area.id, "name": f"研修{n}", "name_en": f"Training {n}", "position": n}
    values.update(overrides)
    module = TrainingModule(**values)
    db.session.add(module)
    db.session.flush()
    return module


def make_training_record(person: Person, module, **overrides):
    """A completed training module (today by default)."""
    from .clock import today
    from .supporters.models import TrainingRecord

    values = {"person_id": person.id, "module_id": module.id, "completed_on": today()}
    values.update(overrides)
    record = TrainingRecord(**values)
    db.session.add(record)
    db.session.flush()
    return record


def make_event(area: Area | None = None, **overrides):
    """A published event two weeks from now, 10:00–12:00 in the town, for 10 families."""
    n = next(_seq)
    area = area or make_area()
    day = clock.today() + timedelta(days=14)
    values = {
        "area_id": area.id,
        "status": EventStatus.published,
        "title": f"親子ふれあい交流会{n}",
        "venue": "美園コミュニティセンター 2階 和室",
        "address": "さいたま市緑区美園4-19-1",
        "starts_at": datetime.combine(day, time(10, 0), tzinfo=clock.TOWN_TZ),
        "ends_at": datetime.combine(day, time(12, 0), tzinfo=clock.TOWN_TZ),
        "audience": "0〜3歳の子どもと保護者",
        "capacity": 10,
        "capacity_unit": CapacityUnit.groups,
        "fee_yen": 0,
    }
    values.update(overrides)
    event = Event(**values)
    db.session.add(event)
    db.session.flush()
    return event


def make_signup(event, **overrides):
    """A signup row as it is stored (confirmed by default), without the capacity rules: for
    tests and the demo. Real signups go through events.signups.sign_up."""
    n = next(_seq)
    values = {
        "event_id": event.id,
        "code": new_code(),
        "status": SignupStatus.confirmed,
        "source": SignupSource.online,
        "name": f"佐藤 美咲{n}",
        "kana": f"サトウ ミサキ{n}",
        "phone": f"0802{n % 10_000_000:07d}",
        "adults": 1,
        "children": 1,
        "children_ages": [2],
    }
    values.update(overrides)
    signup = Signup(**values)
    db.session.add(signup)
    db.session.flush()
    return signup


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


# Asking and helping ---------------------------------------------------------------------------
def make_connection(first: Person, second: Person, **overrides):
    """Connect two people directly (no invitation, no notification)."""
    from .connections.models import Connection

    low, high = sorted((first.id, second.id))
    values = {"person_a_id": low, "person_b_id": high, "method": "code"}
    values.update(overrides)
    connection = Connection(**values)
    db.session.add(connection)
    db.session.flush()
    return connection


def make_help_request(requester: Person, *, children=(), start_at=None, hours=2, **overrides):
    """An open request of `requester` (childcare, for their connections, in two days)."""
    from datetime import timedelta

    from .clock import now
    from .help_requests.models import Audience, HelpRequest, RequestKind

    n = next(_seq)
    if start_at is None:
        start_at = (now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    household = db.session.get(Household, requester.household_id)
    values = {
        "area_id": household.area_id,
        "requester_id": requester.id,
        "household_id": household.id,
        "kind": RequestKind.childcare,
        "title": f"保育園のお迎え{n}",
        "start_at": start_at,
        "end_at": start_at + timedelta(hours=hours),
        "audience": Audience.connections,
        "created_by_id": requester.id,
    }
    values.update(overrides)
    help_request = HelpRequest(**values, children=list(children))
    db.session.add(help_request)
    db.session.flush()
    return help_request


def make_offer(person: Person, **overrides):
    """An active offer (できること) of `person` in their home area."""
    from .help_requests.models import RequestKind
    from .offers.models import Offer

    n = next(_seq)
    household = db.session.get(Household, person.household_id) if person.household_id else None
    values = {
        "person_id": person.id,
        "area_id": household.area_id if household else person.memberships[0].area_id,
        "kind": RequestKind.pickup,
        "title": f"平日夕方のお迎え{n}",
        "description": "保育園から自宅までお送りします。",
        "times": "17:00〜19:00",
    }
    values.update(overrides)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.flush()
    return offer
