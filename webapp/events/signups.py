"""Signing up, capacity, the waitlist, cancelling and promotion.

Rules:
- Places are counted from the confirmed signup rows, never from a counter, inside one
  transaction that holds a lock: the event's row (SELECT ... FOR UPDATE) on PostgreSQL; on
  SQLite every POST request already began with BEGIN IMMEDIATE (see webapp/db.py), so only one
  writer counts at a time. Outside a request, call these inside `write_transaction()`.
- A signup takes one place per family (events counted in 組) or one per person (人).
- When the places are taken, or someone is already waiting, a new signup joins the waitlist:
  first come, first served.
- A cancellation or a capacity increase promotes waiting signups in order of arrival while
  the next one fits (it is never skipped for a smaller family behind it); each promoted person
  is told (notices.tell). Nobody is promoted once the event has started.
- The same person, household or phone number cannot hold two active signups for one event
  (checked here, and enforced by partial unique indexes).

Error codes: `not_open`, `deadline_passed`, `already_started`, `already_signed_up`,
`party_too_large`, `not_found`, `already_cancelled`.
"""

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from ..text import strip_separators
from . import notices
from .errors import EventError
from .models import CapacityUnit, Event, EventStatus, Signup, SignupSource, SignupStatus

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes: 0/O, 1/I, 2/Z, 5/S, 8/B
CODE_LENGTH = 6
STAFF_SOURCES = (SignupSource.phone, SignupSource.desk)


@dataclass
class Party:
    """Who comes: one family (or group), as given on the form or taken from a household."""

    name: str
    kana: str | None = None
    phone: str | None = None
    email: str | None = None
    adults: int = 1
    children: int = 0
    children_ages: list[int] = field(default_factory=list)
    childcare_needed: bool = False
    allergies: str | None = None
    accessibility: str | None = None
    wants_membership: bool = False
    locale: str = "ja"


def party_for_member(person: Person, event: Event, *, locale: str = "ja") -> Party:
    """A member's whole household: its adults, its children and their ages on the day."""
    household = person.household
    adults = len(household.adults) if household else 1
    kids = household.children if household else []
    day = event.starts_at.astimezone(clock.TOWN_TZ).date()
    return Party(
        name=person.name,
        kana=person.kana,
        phone=person.phone,
        adults=max(adults, 1),
        children=len(kids),
        children_ages=sorted(max(child.age_on(day), 0) for child in kids),
        locale=person.locale or locale,
    )


def normalize_code(code: str | None) -> str:
    return strip_separators(code).upper()


