"""Creating notifications and sending the e-mail outbox.

Wording: each domain registers its kinds once, at import time:

    register_kind("event.promoted", subject=_l("You have a place at %(title)s"),
                  body=_l("A place became free at %(title)s on %(date)s. ..."))

The wording is a lazy string with %(name)s parameters filled from the notification's data,
rendered in the recipient's language when shown or queued.

E-mail goes out only through the outbox, from `flask send-email`, never inside a request; it
is queued only when the person has an address and SMTP is configured (MAIL_SERVER).
"""

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..housekeeping import register_task
from ..models_base import utcnow
from .models import FollowUpCall, Notification, OutboxEmail


@dataclass(frozen=True)
class Kind:
    subject: object  # lazy string
    body: object | None = None


KINDS: dict[str, Kind] = {}


def register_kind(name: str, *, subject, body=None) -> None:
    KINDS[name] = Kind(subject=subject, body=body)


def _fill(template, data: dict) -> str:
    text = str(template)
    try:
        return text % data if data else text
    except (KeyError, TypeError, ValueError):
        return text


def wording(kind: str, data: dict, *, locale: str | None = None) -> tuple[str, str]:
    """(subject, body) of a notification in `locale` (or the current language)."""
    entry = KINDS.get(kind)
    if entry is None:
        return kind, ""
    if locale:
        with force_locale(locale):
            return _fill(entry.subject, data), _fill(entry.body or "", data)
    return _fill(entry.subject, data), _fill(entry.body or "", data)


def email_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def notify(person, kind: str, *, url: str | None = None, area_id: int | None = None, **data):
    """Tell `person` about something in the site, and by e-mail when that is possible.

    Adds to the current transaction; the caller commits with the change it describes.
    """
    notification = Notification(person_id=person.id, kind=kind, url=url, area_id=area_id, data=data)
    db.session.add(notification)
    if person.email and email_enabled():
        db.session.flush()
        subject, body = wording(kind, data, locale=person.locale or "ja")
        link = _absolute(url)
        db.session.add(
            OutboxEmail(
                to_address=person.email,
                subject=subject,
                body=f"{body}\n\n{link}".strip() if link else body,
                notification_id=notification.id,
            )
        )
    return notification


def ask_for_call(
    *,
    area_id: int,
    name: str,
    phone: str,
    kind: str,
    url: str | None = None,
    person_id: int | None = None,
    locale: str = "ja",
    **data,
) -> FollowUpCall:
    """Put someone without e-mail on the supporters' phone follow-up list for the area."""
    call = FollowUpCall(
        area_id=area_id,
        person_id=person_id,
        name=name,
        phone=phone,
        kind=kind,
        url=url,
        data=data,
        locale=locale,
    )
    db.session.add(call)
    return call


def queue_email(to_address: str, kind: str, *, locale: str = "ja", url: str | None = None, **data):
    """E-mail someone who has an address but no account (e.g. a guest's event signup)."""
    if not email_enabled():
        return None
    subject, body = wording(kind, data, locale=locale)
    link = _absolute(url)
    email = OutboxEmail(
        to_address=to_address, subject=subject, body=f"{body}\n\n{link}".strip() if link else body
    )
    db.session.add(email)
    return email


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    base = current_app.config.get("SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


def unread_count(person) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.person_id == person.id, Notification.read_at.is_(None)
        )
    )


def mark_read(person, notification_ids: list[int] | None = None) -> int:
    query = update(Notification).where(
        Notification.person_id == person.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    result = db.session.execute(query.values(read_at=utcnow()))
    return result.rowcount


MAX_ATTEMPTS = 5  # an e-mail that failed this often is given up (kept for a while, then removed)


def send_outbox(*, limit: int = 200, max_attempts: int = MAX_ATTEMPTS) -> tuple[int, int]:
    """Send queued e-mail over SMTP. Returns (sent, failed). Failures are retried next time."""
    config = current_app.config
    pending = list(
        db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < max_attempts)
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )
    if not pending:
        return 0, 0
    sent = failed = 0
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        for email in pending:
            message = EmailMessage()
            message["From"] = config.get("MAIL_FROM", "otagai@localhost")
            message["To"] = email.to_address
            message["Subject"] = email.subject
            message.set_content(email.body)
            email.attempts += 1
            try:
                smtp.send_message(message)
            except smtplib.SMTPException as error:
                email.last_error = str(error)[:1000]
                failed += 1
            else:
                email.sent_at = utcnow()
                sent += 1
            db.session.commit()
    return sent, failed


# Housekeeping: how long each kind of record is kept -------------------------------------

READ_NOTIFICATIONS_KEPT = timedelta(days=365)
SENT_EMAILS_KEPT = timedelta(days=90)
DONE_CALLS_KEPT = timedelta(days=365)


def delete_old_read_notifications(*, now: datetime) -> int:
    """Notices that were read and are more than a year old. Unread ones are kept."""
    result = db.session.execute(
        delete(Notification).where(
            Notification.read_at.is_not(None),
            Notification.created_at < now - READ_NOTIFICATIONS_KEPT,
        )
    )
    return result.rowcount


def delete_old_emails(*, now: datetime) -> int:
    """E-mails sent more than 90 days ago, and e-mails given up on that were queued as long ago.

    Their bodies are copies of messages the site still shows: no need to keep them.
    """
    cutoff = now - SENT_EMAILS_KEPT
    result = db.session.execute(
        delete(OutboxEmail).where(
            ((OutboxEmail.sent_at.is_not(None)) & (OutboxEmail.sent_at < cutoff))
            | (
                OutboxEmail.sent_at.is_(None)
                & (OutboxEmail.attempts >= MAX_ATTEMPTS)
                & (OutboxEmail.created_at < cutoff)
            )
        )
    )
    return result.rowcount


def delete_old_done_calls(*, now: datetime) -> int:
    """Phone follow-ups that were done more than a year ago (names and phone numbers go)."""
    result = db.session.execute(
        delete(FollowUpCall).where(
            FollowUpCall.done_at.is_not(None), FollowUpCall.done_at < now - DONE_CALLS_KEPT
        )
    )
    return result.rowcount


register_task(
    "notifications.read_notices",
    delete_old_read_notifications,
    _l("Read notices older than a year"),
)
register_task(
    "notifications.old_emails",
    delete_old_emails,
    _l("E-mails sent (or given up) more than 90 days ago"),
)
register_task(
    "notifications.done_calls",
    delete_old_done_calls,
    _l("Phone follow-ups done more than a year ago"),
)
