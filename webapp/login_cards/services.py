"""Login cards: single-use sign-in codes for residents who do not manage passwords.

A card carries a QR code with a sign-in link and a short code to type instead. Both belong to
one SignInCode row, are random, stored only as SHA-256 hashes, work once, and expire after
CARD_LIFETIME. Issuing a new card voids every earlier unused one. Nobody -- supporter
included -- ever sees or sets the resident's password through a card: the resident chooses
one after signing in, or stays signed in on their own device.

Error codes (CardError.code): `not_allowed` (the supporter does not serve the resident's
area), `identity_not_checked` (the supporter must confirm who the resident is),
`no_account` (the person has no member number).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from ..audit import log_action
from ..extensions import db
from ..households.models import Person
from ..housekeeping import register_task
from ..text import nfkc
from .models import SignInCode

CARD_LIFETIME = timedelta(days=14)
# No look-alikes: none of 0 O D Q, 1 I L, 2 Z, 5 S, 8 B, 6 G, U V (7 stays: 1 and L are out).
# 19 symbols, 12 of them: about 51 bits, and every try is rate limited.
CODE_ALPHABET = "ACEFHJKMNPRTWXY3479"
CODE_LENGTH = 12


class CardError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class IssuedCard:
    """What is printed once and never stored: the link's token and the typed code."""

    record: SignInCode
    token: str
    code: str

    @property
    def code_display(self) -> str:
        return format_code(self.code)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_code(code: str) -> str:
    """ACEFHJKMNPRT shown as ACEF-HJKM-NPRT."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(typed: str | None) -> str:
    """What was typed, in capitals without spaces or hyphens (full width accepted)."""
    text = nfkc(typed).upper()
    return "".join(ch for ch in text if ch.isalnum())


def issue_card(
    person: Person, *, actor: Person, now: datetime, identity_checked: bool = False
) -> IssuedCard:
    """A new card for `person`; earlier unused cards stop working.

    Every card, the first included, needs `identity_checked`: the supporter saw an ID or
    knows the person (a self-registered resident's first card is handed out at a desk too).
    """
    from ..registration.assist import may_assist

    if person.member_number is None:
        raise CardError("no_account")
    if not may_assist(actor, person):
        raise CardError("not_allowed")
    if not identity_checked:
        raise CardError("identity_not_checked")
    earlier = db.session.scalar(
        select(SignInCode.id).where(SignInCode.person_id == person.id).limit(1)
    )
    voided = db.session.execute(
        update(SignInCode)
        .where(
            SignInCode.person_id == person.id,
            SignInCode.used_at.is_(None),
            SignInCode.voided_at.is_(None),
        )
        .values(voided_at=now)
    ).rowcount
    token = secrets.token_urlsafe(24)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    record = SignInCode(
        person_id=person.id,
        token_hash=_hash(token),
        code_hash=_hash(code),
        issued_at=now,
        issued_by_id=actor.id,
        expires_at=now + CARD_LIFETIME,
    )
    db.session.add(record)
    log_action(
        actor,
        "login_card.reissued" if earlier is not None else "login_card.issued",
        person,
        on_behalf_of=person,
        area_id=person.household.area_id if person.household else None,
        voided=voided,
        identity_checked=identity_checked,
    )
    db.session.commit()
    return IssuedCard(record=record, token=token, code=code)


def _usable(query, now: datetime) -> SignInCode | None:
    record = db.session.scalar(query)
    if record is None or not record.is_usable(now):
        return None
    return record


def card_for_token(token: str | None, *, now: datetime) -> SignInCode | None:
    """The usable card whose link carries `token` (nothing is used up by looking)."""
    if not token or len(token) > 100:
        return None
    return _usable(select(SignInCode).where(SignInCode.token_hash == _hash(token)), now)


def card_for_code(typed: str | None, *, now: datetime) -> SignInCode | None:
    code = normalize_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    return _usable(select(SignInCode).where(SignInCode.code_hash == _hash(code)), now)


def use_card(record: SignInCode, *, now: datetime, how: str) -> Person | None:
    """Use the card up; returns its person, or None when it was used meanwhile.

    A conditional UPDATE: of two devices using the same card at once, only one wins.
    """
    won = db.session.execute(
        update(SignInCode)
        .where(
            SignInCode.id == record.id,
            SignInCode.used_at.is_(None),
            SignInCode.voided_at.is_(None),
            SignInCode.expires_at > now,
        )
        .values(used_at=now)
    ).rowcount
    if not won:
        db.session.rollback()
        return None
    person = db.session.get(Person, record.person_id)
    log_action(person, "login_card.used", person, how=how)
    db.session.commit()
    return person


def latest_card(person: Person) -> SignInCode | None:
    return db.session.scalar(
        select(SignInCode)
        .where(SignInCode.person_id == person.id)
        .order_by(SignInCode.issued_at.desc(), SignInCode.id.desc())
        .limit(1)
    )


def delete_expired_sign_in_codes(*, now: datetime) -> int:
    """Remove cards past their expiry (used, voided or not); returns how many.

    For `flask housekeeping`. Used and voided cards stay until then only so that the help desk
    can tell when a card was used.
    """
    result = db.session.execute(delete(SignInCode).where(SignInCode.expires_at <= now))
    db.session.commit()
    return result.rowcount


register_task(
    "login_cards.expired_codes",
    delete_expired_sign_in_codes,
    _l("Login card codes past their 14 days (used, voided or not)"),
)
