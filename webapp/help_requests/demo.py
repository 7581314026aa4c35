"""Demo data for asking and helping: connections, offers, open requests and a completed one,
built with the same builders as the tests (called by `flask seed-demo`)."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..builders import make_connection, make_help_request, make_offer
from ..extensions import db
from ..households.models import Household, Person
from .models import ActivityReport, Audience, HelpOffer, OfferStatus, RequestKind, RequestStatus

OFFERS = [
    (RequestKind.pickup, "平日夕方の保育園のお迎え", "17:00〜19:00", 0b0010101),
    (RequestKind.childcare, "土曜の午前、2時間ほどあずかれます", "9:00〜12:00", 0b0100000),
    (RequestKind.lend, "ベビーカー（A型）を貸せます", None, 0),
    (RequestKind.give_away, "100〜110cmの子ども服をゆずります", None, 0),
]


def seed_asking_and_helping(rng, now) -> None:
    """Residents with accounts get a few connections; some list offers; some ask for help."""
    residents = list(
        db.session.scalars(
            select(Person)
            .join(Household, Household.id == Person.household_id)
            .where(Person.member_number.is_not(None))
            .options(selectinload(Person.household).selectinload(Household.children))
            .order_by(Household.area_id, Person.id)
        )
    )
    by_area: dict[int, list[Person]] = {}
    for person in residents:
        by_area.setdefault(person.household.area_id, []).append(person)
    start = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    for people in by_area.values():
        for i, person in enumerate(people[:8]):
            for other in people[i + 1 : i + 3]:
                make_connection(person, other)
        for person, (kind, title, times, days) in zip(people[1::2], OFFERS, strict=False):
            make_offer(person, kind=kind, title=title, times=times, days=days)
        with_children = [p for p in people[:8] if p.household.children]
        for n, person in enumerate(with_children[:3]):
            make_help_request(
                person,
                kind=RequestKind.pickup if n % 2 else RequestKind.childcare,
                title="保育園のお迎え" if n % 2 else "夕方2時間の託児",
                children=person.household.children[:1],
                start_at=start + timedelta(days=n, hours=rng.randrange(0, 4)),
                thank_you_yen=1000,
            )
        if len(with_children) >= 2:
            _completed(with_children[0], with_children[1], now)


def _completed(requester: Person, helper: Person, now) -> None:
    """A childcare request of last week, done and confirmed."""
    start = (now - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    request = make_help_request(
        requester,
        title="先週の託児",
        children=requester.household.children[:1],
        start_at=start,
        audience=Audience.connections,
        status=RequestStatus.completed,
        helper_id=helper.id,
        matched_at=start - timedelta(days=2),
        premeeting_required=True,
        premeeting_requester_at=start - timedelta(days=1),
        premeeting_helper_at=start - timedelta(days=1),
        completed_at=start + timedelta(hours=3),
        created_at=start - timedelta(days=3),
    )
    db.session.add(
        HelpOffer(help_request_id=request.id, helper_id=helper.id, status=OfferStatus.chosen)
    )
    db.session.add(
        ActivityReport(
            help_request_id=request.id,
            started_at=start,
            ended_at=start + timedelta(hours=2),
            thank_you_yen=1200,
            filed_by_id=helper.id,
            filed_at=start + timedelta(hours=2),
            confirmed_at=start + timedelta(hours=3),
            confirmed_by_id=requester.id,
        )
    )
