"""SignInCode: one printed login card's secrets, stored hashed."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class SignInCode(db.Model):
    """The QR link's token and the typed code of one card. Either signs the person in once,
    until `expires_at`; reissuing a card voids the earlier ones."""

    __tablename__ = "sign_in_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person = relationship("Person", foreign_keys=[person_id])

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.voided_at is None and now < self.expires_at
