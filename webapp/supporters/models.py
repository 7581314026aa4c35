"""TrainingModule (an area's list of training), TrainingRecord (one completed module) and the
certification status of a supporter on a day."""

import enum
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class TrainingModule(db.Model):
    """One module of an area's supporter training. Removed modules are retired, not deleted,
    so that the records of people who took them stay readable."""

    __tablename__ = "training_modules"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def display_name(self, locale: str | None = None) -> str:
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class TrainingRecord(db.Model):
    """A supporter completed a module on a day; recorded by a coordinator."""

    __tablename__ = "training_records"
    # The unique constraint's index also serves "this person's records".
    __table_args__ = (UniqueConstraint("person_id", "module_id", "completed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    completed_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[TrainingModule] = relationship()
    person = relationship("Person", foreign_keys=[person_id])
    recorded_by = relationship("Person", foreign_keys=[recorded_by_id])


class CertificationStatus(enum.StrEnum):
    """Where a supporter's certification stands on a given day."""

    not_certified = "not_certified"
    valid = "valid"
    lapsing = "lapsing"  # ends within LAPSING_SOON_DAYS
    lapsed = "lapsed"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CertificationStatus.not_certified: _l("Not certified"),
    CertificationStatus.valid: _l("Certified"),
    CertificationStatus.lapsing: _l("Renewal due soon"),
    CertificationStatus.lapsed: _l("Certification lapsed"),
}

LAPSING_SOON_DAYS = 60


def certification_status(certified_until: date | None, today: date) -> CertificationStatus:
    if certified_until is None:
        return CertificationStatus.not_certified
    if certified_until < today:
        return CertificationStatus.lapsed
    if certified_until <= today + timedelta(days=LAPSING_SOON_DAYS):
        return CertificationStatus.lapsing
    return CertificationStatus.valid
