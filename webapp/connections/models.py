"""Connection (a mutual acquaintance), ConnectionCode (the short code a member shows) and
ConnectionInvite (someone typed my code; waiting for me to confirm)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class Connection(db.Model):
    """Two people who know each other. Stored once per pair, the lower person id first."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("person_a_id", "person_b_id"),
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        Index("ix_connections_person_b", "person_b_id", "person_a_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # "code": one typed the other's code and the other confirmed; "staff": a supporter or
    # coordinator connected two people who were both present.
    method: Mapped[str] = mapped_column(String(10))
    # The exchange event where they met. A plain column: the events table lives in the events
    # package, whose migration adds the foreign key.
    # The exchange event where staff connected the two, if any.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person_a = relationship("Person", foreign_keys=[person_a_id])
    person_b = relationship("Person", foreign_keys=[person_b_id])

    def other(self, person_id: int):
        return self.person_b if self.person_a_id == person_id else self.person_a

    def involves(self, person_id: int) -> bool:
        return person_id in (self.person_a_id, self.person_b_id)


class ConnectionCode(db.Model):
    """The code a member shows (or prints as a QR code) so that someone they meet can ask to
    connect. One per person; a new one replaces it."""

    __tablename__ = "connection_codes"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(6), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person")


class ConnectionInvite(db.Model):
    """`from_person` typed `to_person`'s code; the connection exists once `to_person` confirms."""

    __tablename__ = "connection_invites"
    __table_args__ = (UniqueConstraint("from_person_id", "to_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    to_person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_person = relationship("Person", foreign_keys=[from_person_id])
    to_person = relationship("Person", foreign_keys=[to_person_id])
