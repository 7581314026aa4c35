"""Builders for people, households and areas: used by the demo seed, the scale seed and the
tests.

Plain functions with sensible defaults and `**overrides`. Each `make_x()` takes its column
values from a plain `x_values()` function, then adds the object to the session and flushes (so
ids exist) but never commits: the caller decides the transaction. The scale seed
(webapp/scale) calls the same `x_values()` functions and inserts the rows in bulk, so that test,
demo and scale data are built by one piece of code.
"""

import itertools
from datetime import datetime, time, timedelta

from werkzeug.security import generate_password_hash

from . import clock
from .accounts.services import new_member_number
from .areas.models import Area, Membership, Role
from .connections.models import Connection
from .events.models import CapacityUnit, Event, EventStatus, Signup, SignupSource, SignupStatus
from .events.signups import new_code
from .extensions import db
from .help_requests.models import Audience, HelpRequest, OfferStatus, RequestKind
from .households.models import Child, Household, Person
from .offers.models import Offer
from .supporters.models import TrainingModule, TrainingRecord

_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str) -> str:
    """Hashing is slow on purpose; builders reuse one hash per password."""
    if password not in _hash_cache:
        _hash_cache[password] = generate_password_hash(password)
    return _hash_cache[password]


def _added(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def area_values(**overrides) -> dict:
    n = next(_seq)
    values = {"name": f"テスト地区{n}", "name_en": f"Test area {n}", "help_phone": "0488001234"}
    values.update(overrides)
    return values


def make_area(**overrides) -> Area:
    return _added(Area(**area_values(**overrides)))


def household_values(area_id: int, **overrides) -> dict:
    values = {"area_id": area_id, "postal_code": "3360967"}
    values.update(overrides)
    return values


def make_household(area: Area | None = None, **overrides) -> Household:
    area = area or make_area()
    return _added(Household(**household_values(area.id, **overrides)))


def person_values(
    household_id: int | None,
    *,
    password: str | None = "password123",  # noqa: S107  (test and demo data)
    n: int | None = None,
    **overrides,
) -> dict:
    """An adult's columns; with a password, an account (a fresh member number unless given)."""
    n = next(_seq) if n is None else n
    values = {
        "name": f"山田 花子{n}",
        "kana": f"ヤマダ ハナコ{n}",
        "display_name": f"はなこ{n}",
        "phone": f"0901{n % 10_000_000:07d}",
        "household_id": household_id,
    }
    if password is not None:
        if "member_number" not in overrides:  # drawing one reads the table: only when needed
            values["member_number"] = new_member_number()
        values["password_hash"] = password_hash(password)
    values.update(overrides)
    return values


def membership_values(person_id: int, area_id: int, role: Role = Role.member, **overrides) -> dict:
    values = {"person_id": person_id, "area_id": area_id, "role": role}
    values.update(overrides)
    return values


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
    values = person_values(household.id if household else None, password=password, n=n, **overrides)
    person = _added(Person(**values))
    if role is not None and area is not None:
        joined = {"created_at": overrides["created_at"]} if "created_at" in overrides else {}
        _added(Membership(**membership_values(person.id, area.id, role, **joined)))
        db.session.refresh(person, ["memberships"])
    return person


def child_values(household_id: int, **overrides) -> dict:
    n = next(_seq)
    values = {
        "household_id": household_id,
        "name": f"山田 太郎{n}",
        "kana": f"ヤマダ タロウ{n}",
        "birth_year": 2021,
        "birth_month": 4,
    }
    values.update(overrides)
    return values


def make_child(household: Household, **overrides) -> Child:
    return _added(Child(**child_values(household.id, **overrides)))


def add_membership(person: Person, area: Area, role: Role = Role.member) -> Membership:
    membership = _added(Membership(**membership_values(person.id, area.id, role)))
    db.session.refresh(person, ["memberships"])
    return membership


def training_module_values(area_id: int, **overrides) -> dict:
    n = next(_seq)
    values = {"area_id": area_id, "name": f"研修{n}", "name_en": f"Training {n}", "position": n}
    values.update(overrides)
    return values


def make_training_module(area: Area, **overrides):
    return _added(TrainingModule(**training_module_values(area.id, **overrides)))


def training_record_values(person_id: int, module_id: int, **overrides) -> dict:
    """A completed training module (today by default)."""
    values = {"person_id": person_id, "module_id": module_id}
    if "completed_on" not in overrides:
        values["completed_on"] = clock.today()
    values.update(overrides)
    return values


def make_training_record(person: Person, module, **overrides):
    """A completed training module (today by default)."""
    return _added(TrainingRecord(**training_record_values(person.id, module.id, **overrides)))


def make_event(area: Area | None = None, **overrides):
    """A published event two weeks from now, 10:00–12:00 in the town, for 10 families."""
    n = next(_seq)
    area = area or make_area()
    return _added(Event(**event_values(area.id, n=n, **overrides)))


def event_values(area_id: int, *, n: int | None = None, **overrides) -> dict:
    """The columns of `make_event`'s event."""
    n = next(_seq) if n is None else n
    day = clock.today() + timedelta(days=14)
    values = {
        "area_id": area_id,
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
    return values


def make_signup(event, **overrides):
    """A signup row as it is stored (confirmed by default), without the capacity rules: for
    tests and the demo. Real signups go through events.signups.sign_up."""
    return _added(Signup(**signup_values(event.id, **overrides)))


def signup_values(event_id: int, **overrides) -> dict:
    n = next(_seq)
    values = {
        "event_id": event_id,
        "status": SignupStatus.confirmed,
        "source": SignupSource.online,
        "name": f"佐藤 美咲{n}",
        "kana": f"サトウ ミサキ{n}",
        "phone": f"0802{n % 10_000_000:07d}",
        "adults": 1,
        "children": 1,
        "children_ages": [2],
    }
    if "code" not in overrides:  # drawing one reads the table: only when needed
        values["code"] = new_code()
    values.update(overrides)
    return values


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
def connection_values(first_id: int, second_id: int, **overrides) -> dict:
    low, high = sorted((first_id, second_id))
    values = {"person_a_id": low, "person_b_id": high, "method": "code"}
    values.update(overrides)
    return values


def make_connection(first: Person, second: Person, **overrides):
    """Connect two people directly (no invitation, no notification)."""
    return _added(Connection(**connection_values(first.id, second.id, **overrides)))


def help_request_values(
    requester_id: int,
    *,
    area_id: int,
    household_id: int,
    start_at=None,
    hours=2,
    n: int | None = None,
    **overrides,
) -> dict:
    """An open request (childcare, for the requester's connections, in two days)."""
    n = next(_seq) if n is None else n
    if start_at is None:
        start_at = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    values = {
        "area_id": area_id,
        "requester_id": requester_id,
        "household_id": household_id,
        "kind": RequestKind.childcare,
        "title": f"保育園のお迎え{n}",
        "start_at": start_at,
        "end_at": start_at + timedelta(hours=hours),
        "audience": Audience.connections,
        "created_by_id": requester_id,
    }
    values.update(overrides)
    return values


def make_help_request(requester: Person, *, children=(), start_at=None, hours=2, **overrides):
    """An open request of `requester` (childcare, for their connections, in two days)."""
    n = next(_seq)
    if start_at is None:
        start_at = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    household = db.session.get(Household, requester.household_id)
    values = help_request_values(
        requester.id,
        area_id=household.area_id,
        household_id=household.id,
        start_at=start_at,
        hours=hours,
        n=n,
        **overrides,
    )
    return _added(HelpRequest(**values, children=list(children)))


def help_offer_values(help_request_id: int, helper_id: int, **overrides) -> dict:
    """Someone offering to help with a request (waiting for the requester's choice)."""
    values = {
        "help_request_id": help_request_id,
        "helper_id": helper_id,
        "status": OfferStatus.offered,
    }
    values.update(overrides)
    return values


def thread_values(help_request_id: int, helper_id: int, **overrides) -> dict:
    """The conversation between a requester and one person who offered."""
    values = {"help_request_id": help_request_id, "helper_id": helper_id}
    values.update(overrides)
    return values


def message_values(thread_id: int, author_id: int, **overrides) -> dict:
    values = {"thread_id": thread_id, "author_id": author_id, "body": "よろしくお願いします。"}
    values.update(overrides)
    return values


def activity_report_values(help_request_id: int, *, started_at, ended_at, **overrides) -> dict:
    """The helper's report of what happened (not yet confirmed by the requester)."""
    values = {
        "help_request_id": help_request_id,
        "started_at": started_at,
        "ended_at": ended_at,
        "thank_you_yen": 0,
    }
    values.update(overrides)
    return values


def offer_values(person_id: int, area_id: int, **overrides) -> dict:
    """An active offer (できること)."""
    n = next(_seq)
    values = {
        "person_id": person_id,
        "area_id": area_id,
        "kind": RequestKind.pickup,
        "title": f"平日夕方のお迎え{n}",
        "description": "保育園から自宅までお送りします。",
        "times": "17:00〜19:00",
    }
    values.update(overrides)
    return values


def make_offer(person: Person, **overrides):
    """An active offer (できること) of `person` in their home area."""
    household = db.session.get(Household, person.household_id) if person.household_id else None
    area_id = household.area_id if household else person.memberships[0].area_id
    return _added(Offer(**offer_values(person.id, area_id, **overrides)))
