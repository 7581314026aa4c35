"""Household, Person (an adult, with or without an account) and Child."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Role
from ..extensions import db
from ..models_base import UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The home area; people may also join neighbouring areas (memberships).
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(7))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL", use_alter=True)
    )

    area = relationship("Area")
    adults: Mapped[list["Person"]] = relationship(
        back_populates="household", foreign_keys="Person.household_id", order_by="Person.id"
    )
    children: Mapped[list["Child"]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Child.id"
    )


class Person(UserMixin, db.Model):
    """An adult. With a member number they have an account and can sign in."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("length(member_number) = 8", name="member_number_length"),
        CheckConstraint(
            "registered_via IN ('self', 'desk', 'paper', 'event')", name="registered_via"
        ),
        CheckConstraint(
            "consent_method IN ('online', 'paper', 'in_person')", name="consent_method"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff without a household in the town (e.g. town-hall coordinators) have none.
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    kana: Mapped[str | None] = mapped_column(String(120))
    display_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(15), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    member_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Flask-Login's id: replaced on sign-out, so that every copy of an old cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How they joined (registration package): on their own phone ("self"), at a help desk
    # ("desk"), from a paper form keyed in later ("paper"), or as a walk-in at an exchange
    # event ("event", with the event's id). None for staff accounts made by an admin.
    registered_via: Mapped[str | None] = mapped_column(String(10))
    # The exchange event where a supporter registered them (a walk-in), if any.
    registration_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # How they agreed to the terms, the privacy notice and the insurance notice: on the site
    # ("online"), on a signed paper form ("paper"), or in person at a desk ("in_person").
    consent_method: Mapped[str | None] = mapped_column(String(12))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[Household | None] = relationship(
        back_populates="adults", foreign_keys=[household_id]
    )
    memberships = relationship(
        "Membership",
        back_populates="person",
        foreign_keys="Membership.person_id",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.display_name}>"

    # Flask-Login -----------------------------------------------------------------------
    def get_id(self) -> str:
        return self.session_token

    @property
    def has_account(self) -> bool:
        return self.member_number is not None and self.password_hash is not None

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    # Roles -----------------------------------------------------------------------------
    def role_in(self, area_id: int) -> Role | None:
        for m in self.memberships:
            if m.area_id == area_id:
                return m.role
        return None

    def has_role(self, role: Role, area_id: int | None = None) -> bool:
        """True when the person holds `role` (or a higher one) in that area, or in any area.

        Admins pass every check: they run the whole site.
        """
        if self.is_admin:
            return True
        return any(
            m.role >= role and (area_id is None or m.area_id == area_id) for m in self.memberships
        )

    def area_ids_with(self, role: Role) -> set[int]:
        return {m.area_id for m in self.memberships if m.role >= role}

    def is_certified_supporter(self, today: date, area_id: int | None = None) -> bool:
        """Certified (担い手認定) in that area, or in any area. Needs memberships loaded."""
        return any(
            m.is_certified(today) and (area_id is None or m.area_id == area_id)
            for m in self.memberships
        )

    @property
    def highest_role(self) -> Role | None:
        return max((m.role for m in self.memberships), default=None)


class Child(db.Model):
    __tablename__ = "children"
    __table_args__ = (
        CheckConstraint("birth_month BETWEEN 1 AND 12", name="birth_month"),
        CheckConstraint("birth_year BETWEEN 1900 AND 2200", name="birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    kana: Mapped[str | None] = mapped_column(String(120))
    birth_year: Mapped[int]
    birth_month: Mapped[int]
    # Sensitive: shown only to the helper of an accepted request.
    care_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship(back_populates="children")

    def age_on(self, day: date) -> int:
        """Age in whole years on `day`, counting from the first of the birth month."""
        years = day.year - self.birth_year
        if day.month < self.birth_month:
            years -= 1
        return years
