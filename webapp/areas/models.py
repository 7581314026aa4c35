"""Area and Membership (a person's role in an area)."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
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


class Role(enum.IntEnum):
    """A person's role in one area. Higher roles include the lower ones in that area."""

    member = 1
    supporter = 2
    coordinator = 3

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.member: _l("Member"),
    Role.supporter: _l("Supporter"),
    Role.coordinator: _l("Coordinator"),
}


class RequestAudience(enum.StrEnum):
    """Who may see pick-up and childcare requests in an area, at the widest."""

    connections = "connections"
    area = "area"

    @property
    def label(self):
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    RequestAudience.connections: _l("Only people they know (connections)"),
    RequestAudience.area: _l("Everyone in the area"),
}


class Area(db.Model):
    __tablename__ = "areas"
    __table_args__ = (
        CheckConstraint(
            "thank_you_min_yen >= 0 AND thank_you_min_yen <= thank_you_max_yen",
            name="thank_you_range",
        ),
        CheckConstraint(
            "insured_age_min >= 0 AND insured_age_min <= insured_age_max AND insured_age_max <= 18",
            name="insured_ages",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(80))
    help_phone: Mapped[str | None] = mapped_column(String(15))
    # Recommended hourly thank-you for pick-ups and childcare, in yen.
    thank_you_min_yen: Mapped[int] = mapped_column(default=500)
    thank_you_max_yen: Mapped[int] = mapped_column(default=700)
    # Children covered by the helpers' liability insurance, in whole years of age.
    insured_age_min: Mapped[int] = mapped_column(default=1)
    insured_age_max: Mapped[int] = mapped_column(default=18)
    request_audience: Mapped[RequestAudience] = mapped_column(
        Enum(RequestAudience, native_enum=False, length=20),
        default=RequestAudience.connections,
    )
    cancellation_note: Mapped[str | None] = mapped_column(Text)
    # Beginnings of the postal codes of the area, space-separated digits ("33609 3370"): a
    # postal code typed at sign-up suggests the area whose prefix matches it the longest.
    postal_code_prefixes: Mapped[str | None] = mapped_column(Text)
    kpi_households: Mapped[int | None]
    kpi_members: Mapped[int | None]
    kpi_supporters: Mapped[int | None]
    kpi_events: Mapped[int | None]
    kpi_completed_requests: Mapped[int | None]
    # A supporter's certification (担い手認定) lasts this many months, then needs renewal.
    certification_months: Mapped[int] = mapped_column(default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL", use_alter=True)
    )

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="area", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.name}>"

    def display_name(self, locale: str | None = None) -> str:
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("person_id", "area_id"),
        # Certified supporters per area (the dashboard): a few hundred among all memberships.
        Index(
            "ix_memberships_certified",
            "area_id",
            "certified_until",
            sqlite_where=text("certified_until IS NOT NULL"),
            postgresql_where=text("certified_until IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20), default=Role.member
    )
    # A supporter is certified (担い手認定) in this area until this date; renewal after it.
    certified_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person = relationship("Person", back_populates="memberships", foreign_keys=[person_id])
    area: Mapped[Area] = relationship(back_populates="memberships")

    def is_certified(self, today: date) -> bool:
        return (
            self.role >= Role.supporter
            and self.certified_until is not None
            and self.certified_until >= today
        )
