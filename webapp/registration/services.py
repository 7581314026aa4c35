"""Registering a household: one rule set whichever way the registration arrives.

`register_household` creates the household, the applicant's account (a member number, no
password: the resident chooses one later or signs in with a login card), the other adults
(without accounts) and the children, and makes the applicant a member of the area.

Error codes (RegistrationError.code): `area_not_allowed` (the supporter does not serve that
area), `contact_missing` (neither phone nor e-mail), `email_taken`, `kana_invalid`,
`too_many_adults`, `too_many_children`, `birth_in_future`, `child_too_old`,
`birth_month_invalid`, `consent_invalid`, `via_invalid`.
"""

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.services import new_member_number
from ..areas.models import Area, Membership, Role
from ..audit import log_action
from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Child, Household, Person
from ..text import InvalidKana, normalize_kana
from .entries import (
    CONSENT_METHODS,
    MAX_ADULTS,
    MAX_CHILDREN,
    VIA,
    Applicant,
    child_birth_problem,
)


class RegistrationError(Exception):
    def __init__(self, code: str, *, index: int | None = None):
        super().__init__(code)
        self.code = code
        self.index = index  # which child, for errors about one child


def _check(applicant: Applicant, *, now: datetime) -> None:
    if not applicant.phone and not applicant.email:
        raise RegistrationError("contact_missing")
    if len(applicant.adults) > MAX_ADULTS:
        raise RegistrationError("too_many_adults")
    if len(applicant.children) > MAX_CHILDREN:
        raise RegistrationError("too_many_children")
    try:
        for reading in [applicant.kana, *(p.kana for p in applicant.adults + applicant.children)]:
            if normalize_kana(reading) != reading or not reading:
                raise InvalidKana(reading)
    except InvalidKana:
        raise RegistrationError("kana_invalid") from None
    today = now.astimezone(TOWN_TZ).date()
    for index, child in enumerate(applicant.children):
        problem = child_birth_problem(child.birth_year, child.birth_month, today=today)
        if problem:
            raise RegistrationError(problem, index=index)
    if applicant.email and db.session.scalar(
        select(Person.id).where(Person.email == applicant.email)
    ):
        raise RegistrationError("email_taken")


def _check_way(*, area: Area, via: str, consent_method: str, actor: Person | None) -> None:
    """Residents sign up themselves online; supporters of the area enter everything else."""
    if via not in VIA or (actor is None and via != "self"):
        raise RegistrationError("via_invalid")
    if consent_method not in CONSENT_METHODS or (actor is None) != (consent_method == "online"):
        raise RegistrationError("consent_invalid")
    if actor is not None and not actor.has_role(Role.supporter, area.id):
        raise RegistrationError("area_not_allowed")


def _add_household(applicant: Applicant, *, area: Area, entered_by: int | None) -> Household:
    household = Household(
        area_id=area.id,
        postal_code=applicant.postal_code,
        address=applicant.address,
        created_by_id=entered_by,
    )
    db.session.add(household)
    db.session.flush()
    for adult in applicant.adults:
        db.session.add(
            Person(
                household_id=household.id,
                name=adult.name,
                kana=adult.kana,
                display_name=adult.name[:40],
                created_by_id=entered_by,
            )
        )
    for child in applicant.children:
        db.session.add(
            Child(
                household_id=household.id,
                name=child.name,
                kana=child.kana,
                birth_year=child.birth_year,
                birth_month=child.birth_month,
                care_notes=child.care_notes or None,
            )
        )
    return household


def register_household(
    applicant: Applicant,
    *,
    area: Area,
    via: str,
    consent_method: str,
    actor: Person | None = None,
    event_id: int | None = None,
    now: datetime,
) -> Person:
    """Register `applicant` and their household in `area`; returns the new account holder.

    `actor` is the supporter who entered it (None when residents sign up themselves); the
    person records who entered it (`created_by_id`), how (`registered_via`, the event) and how
    consent was given. With `event_id` the registration counts as made at that event.
    """
    via = "event" if event_id is not None else via
    _check_way(area=area, via=via, consent_method=consent_method, actor=actor)
    _check(applicant, now=now)
    entered_by = actor.id if actor is not None else None
    household = _add_household(applicant, area=area, entered_by=entered_by)
    person = Person(
        household_id=household.id,
        name=applicant.name,
        kana=applicant.kana,
        display_name=applicant.display_name,
        phone=applicant.phone,
        email=applicant.email,
        member_number=new_member_number(),
        registered_via=via,
        registration_event_id=event_id,
        consent_method=consent_method,
        consented_at=now,
        created_by_id=entered_by,
    )
    person.memberships = [Membership(area_id=area.id, role=Role.member, created_by_id=entered_by)]
    db.session.add(person)
    # No personal data in the log: the way, and how many adults and children.
    log_action(
        actor or person,
        "registration.registered",
        person,
        on_behalf_of=person if actor is not None else None,
        area_id=area.id,
        via=via,
        consent_method=consent_method,
        event_id=event_id,
        adults=len(applicant.adults),
        children=len(applicant.children),
    )
    db.session.commit()
    return person


def people_in_areas(area_ids) -> object:
    """A condition: the person lives in one of the areas or is a member of one."""
    ids = sorted(area_ids)
    return or_(
        Person.household.has(Household.area_id.in_(ids)),
        Person.memberships.any(Membership.area_id.in_(ids)),
    )


def _squashed(column):
    return func.replace(column, " ", "")


def find_duplicates(
    area: Area, *, phone: str | None, name: str | None, kana: str | None, limit: int = 10
) -> list[Person]:
    """People of the area who may be the same person: the same phone number, or the same
    name and the same reading (spaces ignored). One query, whatever the area's size."""
    conditions = []
    if phone:
        conditions.append(Person.phone == phone)
    if name and kana:
        conditions.append(
            and_(
                _squashed(Person.name) == name.replace(" ", ""),
                _squashed(Person.kana) == kana.replace(" ", ""),
            )
        )
    if not conditions:
        return []
    query = (
        select(Person)
        .where(people_in_areas([area.id]), or_(*conditions))
        .options(selectinload(Person.household))
        .order_by(Person.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def suggest_area(postal_code: str | None) -> Area | None:
    """The area whose postal-code prefix matches `postal_code` the longest, or None."""
    if not postal_code:
        return None
    best, best_length = None, 0
    query = select(Area).where(Area.postal_code_prefixes.is_not(None)).order_by(Area.id)
    for area in db.session.scalars(query):
        for prefix in (area.postal_code_prefixes or "").split():
            if postal_code.startswith(prefix) and len(prefix) > best_length:
                best, best_length = area, len(prefix)
    return best
