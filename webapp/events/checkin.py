"""At the door: checking people in (and undoing it), walk-ins, and attendance keyed in from
the paper signup sheet afterwards.

Rules:
- Checking in twice is harmless: the first time counts, the second changes nothing. Both use
  a conditional UPDATE, so two phones tapping the same name at once record one check-in.
- Anyone with an active signup can be checked in (a waiting family that turns up and finds
  room is let in at the door's discretion); cancelled signups cannot.
- A walk-in is recorded as checked in straight away, never counts against capacity, and can
  ask to register as a member (`wants_membership`), for the help desk to follow up.
- Keying in from paper sets exactly the ticked signups as attended.

Error codes: `cannot_check_in`, `not_open`, `already_signed_up` (details: signup).
"""

from datetime import datetime

from sqlalchemy import select, update

from .. import clock
from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from ..reports import tally
from .errors import EventError
from .models import Event, EventStatus, Signup, SignupSource, SignupStatus
from .signups import Party, flush_or_duplicate, new_code

DOOR = "door"
PAPER = "paper"


def check_in(
    signup: Signup, *, actor: Person, now: datetime | None = None, method: str = DOOR
) -> bool:
    """Mark the signup as arrived. False when it already was (nothing changes)."""
    if signup.status is SignupStatus.cancelled:
        raise EventError("cannot_check_in")
    result = db.session.execute(
        update(Signup)
        .where(Signup.id == signup.id, Signup.checked_in_at.is_(None))
        .values(checked_in_at=now or clock.now(), checked_in_by_id=actor.id, check_in_method=method)
    )
    changed = result.rowcount == 1
    if changed:
        tally.attendance_changed(
            db.session.connection(), signup.event_id, people=signup.people, groups=1
        )
        log_action(
            actor,
            "event.checked_in",
            signup,
            area_id=signup.event.area_id,
            event_id=signup.event_id,
            method=method,
        )
    db.session.commit()
    db.session.refresh(signup)
    return changed


def undo_check_in(signup: Signup, *, actor: Person) -> bool:
    """Take back a check-in made by mistake. False when there was none."""
    result = db.session.execute(
        update(Signup)
        .where(Signup.id == signup.id, Signup.checked_in_at.is_not(None))
        .values(checked_in_at=None, checked_in_by_id=None, check_in_method=None)
    )
    changed = result.rowcount == 1
    if changed:
        tally.attendance_changed(
            db.session.connection(), signup.event_id, people=-signup.people, groups=-1
        )
        log_action(
            actor,
            "event.check_in_undone",
            signup,
            area_id=signup.event.area_id,
            event_id=signup.event_id,
        )
    db.session.commit()
    db.session.refresh(signup)
    return changed


def add_walk_in(
    event: Event, *, party: Party, actor: Person, now: datetime | None = None
) -> Signup:
    """Someone who came without signing up: recorded and checked in at once."""
    now = now or clock.now()
    if event.status not in (EventStatus.published, EventStatus.closed):
        raise EventError("not_open")
    if party.phone:
        existing = db.session.scalar(
            select(Signup).where(
                Signup.event_id == event.id,
                Signup.phone == party.phone,
                Signup.status != SignupStatus.cancelled,
            )
        )
        if existing is not None:
            raise EventError("already_signed_up", signup=existing)
    signup = Signup(
        event=event,
        code=new_code(),
        status=SignupStatus.walk_in,
        source=SignupSource.walk_in,
        entered_by_id=actor.id,
        name=party.name,
        kana=party.kana,
        phone=party.phone,
        adults=party.adults,
        children=party.children,
        children_ages=list(party.children_ages),
        wants_membership=party.wants_membership,
        locale=party.locale,
        created_at=now,
        checked_in_at=now,
        checked_in_by_id=actor.id,
        check_in_method=DOOR,
    )
    db.session.add(signup)
    flush_or_duplicate()
    log_action(
        actor,
        "event.walk_in_added",
        signup,
        area_id=event.area_id,
        event_id=event.id,
        wants_membership=party.wants_membership,
    )
    db.session.commit()
    return signup


def key_in_attendance(
    event: Event, attended_ids: set[int], *, actor: Person, now: datetime | None = None
) -> tuple[int, int]:
    """Set attendance from the ticked boxes of the paper sheet. Returns (added, removed)."""
    now = now or clock.now()
    active = db.session.scalars(
        select(Signup).where(Signup.event_id == event.id, Signup.status != SignupStatus.cancelled)
    )
    added = removed = 0
    for signup in active:
        if signup.id in attended_ids and signup.checked_in_at is None:
            signup.checked_in_at = now
            signup.checked_in_by_id = actor.id
            signup.check_in_method = PAPER
            added += 1
        elif signup.id not in attended_ids and signup.checked_in_at is not None:
            signup.checked_in_at = None
            signup.checked_in_by_id = None
            signup.check_in_method = None
            removed += 1
    if added or removed:
        log_action(
            actor,
            "event.attendance_keyed_in",
            event,
            area_id=event.area_id,
            added=added,
            removed=removed,
        )
    db.session.commit()
    return added, removed
