"""Offer rules: listing what one can do, changing it, taking it down, and finding offers.

Error codes (OfferError.code): `not_a_member` (the area is not one of the person's),
`not_owner`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..audit import log_action
from ..extensions import db
from ..help_requests.models import RequestKind
from ..households.models import Person
from .models import ALL_DAYS, Offer

PAGE_SIZE = 20


class OfferError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def days_to_bits(weekdays) -> int:
    bits = 0
    for day in weekdays:
        bits |= 1 << int(day)
    return bits


def can_view(person, offer: Offer) -> bool:
    """Members of the offer's area while it is shown; its owner and admins always."""
    if not getattr(person, "is_authenticated", False):
        return False
    if person.id == offer.person_id or person.is_admin:
        return True
    return offer.active and any(m.area_id == offer.area_id for m in person.memberships)


def _check_area(person, area_id: int) -> None:
    if area_id not in {m.area_id for m in person.memberships}:
        raise OfferError("not_a_member")


def create_offer(*, person, actor, area_id: int, now: datetime, **fields) -> Offer:
    """List what `person` can do in one of their areas. Commits."""
    _check_area(person, area_id)
    offer = Offer(person_id=person.id, area_id=area_id, created_at=now, **fields)
    db.session.add(offer)
    log_action(
        actor,
        "offer.created",
        offer,
        area_id=area_id,
        on_behalf_of=person if actor.id != person.id else None,
    )
    db.session.commit()
    return offer


def update_offer(offer: Offer, *, actor, area_id: int, now: datetime, **fields) -> Offer:
    if actor.id != offer.person_id:
        raise OfferError("not_owner")
    _check_area(actor, area_id)
    offer.area_id = area_id
    for key, value in fields.items():
        setattr(offer, key, value)
    offer.updated_at = now
    log_action(actor, "offer.updated", offer, area_id=area_id)
    db.session.commit()
    return offer


def set_active(offer: Offer, active: bool, *, actor, now: datetime) -> None:
    """Take an offer down (or put it back up). Commits."""
    if actor.id != offer.person_id:
        raise OfferError("not_owner")
    offer.active = active
    offer.updated_at = now
    log_action(actor, "offer.shown" if active else "offer.hidden", offer, area_id=offer.area_id)
    db.session.commit()


@dataclass
class Page:
    items: list
    next_cursor: str | None


def offers_near_me(
    person,
    *,
    kind: RequestKind | None = None,
    day: date | None = None,
    words: str | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Active offers in the person's areas, newest first; keyset on id; two queries a page.

    `day` keeps offers usually available on that day of the week (or on any day); `words`
    those whose title or description contains each of the words.
    """
    area_ids = sorted({m.area_id for m in person.memberships})
    query = select(Offer).where(Offer.area_id.in_(area_ids), Offer.active.is_(True))
    if kind is not None:
        query = query.where(Offer.kind == kind)
    if day is not None:
        bit = 1 << day.weekday()
        query = query.where(or_(Offer.days == ALL_DAYS, Offer.days.op("&")(bit) != 0))
    for word in (words or "").split()[:5]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Offer.title.ilike(pattern, escape="\\"),
                Offer.description.ilike(pattern, escape="\\"),
            )
        )
    if after and after.isdigit():
        query = query.where(Offer.id < int(after))
    rows = list(
        db.session.scalars(
            query.options(selectinload(Offer.person).selectinload(Person.memberships))
            .order_by(Offer.id.desc())
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=str(rows[-1].id) if more else None)


def offers_of(person) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.person_id == person.id)
            .options(selectinload(Offer.area))
            .order_by(Offer.id.desc())
        )
    )
