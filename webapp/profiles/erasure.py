"""Deleting an account: the person's personal data leaves the database; only anonymous counts
stay for the area's statistics.

What goes:
- the person (name, reading, display name, phone, e-mail, member number, password hash);
- when nobody else in the household has an account: the household (postal code, address),
  its other adults (who have no accounts) and its children (names, care notes); otherwise the
  household stays with the adults who still have accounts;
- their memberships, login cards, notifications, e-mails waiting in the outbox or already
  sent to their address, and the supporters' phone follow-ups for them or their number;
- whatever other domains hold about them: each domain registers an eraser with
  `register_eraser(fn)`; `fn(person, people_ids)` runs in the same transaction.

What stays: audit entries keep their action and date but lose every link to the person (the
foreign keys are set to NULL, and so are subject ids naming them or their children; entries
never hold personal data, only ids and field names),
and one anonymous row per area, month and way of joining counts the accounts and children
that left (`DepartureCount`). Reports add those counts to the live rows, so the area's
totals of people ever registered stay right.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from ..audit import log_action, unlink_subjects
from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Child, Household, Person
from ..notifications.models import FollowUpCall, OutboxEmail
from ..reports import tally
from .models import DepartureCount

ERASERS: list[Callable[[Person, list[int]], None]] = []


def register_eraser(fn: Callable[[Person, list[int]], None]) -> None:
    """Other domains remove what they hold about the people in `people_ids` (the account
    holder, and the household's other adults when the household goes)."""
    ERASERS.append(fn)


def _count_departure(area_id: int, *, month, via: str, children: int) -> None:
    """Add one to the area's anonymous count, atomically (two deletions may meet)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DepartureCount).values(
        area_id=area_id, month=month, registered_via=via, people=1, children=children
    )
    statement = statement.on_conflict_do_update(
        index_elements=["area_id", "month", "registered_via"],
        set_={
            "people": DepartureCount.people + 1,
            "children": DepartureCount.children + children,
        },
    )
    db.session.execute(statement)


def _unlink_audit(subject_type: str, ids: list[int]) -> None:
    unlink_subjects(subject_type, ids)


def _leaving(person: Person) -> tuple[list[Person], list[Child], bool]:
    """Who and what goes: the person, and the whole household unless another adult in it
    has an account of their own. Returns (people, children, whether the household goes)."""
    household = person.household
    if household is None:
        return [person], [], False
    if any(p.id != person.id and p.member_number for p in household.adults):
        return [person], [], False
    others = [p for p in household.adults if p.id != person.id]
    return [person, *others], list(household.children), True


def _erase_traces(person: Person, people: list[Person]) -> None:
    """What other tables hold about them: phone follow-ups, e-mails, other domains' rows."""
    people_ids = [p.id for p in people]
    for eraser in ERASERS:
        eraser(person, people_ids)
    phones = {p.phone for p in people if p.phone}
    calls = FollowUpCall.person_id.in_(people_ids)
    if phones:
        calls = or_(calls, FollowUpCall.phone.in_(phones))
    db.session.execute(delete(FollowUpCall).where(calls))
    if person.email:
        db.session.execute(delete(OutboxEmail).where(OutboxEmail.to_address == person.email))


def delete_account(person: Person, *, now: datetime) -> None:
    """The member deletes their own account (see the module docstring for what goes)."""
    household = person.household
    area_id = household.area_id if household else None
    if area_id is None and person.memberships:
        area_id = person.memberships[0].area_id
    people, children, household_goes = _leaving(person)
    _erase_traces(person, people)
    if area_id is not None:
        month = now.astimezone(TOWN_TZ).date().replace(day=1)
        via = person.registered_via or "other"
        _count_departure(area_id, month=month, via=via, children=len(children))
    for record in [*children, *people]:
        db.session.delete(record)
    db.session.flush()
    if household_goes:
        db.session.execute(delete(Household).where(Household.id == household.id))
        tally.add(
            db.session.connection(), household.area_id, tally.month_of(now), households_left=1
        )
    _unlink_audit("people", [p.id for p in people])
    _unlink_audit("children", [c.id for c in children])
    log_action(None, "account.deleted", None, area_id=area_id, household_deleted=household_goes)
    db.session.commit()


def people_left(area_id: int) -> int:
    """Accounts deleted in the area so far (for statistics)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(DepartureCount.people), 0)).where(
            DepartureCount.area_id == area_id
        )
    )
