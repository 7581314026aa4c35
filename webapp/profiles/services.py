"""Profile rules: a member keeps their details, household and children up to date, changes
their password, and may delete their account.

Every change takes the acting person: the member, or a supporter acting for them (then the
audit entry names both). Audit entries name the fields that changed, never their values.

Error codes (ProfileError.code): `email_taken`, `wrong_password`, `password_too_short`,
`contact_missing`, `birth_in_future`, `child_too_old`, `birth_month_invalid`,
`too_many_children`, `too_many_adults`, `has_account` (adults with their own account leave
by deleting it themselves), `no_household`.
"""

from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash

from ..accounts.services import set_password
from ..audit import log_action
from ..clock import TOWN_TZ
from ..extensions import db
from ..households.models import Child, Household, Person
from ..registration.entries import (
    MAX_ADULTS,
    MAX_CHILDREN,
    AdultEntry,
    ChildEntry,
    child_birth_problem,
)


class ProfileError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _audit(actor: Person, action: str, subject, person: Person, **data) -> None:
    household = person.household
    log_action(
        actor,
        action,
        subject,
        on_behalf_of=person if actor.id != person.id else None,
        area_id=household.area_id if household else None,
        **data,
    )


def change_password(
    person: Person,
    new_password: str,
    *,
    actor: Person,
    current_password: str | None = None,
    identity_verified: bool = False,
) -> None:
    """Members changing their own password give the current one, when they have one, unless
    they have just proved who they are another way (`identity_verified`: signed in with a
    login card a moment ago). The session token rotates: every other device is signed out."""
    if actor.id == person.id and person.password_hash and not identity_verified:
        if not check_password_hash(person.password_hash, current_password or ""):
            raise ProfileError("wrong_password")
    try:
        set_password(person, new_password, actor=actor)
    except ValueError:
        raise ProfileError("password_too_short") from None
    db.session.commit()


def update_details(person: Person, *, actor: Person, **values) -> list[str]:
    """Name, reading, display name, phone, e-mail (on the person) and postal code and
    address (on the household). Returns the names of the fields that changed."""
    if not (values.get("phone") or values.get("email")):
        raise ProfileError("contact_missing")
    email = values.get("email")
    if email and db.session.scalar(
        select(Person.id).where(Person.email == email, Person.id != person.id)
    ):
        raise ProfileError("email_taken")
    changed = []
    for key in ("name", "kana", "display_name", "phone", "email"):
        if key in values and getattr(person, key) != values[key]:
            setattr(person, key, values[key])
            changed.append(key)
    household = person.household
    for key in ("postal_code", "address"):
        if household is not None and key in values and getattr(household, key) != values[key]:
            setattr(household, key, values[key])
            changed.append(key)
    if changed:
        _audit(actor, "profile.updated", person, person, fields=changed)
    db.session.commit()
    return changed


def _check_child(entry: ChildEntry, *, now: datetime) -> None:
    today = now.astimezone(TOWN_TZ).date()
    problem = child_birth_problem(entry.birth_year, entry.birth_month, today=today)
    if problem:
        raise ProfileError(problem)


def _household_of(person: Person) -> Household:
    if person.household is None:
        raise ProfileError("no_household")
    return person.household


def add_child(person: Person, entry: ChildEntry, *, actor: Person, now: datetime) -> Child:
    household = _household_of(person)
    _check_child(entry, now=now)
    if len(household.children) >= MAX_CHILDREN:
        raise ProfileError("too_many_children")
    child = Child(household_id=household.id, **_child_values(entry))
    db.session.add(child)
    _audit(actor, "household.child_added", child, person)
    db.session.commit()
    return child


def _child_values(entry: ChildEntry) -> dict:
    return {
        "name": entry.name,
        "kana": entry.kana,
        "birth_year": entry.birth_year,
        "birth_month": entry.birth_month,
        "care_notes": entry.care_notes or None,
    }


def update_child(
    person: Person, child: Child, entry: ChildEntry, *, actor: Person, now: datetime
) -> None:
    _check_child(entry, now=now)
    changed = []
    for key, value in _child_values(entry).items():
        if getattr(child, key) != value:
            setattr(child, key, value)
            changed.append(key)
    if changed:
        _audit(actor, "household.child_updated", child, person, fields=changed)
    db.session.commit()


def remove_child(person: Person, child: Child, *, actor: Person) -> None:
    _audit(actor, "household.child_removed", child, person)
    db.session.delete(child)
    db.session.commit()


def add_adult(person: Person, entry: AdultEntry, *, actor: Person) -> Person:
    household = _household_of(person)
    if len(household.adults) > MAX_ADULTS:
        raise ProfileError("too_many_adults")
    adult = Person(
        household_id=household.id,
        name=entry.name,
        kana=entry.kana,
        display_name=entry.name[:40],
        created_by_id=actor.id,
    )
    db.session.add(adult)
    _audit(actor, "household.adult_added", adult, person)
    db.session.commit()
    return adult


def remove_adult(person: Person, adult: Person, *, actor: Person) -> None:
    """Only adults without an account: account holders delete their own account."""
    if adult.member_number is not None or adult.id == person.id:
        raise ProfileError("has_account")
    _audit(actor, "household.adult_removed", adult, person)
    db.session.delete(adult)
    db.session.commit()
