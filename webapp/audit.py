"""The audit log: who did what, to what, on whose behalf. Append-only from the app.

`log_action` adds an entry to the current transaction, so the entry commits (or rolls back)
together with the change it describes.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models_base import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_area_at", "area_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    on_behalf_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)  # dotted: "area.created"
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("Person", foreign_keys=[actor_id])
    on_behalf_of = relationship("Person", foreign_keys=[on_behalf_of_id])


def log_action(actor, action: str, subject=None, *, on_behalf_of=None, area_id=None, **data):
    """Record `action` by `actor` (a Person or None for the system) in the session."""
    if subject is not None and getattr(subject, "id", None) is None:
        db.session.flush()  # give a new subject its id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        on_behalf_of_id=getattr(on_behalf_of, "id", None),
        area_id=area_id,
        action=action,
        subject_type=type(subject).__tablename__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        data=data,
    )
    db.session.add(entry)
    return entry
