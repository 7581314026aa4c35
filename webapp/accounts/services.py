"""Sign-in rules.

A person signs in with their member number, phone number or e-mail address and a password.
Phone numbers may be shared in a household (a landline): the password decides which person.
"""

import secrets

from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from ..areas.models import Role
from ..audit import log_action, register_action
from ..extensions import db
from ..households.models import Person
from ..models_base import utcnow
from ..text import (
    InvalidPhone,
    looks_like_email,
    normalize_email,
    normalize_phone,
    strip_separators,
)

MIN_PASSWORD_LENGTH = 8

register_action("account.signed_in", _l("Signed in"))
register_action("account.signed_out", _l("Signed out"))
register_action(
    "account.password_set", _l("Password set"), _l("Set a new password for %(subject)s")
)
# Compared against when no account matches, so that a wrong identifier takes as long as a
# wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def identifier_key(identifier: str | None) -> str:
    """One spelling per account, e.g. for rate limits: digits, or a lower-case e-mail."""
    text = (identifier or "").strip()
    if "@" in text or "＠" in text:
        return normalize_email(text)
    digits = strip_separators(text)
    return digits.lower()


def people_for_identifier(identifier: str) -> list[Person]:
    key = identifier_key(identifier)
    if not key:
        return []
    query = select(Person).options(selectinload(Person.memberships))
    if looks_like_email(key):
        query = query.where(Person.email == key)
    elif key.isdigit() and len(key) == 8:
        query = query.where(Person.member_number == key)
    else:
        try:
            phone = normalize_phone(key)
        except InvalidPhone:
            return []
        query = query.where(Person.phone == phone).order_by(Person.id).limit(10)
    return [p for p in db.session.scalars(query) if p.has_account]


def rate_limit_key(identifier: str | None) -> str:
    """One key per account for the sign-in limit, so that typing the phone number instead of
    the member number does not buy more tries. Unknown identifiers count on their own."""
    people = people_for_identifier(identifier or "")
    if len(people) == 1:
        return f"person:{people[0].id}"
    return "identifier:" + identifier_key(identifier)


def authenticate(identifier: str, password: str) -> Person | None:
    """The person whose identifier and password match, or None."""
    candidates = people_for_identifier(identifier)
    if not candidates:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    for person in candidates:
        if check_password_hash(person.password_hash, password or ""):
            return person
    return None


def may_stay_signed_in(person: Person) -> bool:
    """Only members: supporters and staff use shared desk computers."""
    return not person.is_admin and (person.highest_role or Role.member) <= Role.member


def sign_in(person: Person, *, remember: bool = False) -> None:
    remember = remember and may_stay_signed_in(person)
    person.last_signed_in_at = utcnow()
    log_action(person, "account.signed_in", person, remembered=remember)
    db.session.commit()
    login_user(person, remember=remember)


def sign_out(person: Person) -> None:
    """End the session everywhere: the old token no longer loads anyone."""
    person.rotate_session_token()
    log_action(person, "account.signed_out", person)
    db.session.commit()
    logout_user()


def set_password(person: Person, password: str, *, actor: Person) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValueError("password_too_short")
    person.password_hash = generate_password_hash(password)
    person.rotate_session_token()
    log_action(
        actor, "account.password_set", person, on_behalf_of=person if actor != person else None
    )


def new_member_number() -> str:
    """A random 8-digit number (no leading zero), unused so far.

    Random rather than sequential, so that member numbers do not reveal how many people joined
    or let anyone guess a neighbour's number.
    """
    while True:
        number = str(secrets.randbelow(90_000_000) + 10_000_000)
        exists = db.session.scalar(select(Person.id).where(Person.member_number == number))
        if exists is None:
            return number


def load_person(session_token: str) -> Person | None:
    """The signed-in person, with their memberships (every page checks roles): one query."""
    return (
        db.session.execute(
            select(Person)
            .options(joinedload(Person.memberships))
            .where(Person.session_token == session_token)
        )
        .unique()
        .scalar_one_or_none()
    )
