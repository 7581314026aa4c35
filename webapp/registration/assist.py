"""Assisted sessions: a supporter at a help desk acting for one resident.

While a supporter assists someone, every page shows a banner "entering on behalf of <name>"
(`templates/registration/_assisted_banner.html`, included by the base layout's banner block)
and every action they take for that person is audited with `on_behalf_of`. The session keeps
only the resident's id; each request checks again that the supporter may assist them.
"""

from flask import has_request_context, session
from flask_login import current_user, user_logged_out
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..areas.models import Membership, Role
from ..audit import log_action
from ..extensions import db
from ..households.models import Household, Person
from ..text import nfkc, normalize_kana, strip_separators
from .services import people_in_areas

SESSION_KEY = "assisting"


def resident_area_ids(person: Person) -> set[int]:
    """The areas a resident belongs to: their household's, and those they are a member of."""
    ids = {m.area_id for m in person.memberships}
    if person.household is not None:
        ids.add(person.household.area_id)
    return ids


def desk_area_ids(supporter: Person) -> set[int] | None:
    """Areas whose help desk the person runs; None means every area (admins)."""
    if supporter.is_admin:
        return None
    return supporter.area_ids_with(Role.supporter)


def may_assist(supporter: Person, person: Person) -> bool:
    """Supporters and coordinators assist residents of their own areas; admins everyone."""
    if not supporter.is_authenticated or supporter.id == person.id:
        return False
    areas = desk_area_ids(supporter)
    return areas is None or bool(areas & resident_area_ids(person))


def load_resident(person_id: int) -> Person:
    """A resident the signed-in supporter may assist (404 for anybody else)."""
    from ..web.auth import require_or_404

    person = db.get_or_404(
        Person,
        person_id,
        options=[
            selectinload(Person.memberships),
            selectinload(Person.household).selectinload(Household.children),
            selectinload(Person.household).selectinload(Household.adults),
            selectinload(Person.household).selectinload(Household.area),
        ],
    )
    require_or_404(may_assist(current_user, person))
    return person


def start_assisting(person: Person, *, actor: Person) -> None:
    if session.get(SESSION_KEY) == person.id:
        return
    session[SESSION_KEY] = person.id
    log_action(actor, "help_desk.assist_started", person, on_behalf_of=person)
    db.session.commit()


def finish_assisting(*, actor: Person) -> Person | None:
    person_id = session.pop(SESSION_KEY, None)
    person = db.session.get(Person, person_id) if person_id else None
    if person is not None:
        log_action(actor, "help_desk.assist_finished", person, on_behalf_of=person)
        db.session.commit()
    return person


def assisted_person() -> Person | None:
    """The resident the signed-in supporter is assisting, if any (and still allowed)."""
    person_id = session.get(SESSION_KEY)
    if not person_id or not current_user.is_authenticated:
        return None
    person = db.session.get(Person, person_id)
    if person is None or not may_assist(current_user, person):
        session.pop(SESSION_KEY, None)
        return None
    return person


def _forget_on_sign_out(_app, user=None) -> None:
    session.pop(SESSION_KEY, None)


def find_residents(area_ids: set[int] | None, query: str, *, limit: int = 20) -> list[Person]:
    """Residents of the desk's areas matching a name, reading, phone or member number.

    One query for the people and two for their households and areas, whatever the data size;
    at most `limit` + 1 rows (the extra one tells that there are more).
    """
    text = nfkc(query)
    if not text:
        return []
    digits = strip_separators(text)
    conditions = [
        Person.name.contains(text, autoescape=True),
        Person.display_name.contains(text, autoescape=True),
    ]
    try:
        kana = normalize_kana(text)
    except ValueError:
        kana = None
    if kana:
        conditions.append(Person.kana.contains(kana, autoescape=True))
    if digits.isdigit() and len(digits) >= 4:
        conditions.append(Person.phone.contains(digits, autoescape=True))
        conditions.append(Person.member_number == digits)
    statement = select(Person).where(or_(*conditions))
    if area_ids is not None:
        statement = statement.where(people_in_areas(area_ids))
    statement = (
        statement.options(
            selectinload(Person.household).selectinload(Household.area),
            selectinload(Person.memberships).selectinload(Membership.area),
        )
        .order_by(Person.kana, Person.id)
        .limit(limit + 1)
    )
    return list(db.session.scalars(statement))


def init_app(app) -> None:
    @app.context_processor
    def _assisted():
        return {"assisted": assisted_person() if has_request_context() else None}

    user_logged_out.connect(_forget_on_sign_out, app)
