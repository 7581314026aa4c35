"""A half-finished self sign-up, kept server-side for a day."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class RegistrationDraft(db.Model):
    """The answers given so far. The browser holds only a random token (in its session
    cookie); the table holds the token's hash, so a copy of the table opens no draft."""

    __tablename__ = "registration_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A day after the last answer; `delete_expired_drafts` removes it after that.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
