"""The audit log: who did what, to what, on whose behalf. Append-only from the app.

`log_action` adds an entry to the current transaction, so the entry commits (or rolls back)
together with the change it describes.

Each domain describes its actions once, at import time, so that the audit log viewer can show
them in plain words in either language:

    register_action("supporter.certified", _l("Supporter certified"),
                    _l("Certified %(subject)s as a supporter until %(until)s"),
                    params=lambda data: {"until": format_date_long(...)})

`title` names the kind of action (the viewer's "what" filter); `description` is one entry in
words, filled from the entry's data plus `subject` (the name of the person the entry is about).
Unregistered actions are shown by their code.

Entries are never changed or deleted by the app: the ORM refuses it (AuditLogIsAppendOnly).
"""

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

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


# Action labels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLabel:
    title: object  # lazy string: the kind of action ("Supporter certified")
    description: object | None = None  # lazy string with %(name)s parameters
    params: Callable[[dict], dict] | None = None  # turns stored data into wording parameters


ACTIONS: dict[str, ActionLabel] = {}


def register_action(action: str, title, description=None, *, params=None) -> None:
    """Describe `action` for the audit log viewer (call once, when the domain is imported)."""
    ACTIONS[action] = ActionLabel(title=title, description=description, params=params)


def action_title(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label.title) if label else action


def describe(entry: AuditEntry, *, subject_name: str | None = None) -> str:
    """One entry in words, in the current language; its title when the wording cannot be filled."""
    label = ACTIONS.get(entry.action)
    if label is None:
        return entry.action
    if label.description is None:
        return str(label.title)
    values = dict(entry.data or {})
    values["subject"] = subject_name or "–"
    try:
        if label.params:
            values.update(label.params(entry.data or {}))
        return str(label.description) % values
    except (KeyError, TypeError, ValueError):
        return str(label.title)


# Append-only guard -----------------------------------------------------------------------


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit entry through the ORM."""


_unlinking = contextvars.ContextVar("audit_unlinking", default=False)


def unlink_subjects(subject_type: str, ids: list[int]) -> None:
    """The one change the app makes to past entries: when an account is erased, entries about
    the person (or their children) lose the link to them, so that no entry can ever point at
    someone else who later gets the same id. The action, actor and date stay."""
    if not ids:
        return
    token = _unlinking.set(True)
    try:
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id.in_(ids))
            .values(subject_id=None)
        )
    finally:
        _unlinking.reset(token)


@event.listens_for(Session, "before_flush")
def _refuse_changed_entries(session, _flush_context, _instances):
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    if not (state.is_update or state.is_delete):
        return
    if state.is_update and _unlinking.get():
        return
    if any(mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
