"""Running events: creating, editing, publishing, closing, cancelling and copying them, their
picture, the supporters allowed to help, and the note written afterwards.

The states (an explicit table, applied by `change_status` only):

    draft ──► published ◄──► closed        (closed: no more public signups)
      │           │            │
      └───────────┴────────────┴──► cancelled   (everyone signed up is told)

Error codes: `bad_transition`, `already_ended`, `capacity_below_taken` (details: taken),
`not_a_supporter`, `already_staff`, `person_not_found`, `person_ambiguous`, `not_staff`,
`not_an_image`, `image_too_large`.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.services import people_for_identifier
from ..areas.models import Area, Role
from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from . import notices, pictures
from .errors import EventError
from .models import Event, EventStaff, EventStatus, Signup, SignupStatus
from .signups import lock_event, promote_waitlist, seats_taken

TRANSITIONS = {
    EventStatus.draft: {EventStatus.published, EventStatus.cancelled},
    EventStatus.published: {EventStatus.closed, EventStatus.cancelled},
    EventStatus.closed: {EventStatus.published, EventStatus.cancelled},
    EventStatus.cancelled: set(),
}
# The order of the buttons on the staff page: the one that cannot be undone comes last.
BUTTON_ORDER = (EventStatus.published, EventStatus.closed, EventStatus.cancelled)
# The fields a coordinator fills in (forms.EventForm.values() gives exactly these).
FIELDS = (
    "title",
    "description",
    "venue",
    "address",
    "starts_at",
    "ends_at",
    "audience",
    "capacity",
    "capacity_unit",
    "fee_yen",
    "childcare_available",
    "what_to_bring",
    "signup_deadline",
    "contact_phone",
    "organiser",
)


def create_event(area: Area, *, actor: Person, **values) -> Event:
    """A new event in `area`, as a draft."""
    event = Event(area_id=area.id, status=EventStatus.draft, created_by_id=actor.id)
    for name in FIELDS:
        setattr(event, name, values[name])
    db.session.add(event)
    log_action(actor, "event.created", event, area_id=area.id, title=event.title)
    db.session.commit()
    return event


def update_event(
    event: Event, *, actor: Person, now: datetime | None = None, **values
) -> list[Signup]:
    """Change the details. More places promote the waitlist; fewer than already taken is
    refused. Returns the signups promoted."""
    now = now or clock.now()
    event = lock_event(event)
    changes_count = (values["capacity"], values["capacity_unit"]) != (
        event.capacity,
        event.capacity_unit,
    )
    if changes_count:
        taken = seats_taken(event, unit=values["capacity_unit"])
        if values["capacity"] < taken:
            raise EventError("capacity_below_taken", taken=taken)
    changed = sorted(name for name in FIELDS if getattr(event, name) != values[name])
    for name in changed:
        setattr(event, name, values[name])
    promoted = []
    if changed:
        event.updated_at = now
        log_action(actor, "event.updated", event, area_id=event.area_id, changed=changed)
        promoted = promote_waitlist(event, actor=actor, now=now) if changes_count else []
    db.session.commit()
    return promoted


def change_status(
    event: Event, to: EventStatus, *, actor: Person, now: datetime | None = None
) -> Event:
    """Apply one allowed transition. Cancelling tells everyone signed up or waiting."""
    now = now or clock.now()
    event = lock_event(event)
    if to not in TRANSITIONS[event.status]:
        raise EventError("bad_transition")
    if to is EventStatus.published and now >= event.ends_at:
        raise EventError("already_ended")
    before = event.status
    event.status = to
    event.updated_at = now
    if to is EventStatus.published and event.published_at is None:
        event.published_at = now
    log_action(actor, "event.status_changed", event, area_id=event.area_id, to=to, before=before)
    if to is EventStatus.cancelled:
        _tell_everyone_cancelled(event)
    elif to is EventStatus.published:
        promote_waitlist(event, actor=actor, now=now)
    db.session.commit()
    return event


def _tell_everyone_cancelled(event: Event) -> None:
    waiting_or_coming = db.session.scalars(
        select(Signup)
        .options(selectinload(Signup.person))
        .where(
            Signup.event_id == event.id,
            Signup.status.in_([SignupStatus.confirmed, SignupStatus.waitlisted]),
        )
        .order_by(Signup.id)
    )
    for signup in waiting_or_coming:
        notices.tell(signup, notices.EVENT_CANCELLED)


def copy_event(event: Event, *, actor: Person, starts_on: date) -> Event:
    """A new draft with the same details on another day (same times; deadline as many days
    before). The picture is copied too."""
    shift = starts_on - event.starts_at.astimezone(clock.TOWN_TZ).date()
    copy = Event(
        area_id=event.area_id,
        status=EventStatus.draft,
        created_by_id=actor.id,
        copied_from_id=event.id,
    )
    for name in FIELDS:
        setattr(copy, name, getattr(event, name))
    copy.starts_at = _shift_local(event.starts_at, shift)
    copy.ends_at = _shift_local(event.ends_at, shift)
    if event.signup_deadline:
        copy.signup_deadline = event.signup_deadline + shift
    source = pictures.path_of(event.picture_file)
    if source is not None:
        copy.picture_file = pictures.store(source.read_bytes())
    db.session.add(copy)
    log_action(actor, "event.copied", copy, area_id=event.area_id, copied_from=event.id)
    db.session.commit()
    return copy


def _shift_local(moment: datetime, shift: timedelta) -> datetime:
    """Same wall-clock time in the town, `shift` days later."""
    local = moment.astimezone(clock.TOWN_TZ)
    return (local.replace(tzinfo=None) + shift).replace(tzinfo=clock.TOWN_TZ)


def set_picture(event: Event, data: bytes, *, actor: Person) -> None:
    """Re-encode and store an uploaded picture, replacing the old one."""
    name = pictures.store(data)
    old = event.picture_file
    event.picture_file = name
    log_action(actor, "event.picture_set", event, area_id=event.area_id)
    db.session.commit()
    pictures.delete(old)


def remove_picture(event: Event, *, actor: Person) -> None:
    old = event.picture_file
    if old is None:
        return
    event.picture_file = None
    log_action(actor, "event.picture_removed", event, area_id=event.area_id)
    db.session.commit()
    pictures.delete(old)  # copies of an event get their own file


def add_staff(event: Event, identifier: str, *, actor: Person) -> Person:
    """Let a supporter (of any area: they may come from a neighbouring one) run this event."""
    people = people_for_identifier(identifier)
    if not people:
        raise EventError("person_not_found")
    if len(people) > 1:
        raise EventError("person_ambiguous")
    person = people[0]
    if not person.has_role(Role.supporter):
        raise EventError("not_a_supporter")
    if any(s.person_id == person.id for s in event.staff):
        raise EventError("already_staff")
    event.staff.append(EventStaff(person_id=person.id, added_by_id=actor.id))
    log_action(actor, "event.staff_added", person, area_id=event.area_id, event_id=event.id)
    db.session.commit()
    return person


def remove_staff(event: Event, person: Person, *, actor: Person) -> None:
    entry = next((s for s in event.staff if s.person_id == person.id), None)
    if entry is None:
        raise EventError("not_staff")
    event.staff.remove(entry)
    log_action(actor, "event.staff_removed", person, area_id=event.area_id, event_id=event.id)
    db.session.commit()


def save_note(event: Event, note: str | None, *, actor: Person) -> None:
    """The short note written after the event (how it went, what to change next time)."""
    event.post_event_note = (note or "").strip() or None
    log_action(actor, "event.note_saved", event, area_id=event.area_id)
    db.session.commit()
