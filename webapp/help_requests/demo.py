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


PAST_KINDS = [RequestKind.pickup, RequestKind.childcare, RequestKind.lend, RequestKind.give_away]


def seed_past_year(rng, now) -> None:
    """Requests of the past eleven months, most done and reported, some ended without a helper
    or cancelled: the history the dashboard and the monthly report show."""
    residents = list(
        db.session.scalars(
            select(Person)
            .join(Household, Household.id == Person.household_id)
            .where(Person.member_number.is_not(None))
            .options(selectinload(Person.household))
            .order_by(Person.id)
        )
    )
    outcomes = [RequestStatus.completed] * 6 + [RequestStatus.expired, RequestStatus.cancelled]
    for months_ago in range(11, 0, -1):
        for n in range(2 + months_ago % 3):
            person = residents[(months_ago * 3 + n) % len(residents)]
            posted = now - timedelta(days=months_ago * 30 + n, hours=rng.randrange(0, 8))
            neighbours = [
                p
                for p in residents
                if p.household.area_id == person.household.area_id
                and p.id != person.id
                and p.created_at < posted
            ]
            if person.created_at > posted or not neighbours:
                continue  # they had not joined yet, or had nobody to ask
            _past_request(
                person,
                neighbours[rng.randrange(len(neighbours))],
                kind=PAST_KINDS[(months_ago + n) % len(PAST_KINDS)],
                posted=posted,
                status=outcomes[rng.randrange(len(outcomes))],
            )


def _past_request(requester: Person, helper: Person, *, kind, posted, status) -> None:
    start = posted + timedelta(days=2)
    values = {"kind": kind, "title": "以前のお願い", "start_at": start, "status": status}
    if status is RequestStatus.cancelled:
        values.update(
            cancelled_at=posted + timedelta(days=1),
            cancelled_by_id=requester.id,
            cancel_reason="予定が変わりました",
        )
    if status is RequestStatus.completed:
        values.update(
            helper_id=helper.id,
            matched_at=posted + timedelta(hours=5),
            completed_at=start + timedelta(hours=3),
            audience=Audience.area,
        )
    request = make_help_request(requester, created_at=posted, **values)
    if status is RequestStatus.completed:
        db.session.add(
            HelpOffer(help_request_id=request.id, helper_id=helper.id, status=OfferStatus.chosen)
        )
        db.session.add(
            ActivityReport(
                help_request_id=request.id,
                started_at=start,
                ended_at=start + timedelta(hours=2),
                thank_you_yen=1000 if kind in (RequestKind.pickup, RequestKind.childcare) else 0,
                filed_by_id=helper.id,
                filed_at=start + timedelta(hours=2),
                confirmed_at=start + timedelta(hours=3),
                confirmed_by_id=requester.id,
            )
        )
