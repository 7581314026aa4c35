"""The supporters' phone follow-up list: who in an area has something waiting and can only be
told by phone.

It lists (1) members of the area without an e-mail address (everyone, when the site sends no
e-mail) who have unread notifications, with the latest few of them, and (2) the area's open
FollowUpCall rows (e.g. guests who signed up for an event without an account). One query feeds
each part, whatever the size; the HTML page and the PDF use the same rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update

from ..areas.models import Membership
from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from .models import FollowUpCall, Notification
from .services import email_enabled, wording

LATEST_PER_PERSON = 3
MAX_PEOPLE = 500


@dataclass
class Waiting:
    person: Person
    unread: int
    latest: list[Notification] = field(default_factory=list)


def people_to_phone(area_id: int) -> list[Waiting]:
    counts = (
        select(
            Notification.person_id,
            func.count(Notification.id).label("unread"),
            func.max(Notification.id).label("last_id"),
        )
        .where(
            Notification.read_at.is_(None),
            Notification.person_id.in_(
                select(Membership.person_id).where(Membership.area_id == area_id)
            ),
        )
        .group_by(Notification.person_id)
        .subquery()
    )
    query = (
        select(Person, counts.c.unread, counts.c.last_id)
        .join(counts, counts.c.person_id == Person.id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.area_id == area_id)
        .order_by(Person.kana, Person.id)
        .limit(MAX_PEOPLE)
    )
    if email_enabled():
        query = query.where(or_(Person.email.is_(None), Person.email == ""))
    rows = db.session.execute(query).all()
    waiting = {person.id: Waiting(person=person, unread=unread) for person, unread, _last in rows}
    if not waiting:
        return []
    numbered = (
        select(
            Notification.id,
            func.row_number()
            .over(partition_by=Notification.person_id, order_by=Notification.id.desc())
            .label("n"),
        )
        .where(Notification.read_at.is_(None), Notification.person_id.in_(list(waiting)))
        .subquery()
    )
    latest = db.session.scalars(
        select(Notification)
        .join(numbered, numbered.c.id == Notification.id)
        .where(numbered.c.n <= LATEST_PER_PERSON)
        .order_by(Notification.person_id, Notification.id.desc())
    )
    for notification in latest:
        waiting[notification.person_id].latest.append(notification)
    return list(waiting.values())


def open_calls(area_id: int) -> list[FollowUpCall]:
    return list(
        db.session.scalars(
            select(FollowUpCall)
            .where(FollowUpCall.area_id == area_id, FollowUpCall.done_at.is_(None))
            .order_by(FollowUpCall.id)
            .limit(MAX_PEOPLE)
        )
    )


def subject_of(item) -> str:
    """What a notification or a call is about, in the current language."""
    return wording(item.kind, item.data or {})[0]


def mark_call_done(call: FollowUpCall, *, actor, now: datetime) -> None:
    """A supporter phoned: the call leaves the list. Commits."""
    call.done_at, call.done_by_id = now, actor.id
    log_action(actor, "follow_up.call_done", call, area_id=call.area_id)
    db.session.commit()


def mark_told_by_phone(person: Person, *, area_id: int, actor, up_to_id: int, now: datetime) -> int:
    """A supporter told `person` by phone about what was waiting (up to the notification they
    saw on the list): those notifications count as read. Commits. Returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.person_id == person.id,
            Notification.read_at.is_(None),
            Notification.id <= up_to_id,
        )
        .values(read_at=now)
    )
    log_action(
        actor, "follow_up.told_by_phone", person, on_behalf_of=person, area_id=area_id,
        notifications=result.rowcount,
    )  # fmt: skip
    db.session.commit()
    return result.rowcount
