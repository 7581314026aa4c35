"""Connection rules: codes, invitations, confirmation, staff-made connections, removal.

A connection needs the consent of both people: one types (or scans) the other's code, and the
other confirms; or a supporter or coordinator connects two people who are both present at an
event or help desk and have both said yes.

Error codes (ConnectionError.code): `code_not_found` (unknown or expired code), `own_code`,
`already_connected`, `already_invited`, `same_person`, `not_in_your_area`, `not_found`.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..areas.models import Membership, Role
from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from ..notifications.services import notify, register_kind
from .models import Connection, ConnectionCode, ConnectionInvite

CODE_LIFETIME = timedelta(days=14)
CODE_DIGITS = 6

register_kind(
    "connection.invited",
    subject=_l("%(name)s would like to connect with you"),
    body=_l(
        "%(name)s typed your connection code. If you have met, confirm the connection on your "
        "connections page."
    ),
)
register_kind(
    "connection.made",
    subject=_l("You and %(name)s are now connected"),
    body=_l("You can now see each other's pick-up and childcare requests."),
)


class ConnectionError(Exception):  # noqa: A001  (the domain's own error, not the builtin)
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def connected_ids_query(person_id: int):
    """A select of the ids of everyone connected with `person_id` (for IN clauses)."""
    return union_all(
        select(Connection.person_b_id).where(Connection.person_a_id == person_id),
        select(Connection.person_a_id).where(Connection.person_b_id == person_id),
    )


def are_connected(a_id: int, b_id: int) -> bool:
    low, high = _pair(a_id, b_id)
    return (
        db.session.scalar(
            select(Connection.id).where(
                Connection.person_a_id == low, Connection.person_b_id == high
            )
        )
        is not None
    )


def connections_of(person: Person) -> list[tuple[Connection, Person]]:
    """(connection, the other person) pairs, by display name; memberships loaded for badges."""
    rows = db.session.scalars(
        select(Connection)
        .where(or_(Connection.person_a_id == person.id, Connection.person_b_id == person.id))
        .options(
            selectinload(Connection.person_a).selectinload(Person.memberships),
            selectinload(Connection.person_b).selectinload(Person.memberships),
        )
    )
    pairs = [(c, c.other(person.id)) for c in rows]
    return sorted(pairs, key=lambda pair: pair[1].display_name)


def invites_for(person: Person) -> list[ConnectionInvite]:
    return list(
        db.session.scalars(
            select(ConnectionInvite)
            .where(ConnectionInvite.to_person_id == person.id)
            .options(selectinload(ConnectionInvite.from_person).selectinload(Person.memberships))
            .order_by(ConnectionInvite.id)
        )
    )


def invites_sent_by(person: Person) -> list[ConnectionInvite]:
    return list(
        db.session.scalars(
            select(ConnectionInvite)
            .where(ConnectionInvite.from_person_id == person.id)
            .options(selectinload(ConnectionInvite.to_person))
            .order_by(ConnectionInvite.id)
        )
    )


# Codes ---------------------------------------------------------------------------------------
def _new_code() -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if db.session.scalar(select(ConnectionCode.code).where(ConnectionCode.code == code)):
            continue
        return code


def current_code(person: Person, *, now: datetime) -> ConnectionCode | None:
    row = db.session.get(ConnectionCode, person.id)
    if row is None or row.created_at + CODE_LIFETIME <= now:
        return None
    return row


def renew_code(person: Person, *, now: datetime) -> ConnectionCode:
    """Give the person a fresh code (the old one stops working). Commits."""
    code = _new_code()
    row = db.session.get(ConnectionCode, person.id)
    if row is None:
        row = ConnectionCode(person_id=person.id, code=code)
        db.session.add(row)
    row.code = code
    row.created_at = now
    log_action(person, "connection.code_renewed", person)
    db.session.commit()
    return row


def code_expires_at(row: ConnectionCode) -> datetime:
    return row.created_at + CODE_LIFETIME


def normalize_code(text: str | None) -> str:
    from ..text import strip_separators

    return strip_separators(text)


# Inviting and confirming ------------------------------------------------------------------------
def invite_by_code(code: str, *, actor: Person, now: datetime) -> ConnectionInvite | Connection:
    """`actor` typed someone's code: ask that person to confirm. Commits.

    Returns the invitation; or the connection itself when that person had already typed the
    actor's code (both have then said yes).
    """
    row = db.session.scalar(
        select(ConnectionCode)
        .where(ConnectionCode.code == normalize_code(code))
        .options(selectinload(ConnectionCode.person))
    )
    if row is None or row.created_at + CODE_LIFETIME <= now:
        raise ConnectionError("code_not_found")
    owner = row.person
    if owner.id == actor.id:
        raise ConnectionError("own_code")
    if are_connected(owner.id, actor.id):
        raise ConnectionError("already_connected")
    pending = db.session.scalar(
        select(ConnectionInvite).where(
            or_(
                (ConnectionInvite.from_person_id == actor.id)
                & (ConnectionInvite.to_person_id == owner.id),
                (ConnectionInvite.from_person_id == owner.id)
                & (ConnectionInvite.to_person_id == actor.id),
            )
        )
    )
    if pending is not None and pending.from_person_id == owner.id:
        # They typed my code earlier and now I type theirs: both have said yes.
        connection = _connect(owner, actor, method="code", created_by=actor, invite=pending)
        db.session.commit()
        return connection
    if pending is not None:
        raise ConnectionError("already_invited")
    invite = ConnectionInvite(from_person_id=actor.id, to_person_id=owner.id)
    db.session.add(invite)
    log_action(actor, "connection.invited", owner)
    notify(owner, "connection.invited", url="/connections", name=actor.display_name)
    db.session.commit()
    return invite


def confirm_invite(invite: ConnectionInvite, *, actor: Person) -> Connection:
    """The code's owner confirms: the two are connected. Commits."""
    if invite.to_person_id != actor.id:
        raise ConnectionError("not_found")
    connection = _connect(invite.from_person, actor, method="code", created_by=actor, invite=invite)
    db.session.commit()
    return connection


