"""Half-finished self sign-ups, kept server-side so that a back button, a closed tab or a
dropped connection loses nothing. They expire a day after the last answer.

The browser keeps a random token in its session cookie; the table keeps its SHA-256 hash.
Answers are stored as typed (the forms normalise them again on every use).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..extensions import db
from ..housekeeping import register_task
from .models import RegistrationDraft

DRAFT_LIFETIME = timedelta(days=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_draft(*, now: datetime) -> tuple[RegistrationDraft, str]:
    """A new empty draft and the token that opens it."""
    token = secrets.token_urlsafe(32)
    draft = RegistrationDraft(
        token_hash=_hash(token),
        answers={},
        created_at=now,
        updated_at=now,
        expires_at=now + DRAFT_LIFETIME,
    )
    db.session.add(draft)
    db.session.commit()
    return draft, token


def find_draft(token: str | None, *, now: datetime) -> RegistrationDraft | None:
    """The draft for `token`, unless it has expired."""
    if not token or not isinstance(token, str):
        return None
    draft = db.session.scalar(
        select(RegistrationDraft).where(RegistrationDraft.token_hash == _hash(token))
    )
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def save_answers(draft: RegistrationDraft, key: str, value, *, now: datetime) -> None:
    """Store one step's answers (a dict, or a list for adults and children)."""
    answers = dict(draft.answers or {})
    answers[key] = value
    draft.answers = answers  # a new dict: JSON columns notice replacement, not mutation
    draft.updated_at = now
    draft.expires_at = now + DRAFT_LIFETIME
    db.session.commit()


def discard_draft(draft: RegistrationDraft) -> None:
    db.session.delete(draft)
    db.session.commit()


def delete_expired_drafts(*, now: datetime) -> int:
    """Remove drafts past their expiry; returns how many (for `flask housekeeping`)."""
    result = db.session.execute(
        delete(RegistrationDraft).where(RegistrationDraft.expires_at <= now)
    )
    db.session.commit()
    return result.rowcount


register_task(
    "registration.expired_drafts",
    delete_expired_drafts,
    _l("Half-finished sign-ups a day after the last answer"),
)
