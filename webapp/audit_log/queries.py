"""Reading the audit log: one page of entries, newest first, with keyset pagination.

A page costs the same few queries however long the log is: the entries (with `id < before`,
never an OFFSET or a COUNT), the people they name, and the areas.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..areas.models import Area
from ..audit import AuditEntry, describe
from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Person
from ..text import strip_separators

PAGE_SIZE = 50


@dataclass
class AuditRow:
    entry: AuditEntry
    description: str
    subject: Person | None
    area: Area | None


@dataclass
class AuditPage:
    rows: list[AuditRow]
    next_before: int | None  # the cursor of the next (older) page, None on the last page


def people_matching(text: str):
    """Ids of people whose name, kana or display name contains `text`, or with that number."""
    conditions = [
        Person.name.contains(text, autoescape=True),
        Person.kana.contains(text, autoescape=True),
        Person.display_name.contains(text, autoescape=True),
    ]
    digits = strip_separators(text)
    if digits.isdigit():
        conditions.append(Person.member_number == digits)
    return select(Person.id).where(or_(*conditions))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), TOWN_TZ)  # days begin at midnight in Japan


def audit_page(
    *,
    scope: set[int] | None,
    who: str | None = None,
    about: str | None = None,
    action: str | None = None,
    area_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """Entries visible in `scope` (area ids; None = everything, for admins), newest first."""
    query = select(AuditEntry)
    if scope is not None:
        query = query.where(AuditEntry.area_id.in_(scope))
    if area_id is not None:
        query = query.where(AuditEntry.area_id == area_id)
    if who:
        query = query.where(AuditEntry.actor_id.in_(people_matching(who)))
    if about:
        ids = people_matching(about)
        query = query.where(
            or_(
                AuditEntry.on_behalf_of_id.in_(ids),
                (AuditEntry.subject_type == Person.__tablename__) & AuditEntry.subject_id.in_(ids),
            )
        )
    if action:
        query = query.where(AuditEntry.action == action)
    if date_from:
        query = query.where(AuditEntry.at >= _start_of(date_from))
    if date_to:
        query = query.where(AuditEntry.at < _start_of(date_to + timedelta(days=1)))
    if before:
        query = query.where(AuditEntry.id < before)
    entries = list(
        db.session.scalars(
            query.options(
                selectinload(AuditEntry.actor).selectinload(Person.memberships),
                selectinload(AuditEntry.on_behalf_of).selectinload(Person.memberships),
            )
            .order_by(AuditEntry.id.desc())
            .limit(limit + 1)
        )
    )
    more = len(entries) > limit
    entries = entries[:limit]
    return AuditPage(rows=_rows(entries), next_before=entries[-1].id if more else None)


def _rows(entries: list[AuditEntry]) -> list[AuditRow]:
    subject_ids = {e.subject_id for e in entries if e.subject_type == Person.__tablename__}
    subjects = {}
    if subject_ids:
        subjects = {
            p.id: p
            for p in db.session.scalars(
                select(Person)
                .where(Person.id.in_(subject_ids))
                .options(selectinload(Person.memberships))
            )
        }
    area_ids = {e.area_id for e in entries if e.area_id is not None}
    areas = {}
    if area_ids:
        areas = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(area_ids)))}
    rows = []
    for entry in entries:
        subject = subjects.get(entry.subject_id) if entry.subject_type == "people" else None
        name = subject.display_name if subject else None
        rows.append(
            AuditRow(entry, describe(entry, subject_name=name), subject, areas.get(entry.area_id))
        )
    return rows