def decline_invite(invite: ConnectionInvite, *, actor: Person) -> None:
    """Either side may drop a waiting invitation (the sender cancels, the owner declines)."""
    if actor.id not in (invite.to_person_id, invite.from_person_id):
        raise ConnectionError("not_found")
    log_action(actor, "connection.invite_dropped", invite.from_person, other=invite.to_person_id)
    db.session.delete(invite)
    db.session.commit()


def _connect(
    first: Person,
    second: Person,
    *,
    method: str,
    created_by: Person,
    invite: ConnectionInvite | None = None,
    event_id: int | None = None,
    area_id: int | None = None,
) -> Connection:
    low, high = _pair(first.id, second.id)
    connection = Connection(
        person_a_id=low,
        person_b_id=high,
        method=method,
        event_id=event_id,
        created_by_id=created_by.id,
    )
    db.session.add(connection)
    if invite is not None:
        db.session.delete(invite)
    # Invitations either way between the two are settled by the connection.
    db.session.execute(
        delete(ConnectionInvite).where(
            or_(
                (ConnectionInvite.from_person_id == first.id)
                & (ConnectionInvite.to_person_id == second.id),
                (ConnectionInvite.from_person_id == second.id)
                & (ConnectionInvite.to_person_id == first.id),
            )
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConnectionError("already_connected") from None
    log_action(
        created_by,
        "connection.made",
        connection,
        area_id=area_id,
        method=method,
        event_id=event_id,
        people=[low, high],
    )
    for person, other in ((first, second), (second, first)):
        if person.id != created_by.id or method == "staff":
            notify(person, "connection.made", url="/connections", name=other.display_name)
    return connection


# Staff -------------------------------------------------------------------------------------------
def shared_staff_area(actor: Person, first: Person, second: Person) -> int | None:
    """An area where `actor` is a supporter or coordinator and both people are members."""
    staff_areas = actor.area_ids_with(Role.supporter)
    rows = db.session.execute(
        select(Membership.person_id, Membership.area_id).where(
            Membership.person_id.in_([first.id, second.id])
        )
    ).all()
    first_areas = {a for p, a in rows if p == first.id}
    second_areas = {a for p, a in rows if p == second.id}
    both = first_areas & second_areas
    if actor.is_admin:
        return min(both) if both else None
    shared = both & staff_areas
    return min(shared) if shared else None


def connect_by_staff(
    first: Person, second: Person, *, actor: Person, event_id: int | None = None
) -> Connection:
    """A supporter or coordinator connects two people who are both present and agree.

    Both must be members of an area where the actor is a supporter or coordinator. `event_id`
    records the exchange event where it happened. Commits.
    """
    if first.id == second.id:
        raise ConnectionError("same_person")
    area_id = shared_staff_area(actor, first, second)
    if area_id is None:
        raise ConnectionError("not_in_your_area")
    if are_connected(first.id, second.id):
        raise ConnectionError("already_connected")
    connection = _connect(
        first, second, method="staff", created_by=actor, event_id=event_id, area_id=area_id
    )
    db.session.commit()
    return connection


def remove_connection(connection: Connection, *, actor: Person) -> None:
    """Either person may remove a connection at any time. Commits."""
    if not connection.involves(actor.id):
        raise ConnectionError("not_found")
    other = connection.other(actor.id)
    log_action(actor, "connection.removed", other)
    db.session.delete(connection)
    db.session.commit()
