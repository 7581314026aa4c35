"""Event, Signup (one family's place, or place in line) and EventStaff (supporters a
coordinator lets run one event).

Capacity is never stored as a counter: it is counted from the signup rows (see signups.py).
The database also refuses a second active signup of the same person, or of the same phone
number, for one event (partial unique indexes).
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class EventStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    closed = "closed"  # signups closed; the event still happens
    cancelled = "cancelled"

    @property
    def label(self):
        return EVENT_STATUS_LABELS[self]


EVENT_STATUS_LABELS = {
    EventStatus.draft: _l("Draft (not shown to the public)"),
    EventStatus.published: _l("Published: taking signups"),
    EventStatus.closed: _l("Signups closed"),
    EventStatus.cancelled: _l("Cancelled"),
}


class CapacityUnit(enum.StrEnum):
    groups = "groups"  # 組: one signup is one family, however many people
    people = "people"  # 人: adults and children count one each

    @property
    def label(self):
        return CAPACITY_UNIT_LABELS[self]


CAPACITY_UNIT_LABELS = {
    CapacityUnit.groups: _l("Families or groups (組)"),
    CapacityUnit.people: _l("People (adults and children, 人)"),
}


class SignupStatus(enum.StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    walk_in = "walk_in"  # came without signing up; never counted against capacity
    cancelled = "cancelled"

    @property
    def label(self):
        return SIGNUP_STATUS_LABELS[self]


SIGNUP_STATUS_LABELS = {
    SignupStatus.confirmed: _l("Place confirmed"),
    SignupStatus.waitlisted: _l("On the waiting list"),
    SignupStatus.walk_in: _l("Walk-in"),
    SignupStatus.cancelled: _l("Cancelled"),
}


class SignupSource(enum.StrEnum):
    online = "online"  # a guest on the event page
    member = "member"  # a signed-in member, with their household
    phone = "phone"  # staff took it on the phone
    desk = "desk"  # staff took it at a help desk
    walk_in = "walk_in"  # added at the door

    @property
    def label(self):
        return SIGNUP_SOURCE_LABELS[self]


SIGNUP_SOURCE_LABELS = {
    SignupSource.online: _l("Online"),
    SignupSource.member: _l("Member (online)"),
    SignupSource.phone: _l("By phone"),
    SignupSource.desk: _l("At a help desk"),
    SignupSource.walk_in: _l("At the door"),
}

ACTIVE_STATUSES = (SignupStatus.confirmed, SignupStatus.waitlisted, SignupStatus.walk_in)
_ACTIVE_SQL = "status != 'cancelled'"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("fee_yen >= 0", name="fee_not_negative"),
        Index("ix_events_area_starts", "area_id", "starts_at"),
        Index("ix_events_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    status: Mapped[EventStatus] = mapped_column(
        Enum(EventStatus, native_enum=False, length=20), default=EventStatus.draft
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience: Mapped[str | None] = mapped_column(String(200))  # "parents of 0–3 year olds"
    capacity: Mapped[int]
    capacity_unit: Mapped[CapacityUnit] = mapped_column(
        Enum(CapacityUnit, native_enum=False, length=20), default=CapacityUnit.groups
    )
    fee_yen: Mapped[int] = mapped_column(default=0)  # 0: free
    childcare_available: Mapped[bool] = mapped_column(Boolean, default=False)
    what_to_bring: Mapped[str | None] = mapped_column(String(300))
    # Signups are taken until the end of this day (Japan time); none: until the start.
    signup_deadline: Mapped[date | None] = mapped_column(Date)
    contact_phone: Mapped[str | None] = mapped_column(String(15))
    organiser: Mapped[str | None] = mapped_column(String(120))
    # File name of the re-encoded picture in the picture folder (see pictures.py).
    picture_file: Mapped[str | None] = mapped_column(String(64))
    post_event_note: Mapped[str | None] = mapped_column(Text)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    area = relationship("Area")
    created_by = relationship("Person", foreign_keys=[created_by_id])
    staff: Mapped[list["EventStaff"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventStaff.id"
    )

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"

    @property
    def is_free(self) -> bool:
        return self.fee_yen == 0

    @property
    def counts_people(self) -> bool:
        return self.capacity_unit is CapacityUnit.people

    def seats_for(self, adults: int, children: int) -> int:
        """Places one signup takes: one per family, or one per person."""
        return adults + children if self.counts_people else 1

    def is_visible_to_public(self) -> bool:
        return self.status is not EventStatus.draft


class Signup(db.Model):
    __tablename__ = "event_signups"
    __table_args__ = (
        CheckConstraint(
            "adults >= 0 AND children >= 0 AND adults + children >= 1", name="party_size"
        ),
        # One active signup per member and per phone number for an event.
        Index(
            "uq_event_signups_person_active",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_event_signups_phone_active",
            "event_id",
            "phone",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        # Counting places and walking the waitlist in order of arrival.
        Index("ix_event_signups_event_status", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # Short code on the confirmation page and the sheet; with the phone number it cancels.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[SignupStatus] = mapped_column(Enum(SignupStatus, native_enum=False, length=20))
    source: Mapped[SignupSource] = mapped_column(Enum(SignupSource, native_enum=False, length=20))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    kana: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(String(254))
    adults: Mapped[int] = mapped_column(default=1)
    children: Mapped[int] = mapped_column(default=0)
    children_ages: Mapped[list] = mapped_column(JSON, default=list)
    childcare_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    allergies: Mapped[str | None] = mapped_column(Text)
    accessibility: Mapped[str | None] = mapped_column(Text)
    # A walk-in who would like to register as a member (help desk follows up).
    wants_membership: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(5), default="ja")
    # Staff who entered it for the person (phone, desk, walk-in); None when self-service.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    # "door" (tapped at the door) or "paper" (keyed in from the signup sheet afterwards).
    check_in_method: Mapped[str | None] = mapped_column(String(10))

    event: Mapped[Event] = relationship()
    person = relationship("Person", foreign_keys=[person_id])
    entered_by = relationship("Person", foreign_keys=[entered_by_id])

    def __repr__(self) -> str:
        return f"<Signup {self.id} {self.code} {self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status is not SignupStatus.cancelled

    @property
    def is_checked_in(self) -> bool:
        return self.checked_in_at is not None

    @property
    def people(self) -> int:
        return self.adults + self.children


class EventStaff(db.Model):
    """A supporter allowed by a coordinator to run one event (check-in, signups, sheets)."""

    __tablename__ = "event_staff"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="staff")
    person = relationship("Person", foreign_keys=[person_id])
