"""Offer (できること): a standing "I can do this", e.g. pick-ups on weekday evenings."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..help_requests.models import RequestKind
from ..models_base import UTCDateTime, utcnow

# Monday first, as Python counts them (date.weekday()); stored as bits 1 << weekday.
WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
ALL_DAYS = 0  # no days chosen: any day, by arrangement


class Offer(db.Model):
    __tablename__ = "offers"
    __table_args__ = (
        # "Offers near me", newest first, keyset on id.
        Index("ix_offers_area_active_id", "area_id", "active", "id"),
        Index("ix_offers_person", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    kind: Mapped[RequestKind] = mapped_column(Enum(RequestKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    days: Mapped[int] = mapped_column(default=ALL_DAYS)  # bits: 1 << date.weekday()
    times: Mapped[str | None] = mapped_column(String(60))  # e.g. "17:00〜19:00", free text
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person = relationship("Person")
    area = relationship("Area")

    @property
    def weekdays(self) -> list[int]:
        return [d for d in range(7) if self.days & (1 << d)]

    def day_labels(self) -> list[str]:
        return [str(WEEKDAY_LABELS[d]) for d in self.weekdays]

    def available_on(self, day: date) -> bool:
        return self.days == ALL_DAYS or bool(self.days & (1 << day.weekday()))