# The statements of the signup path are built once (building one costs about as much as
# running it): each takes the event (or code) as a parameter.
_CODE_TAKEN = select(Signup.id).where(Signup.code == bindparam("code"))
_LOCKED_EVENT = (
    select(Event)
    .where(Event.id == bindparam("event_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _seat(unit: CapacityUnit):
    return (Signup.adults + Signup.children) if unit is CapacityUnit.people else literal(1)


_SEATS_TAKEN = {
    unit: select(func.coalesce(func.sum(_seat(unit)), 0)).where(
        Signup.event_id == bindparam("event_id"), Signup.status == SignupStatus.confirmed
    )
    for unit in CapacityUnit
}
# Places taken and how many wait, in one query.
_TAKEN_AND_WAITING = {
    unit: select(
        func.coalesce(
            func.sum(case((Signup.status == SignupStatus.confirmed, _seat(unit)), else_=0)), 0
        ),
        func.count(case((Signup.status == SignupStatus.waitlisted, 1))),
    ).where(
        Signup.event_id == bindparam("event_id"),
        Signup.status.in_([SignupStatus.confirmed, SignupStatus.waitlisted]),
    )
    for unit in CapacityUnit
}


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(_CODE_TAKEN, {"code": code}) is None:
            return code


def lock_event(event: Event) -> Event:
    """The event re-read under its row lock (a no-op clause on SQLite, see the module doc)."""
    return db.session.scalars(_LOCKED_EVENT, {"event_id": event.id}).one()


def seats_taken(event: Event, *, unit: CapacityUnit | None = None) -> int:
    """Places taken by confirmed signups (counted in `unit`, by default the event's)."""
    unit = unit or event.capacity_unit
    return db.session.scalar(_SEATS_TAKEN[unit], {"event_id": event.id})


def _taken_and_waiting(event: Event) -> tuple[int, int]:
    """Places taken by confirmed signups (in the event's unit), and signups waiting."""
    taken, waiting = db.session.execute(
        _TAKEN_AND_WAITING[event.capacity_unit], {"event_id": event.id}
    ).one()
    return taken, waiting


def signups_open(event: Event, *, now: datetime | None = None) -> bool:
    """Whether the public may sign up right now."""
    try:
        check_open(event, now=now or clock.now(), staff=False)
    except EventError:
        return False
    return True


def check_open(event: Event, *, now: datetime, staff: bool) -> None:
    """Staff may still add phone and desk signups after the deadline or once closed."""
    if event.status is EventStatus.published or (staff and event.status is EventStatus.closed):
        pass
    else:
        raise EventError("not_open")
    if now >= (event.ends_at if staff else event.starts_at):
        raise EventError("already_started")
    deadline = event.signup_deadline
    if not staff and deadline and now.astimezone(clock.TOWN_TZ).date() > deadline:
        raise EventError("deadline_passed")


def _already_signed_up(event: Event, person: Person | None, phone: str | None) -> bool:
    same = []
    if person is not None:
        same.append(Signup.person_id == person.id)
        if person.household_id:
            household = select(Person.id).where(Person.household_id == person.household_id)
            same.append(Signup.person_id.in_(household))
    if phone:
        same.append(Signup.phone == phone)
    if not same:
        return False
    query = select(Signup.id).where(
        Signup.event_id == event.id, Signup.status != SignupStatus.cancelled, or_(*same)
    )
    return db.session.scalar(query.limit(1)) is not None


def sign_up(
    event: Event,
    *,
    party: Party,
    source: SignupSource,
    actor: Person | None,
    person: Person | None = None,
    now: datetime | None = None,
) -> Signup:
    """A confirmed place when one is free and nobody waits, else a place on the waitlist.

    `person` is the member the signup belongs to (None for a guest); `actor` who did it (the
    member, a staff member for phone and desk signups, None for a guest).
    """
    now = now or clock.now()
    event = lock_event(event)
    check_open(event, now=now, staff=source in STAFF_SOURCES)
    if _already_signed_up(event, person, party.phone):
        raise EventError("already_signed_up")
    seats = event.seats_for(party.adults, party.children)
    if seats > event.capacity:
        raise EventError("party_too_large")
    taken, waiting = _taken_and_waiting(event)
    fits = taken + seats <= event.capacity
    status = SignupStatus.confirmed if fits and not waiting else SignupStatus.waitlisted
    signup = _new_signup(event, party, status=status, source=source, person=person, actor=actor)
    signup.created_at = now
    flush_or_duplicate()
    log_action(
        actor,
        "event.signed_up",
        signup,
        on_behalf_of=person if person is not None and actor is not person else None,
        area_id=event.area_id,
        event_id=event.id,
        status=status.value,
        source=source.value,
    )
    notices.confirm_by_email(signup, signup.status.label)
    db.session.commit()
    return signup


def _new_signup(event, party: Party, *, status, source, person, actor) -> Signup:
    signup = Signup(
        event=event,
        code=new_code(),
        status=status,
        source=source,
        person=person,
        entered_by_id=actor.id if actor is not None and actor is not person else None,
        name=party.name,
        kana=party.kana,
        phone=party.phone,
        email=party.email,
        adults=party.adults,
        children=party.children,
        children_ages=list(party.children_ages),
        childcare_needed=party.childcare_needed and event.childcare_available,
        allergies=party.allergies,
        accessibility=party.accessibility,
        wants_membership=party.wants_membership,
        locale=party.locale,
    )
    db.session.add(signup)
    return signup


def flush_or_duplicate() -> None:
    """The partial unique indexes are the last word on duplicates."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise EventError("already_signed_up") from None


def promote_waitlist(event: Event, *, actor: Person | None, now: datetime) -> list[Signup]:
    """Confirm waiting signups in order of arrival while the next one fits. Caller commits,
    holding the event's lock."""
    if event.status not in (EventStatus.published, EventStatus.closed) or now >= event.starts_at:
        return []
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return []
    waiting = db.session.scalars(
        select(Signup)
        .options(selectinload(Signup.person))
        .where(Signup.event_id == event.id, Signup.status == SignupStatus.waitlisted)
        .order_by(Signup.id)  # ids are handed out under the lock: the order of arrival
        .limit(free)  # each signup takes at least one place
    )
    promoted = []
    for signup in waiting:
        seats = event.seats_for(signup.adults, signup.children)
        if seats > free:
            break
        signup.status = SignupStatus.confirmed
        signup.promoted_at = now
        free -= seats
        log_action(actor, "event.signup_promoted", signup, area_id=event.area_id, event_id=event.id)
        notices.tell(signup, notices.PROMOTED)
        promoted.append(signup)
    return promoted


def cancel_signup(
    signup: Signup, *, actor: Person | None, now: datetime | None = None
) -> list[Signup]:
    """Cancel one signup and promote whoever now fits. Returns the promoted signups."""
    now = now or clock.now()
    event = lock_event(signup.event)
    db.session.refresh(signup)
    if signup.status is SignupStatus.cancelled:
        raise EventError("already_cancelled")
    signup.status = SignupStatus.cancelled
    signup.cancelled_at = now
    signup.cancelled_by_id = actor.id if actor is not None else None
    log_action(
        actor,
        "event.signup_cancelled",
        signup,
        on_behalf_of=signup.person if actor is not None and actor is not signup.person else None,
        area_id=event.area_id,
        event_id=event.id,
    )
    promoted = promote_waitlist(event, actor=actor, now=now)
    db.session.commit()
    return promoted


def find_for_cancelling(code: str, phone: str | None, *, now: datetime | None = None) -> Signup:
    """The active signup with this code and phone number, before the event starts.

    A wrong code and a wrong phone number give the same answer (`not_found`).
    """
    now = now or clock.now()
    signup = db.session.scalar(
        select(Signup)
        .options(selectinload(Signup.event))
        .where(Signup.code == normalize_code(code))
    )
    if (
        signup is None
        or not signup.phone
        or not hmac.compare_digest(signup.phone, phone or "")
        or signup.status is SignupStatus.walk_in
    ):
        raise EventError("not_found")
    if signup.status is SignupStatus.cancelled:
        raise EventError("already_cancelled")
    if now >= signup.event.starts_at:
        raise EventError("already_started")
    return signup


def cancel_by_code(code: str, phone: str | None, *, now: datetime | None = None) -> Signup:
    """A guest (or anyone with the code and the phone number) cancels without an account."""
    signup = find_for_cancelling(code, phone, now=now)
    cancel_signup(signup, actor=signup.person, now=now)
    return signup


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first in line; None when the signup is not waiting."""
    if signup.status is not SignupStatus.waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count(Signup.id)).where(
            Signup.event_id == signup.event_id,
            Signup.status == SignupStatus.waitlisted,
            Signup.id < signup.id,
        )
    )
    return ahead + 1
