"""HelpRequest (お願い), the children it is for, HelpOffer (someone offering to help with it)
and ActivityReport (what happened, filed by the helper and confirmed by the requester)."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import TOWN_TZ
from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class RequestKind(enum.StrEnum):
    pickup = "pickup"
    childcare = "childcare"
    pickup_childcare = "pickup_childcare"
    lend = "lend"
    give_away = "give_away"
    errand = "errand"
    other = "other"

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def is_care(self) -> bool:
        return self in CARE_KINDS


KIND_LABELS = {
    RequestKind.pickup: _l("Pick-up or drop-off"),
    RequestKind.childcare: _l("Childcare (looking after a child)"),
    RequestKind.pickup_childcare: _l("Pick-up and childcare"),
    RequestKind.lend: _l("Lend something"),
    RequestKind.give_away: _l("Give something away"),
    RequestKind.errand: _l("Errand or shopping"),
    RequestKind.other: _l("Something else"),
}
# Looking after children: insured, with a recommended hourly thank-you and a pre-meeting.
CARE_KINDS = frozenset({RequestKind.pickup, RequestKind.childcare, RequestKind.pickup_childcare})


class Audience(enum.StrEnum):
    connections = "connections"
    area = "area"
    supporters = "supporters"
    person = "person"  # one person, e.g. the one whose offer (できること) the request came from

    @property
    def label(self):
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    Audience.connections: _l("People I know (my connections)"),
    Audience.area: _l("Everyone in my area"),
    Audience.supporters: _l("Certified supporters of my area"),
    Audience.person: _l("Only the person I am asking"),
}


class RequestStatus(enum.StrEnum):
    open = "open"
    matched = "matched"
    completed = "completed"
    cancelled = "cancelled"
    expired = "expired"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    RequestStatus.open: _l("Looking for a helper"),
    RequestStatus.matched: _l("Helper found"),
    RequestStatus.completed: _l("Completed"),
    RequestStatus.cancelled: _l("Cancelled"),
    RequestStatus.expired: _l("Ended without a helper"),
}


class OfferStatus(enum.StrEnum):
    offered = "offered"
    chosen = "chosen"
    not_chosen = "not_chosen"
    withdrawn = "withdrawn"

    @property
    def label(self):
        return OFFER_STATUS_LABELS[self]


OFFER_STATUS_LABELS = {
    OfferStatus.offered: _l("Offered to help"),
    OfferStatus.chosen: _l("Chosen"),
    OfferStatus.not_chosen: _l("Not chosen this time"),
    OfferStatus.withdrawn: _l("Withdrew the offer"),
}


help_request_children = Table(
    "help_request_children",
    db.metadata,
    Column(
        "help_request_id",
        ForeignKey("help_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("child_id", ForeignKey("children.id", ondelete="CASCADE"), primary_key=True),
)


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length)


class HelpRequest(db.Model):
    __tablename__ = "help_requests"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="time_window"),
        CheckConstraint("thank_you_yen IS NULL OR thank_you_yen >= 0", name="thank_you"),
        # "Requests I can help with": open ones from the soonest, keyset (start_at, id).
        Index("ix_help_requests_status_start", "status", "start_at", "id"),
        Index("ix_help_requests_status_kind_start", "status", "kind", "start_at", "id"),
        # "My requests", newest first, keyset (start_at, id).
        Index("ix_help_requests_requester_start", "requester_id", "start_at", "id"),
        Index("ix_help_requests_helper_start", "helper_id", "start_at", "id"),
        # The resolution rate and the coordinators' list, per area and month.
        Index("ix_help_requests_area_created", "area_id", "created_at"),
        Index("ix_help_requests_area_start", "area_id", "start_at", "id"),
        # Open requests are few among a million: the dashboard counts those whose start has
        # passed, the attention list those about to start. A partial index finds them at once
        # (SQLite's statistics cannot tell that "open" is rare and would walk the whole table).
        Index(
            "ix_help_requests_open_start",
            "start_at",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL")
    )
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind))
    title: Mapped[str] = mapped_column(String(60))
    details: Mapped[str | None] = mapped_column(Text)
    place_from: Mapped[str | None] = mapped_column(String(120))
    place_to: Mapped[str | None] = mapped_column(String(120))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience: Mapped[Audience] = mapped_column(_enum(Audience))
    addressed_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="SET NULL"), index=True
    )
    thank_you_yen: Mapped[int | None]
    thank_you_note: Mapped[str | None] = mapped_column(String(200))
    first_offer_wins: Mapped[bool] = mapped_column(Boolean, default=False)

    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.open)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # First pick-up or childcare of these two people together: both tick a checklist first.
    premeeting_required: Mapped[bool] = mapped_column(Boolean, default=False)
    premeeting_requester_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    premeeting_helper_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who typed it in: the requester, or a supporter at a help desk on their behalf.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    area = relationship("Area")
    requester = relationship("Person", foreign_keys=[requester_id])
    helper = relationship("Person", foreign_keys=[helper_id])
    addressed_to = relationship("Person", foreign_keys=[addressed_to_id])
    cancelled_by = relationship("Person", foreign_keys=[cancelled_by_id])
    household = relationship("Household")
    children = relationship("Child", secondary=help_request_children, order_by="Child.id")
    offers: Mapped[list["HelpOffer"]] = relationship(
        back_populates="help_request", order_by="HelpOffer.id", cascade="all, delete-orphan"
    )
    report: Mapped["ActivityReport | None"] = relationship(
        back_populates="help_request", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<HelpRequest {self.id} {self.kind} {self.status}>"

    def status_on(self, now: datetime) -> RequestStatus:
        """The status as it stands at `now`: an open request whose start passed has expired,
        whether or not anyone has touched it since (there is no scheduled job)."""
        if self.status is RequestStatus.open and self.start_at <= now:
            return RequestStatus.expired
        return self.status

    @property
    def premeeting_done(self) -> bool:
        return not self.premeeting_required or (
            self.premeeting_requester_at is not None and self.premeeting_helper_at is not None
        )

    @property
    def hours(self) -> float:
        return (self.end_at - self.start_at).total_seconds() / 3600

    @property
    def local_day(self) -> date:
        """The day of the request in the town (start_at is stored in UTC)."""
        return self.start_at.astimezone(TOWN_TZ).date()


class HelpOffer(db.Model):
    """Someone who may see a request says "I can help". The requester chooses one of them."""

    __tablename__ = "help_offers"
    __table_args__ = (
        UniqueConstraint("help_request_id", "helper_id"),
        Index("ix_help_offers_helper", "helper_id", "help_request_id"),
        # Never two chosen helpers for one request, whatever happens in the code.
        Index(
            "ux_help_offers_one_chosen",
            "help_request_id",
            unique=True,
            sqlite_where=db.text("status = 'chosen'"),
            postgresql_where=db.text("status = 'chosen'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus), default=OfferStatus.offered)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    help_request: Mapped[HelpRequest] = relationship(back_populates="offers")
    helper = relationship("Person")


class ActivityReport(db.Model):
    """Filed by the helper after the day; the request is completed when the requester confirms."""

    __tablename__ = "activity_reports"
    __table_args__ = (
        CheckConstraint("ended_at > started_at", name="times"),
        CheckConstraint("thank_you_yen >= 0", name="thank_you"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), unique=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    thank_you_yen: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )

    help_request: Mapped[HelpRequest] = relationship(back_populates="report")

    @property
    def hours(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 3600
