"""The scale seed on 300 households: proportions, and the domain's rules on every row."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from webapp.areas.models import Area, Membership, Role
from webapp.connections.models import Connection
from webapp.events.models import CapacityUnit, Event, EventStatus, Signup, SignupStatus
from webapp.extensions import db
from webapp.help_requests.models import (
    CARE_KINDS,
    ActivityReport,
    Audience,
    HelpOffer,
    HelpRequest,
    OfferStatus,
    RequestStatus,
    help_request_children,
)
from webapp.households.models import Child, Household, Person
from webapp.offers.models import Offer
from webapp.supporters.models import TrainingModule, TrainingRecord
from webapp.threads.models import Message, Thread

from .conftest import HOUSEHOLDS

S = RequestStatus
HR = HelpRequest


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_proportions(seeded):
    n = HOUSEHOLDS
    assert count(Household) == n
    assert count(Area) == 2  # one per 200 households, at least two
    residents = count(Person, Person.household_id.is_not(None))
    assert 2.3 * n <= residents <= 2.7 * n
    accounts = count(Person, Person.household_id.is_not(None), Person.member_number.is_not(None))
    assert 0.7 <= accounts / residents <= 0.85  # most adults have an account, not all
    assert 1.3 * n <= count(Child) <= 1.7 * n
    assert 9 * n <= count(HelpRequest) <= 11 * n
    assert 1.5 * accounts <= count(Connection) <= 2.5 * accounts  # about four each
    assert count(Offer) > 0.05 * accounts
    events = count(Event)
    assert 0.25 * n <= events <= 0.35 * n
    assert 15 * events <= count(Signup) <= 25 * events
    assert count(Message) > count(Thread) > count(HelpRequest) / 2
    assert count(Membership, Membership.role == Role.supporter) >= 4  # a few per area
    assert count(TrainingModule) == 8


def test_registrations_grow_over_three_years(seeded):
    first_year = seeded.begin + timedelta(days=365)
    last_year = seeded.midnight - timedelta(days=365)
    early = count(Household, Household.created_at < first_year)
    recent = count(Household, Household.created_at >= last_year)
    assert 0 < early < recent
    assert count(HelpRequest, HR.created_at < first_year) < count(HR, HR.created_at >= last_year)
    assert count(Household, Household.created_at < seeded.begin) == 0


def test_nothing_happened_after_today_began(seeded):
    midnight = seeded.midnight
    for model, column in [
        (Person, Person.created_at),
        (Household, Household.created_at),
        (HelpRequest, HR.created_at),
        (HelpRequest, HR.matched_at),
        (HelpRequest, HR.completed_at),
        (HelpRequest, HR.cancelled_at),
        (HelpOffer, HelpOffer.created_at),
        (ActivityReport, ActivityReport.confirmed_at),
        (Message, Message.created_at),
        (Connection, Connection.created_at),
        (Event, Event.published_at),
        (Signup, Signup.created_at),
        (Signup, Signup.checked_in_at),
    ]:
        assert count(model, column >= midnight) == 0, column


def test_request_statuses_follow_the_clock(seeded):
    midnight, tomorrow = seeded.midnight, seeded.midnight + timedelta(days=1)
    assert count(HR, HR.start_at < midnight, HR.status.in_([S.open, S.matched])) == 0
    assert count(HR, HR.start_at >= midnight, HR.status.not_in([S.open, S.matched])) == 0
    assert count(HR, HR.start_at >= midnight, HR.start_at < tomorrow) == 0  # none today
    assert count(HR, HR.created_at >= HR.start_at) == 0
    assert count(HR, HR.start_at >= midnight, HR.status == S.open) > 0
    assert count(HR, HR.start_at >= midnight, HR.status == S.matched) > 0
    for status in (S.completed, S.expired, S.cancelled):
        assert count(HR, HR.status == status) > 0


def test_helpers_reports_and_offers_agree_with_the_status(seeded):
    report = ActivityReport
    matched = HR.status.in_([S.matched, S.completed])
    assert count(HR, matched, or_(HR.helper_id.is_(None), HR.matched_at >= HR.start_at)) == 0
    assert count(HR, HR.status.in_([S.open, S.expired]), HR.helper_id.is_not(None)) == 0
    completed = select(HR.id).where(HR.status == S.completed)
    assert count(report, report.help_request_id.not_in(completed)) == 0  # reports only there
    confirmed = select(report.help_request_id).where(
        report.confirmed_at == HR.completed_at, report.filed_at >= report.ended_at
    )
    reported = select(report.help_request_id).where(report.confirmed_at >= report.filed_at)
    assert count(HR, HR.status == S.completed, HR.id.not_in(confirmed)) == 0
    assert count(HR, HR.status == S.completed, HR.id.not_in(reported)) == 0
    chosen = (
        select(HelpOffer.help_request_id)
        .join(HR, HR.id == HelpOffer.help_request_id)
        .where(HelpOffer.status == OfferStatus.chosen, HelpOffer.helper_id == HR.helper_id)
    )
    assert count(HR, matched, HR.id.not_in(chosen)) == 0
    undecided = select(HelpOffer.help_request_id).where(
        HelpOffer.status.in_([OfferStatus.chosen, OfferStatus.not_chosen])
    )
    assert count(HR, HR.status.in_([S.open, S.expired]), HR.id.in_(undecided)) == 0
    cancelled = HR.status == S.cancelled
    assert (
        count(HR, cancelled, or_(HR.cancelled_at >= HR.start_at, HR.cancelled_by_id.is_(None))) == 0
    )
    ticks = or_(HR.premeeting_requester_at.is_(None), HR.premeeting_helper_at.is_(None))
    assert count(HR, HR.status == S.completed, HR.premeeting_required, ticks) == 0
    assert count(HR, HR.premeeting_required) > 0


def test_offers_come_from_the_audience_and_open_a_conversation(seeded):
    offer, request = HelpOffer, HR
    rows = db.session.execute(
        select(offer.helper_id, offer.created_at, request.requester_id, request.created_at)
        .join(request, request.id == offer.help_request_id)
        .where(request.audience == Audience.connections)
    ).all()
    pairs = {
        (c.person_a_id, c.person_b_id): c.created_at
        for c in db.session.execute(select(Connection)).scalars()
    }
    for helper, offered_at, requester, posted_at in rows:
        since = pairs.get((min(helper, requester), max(helper, requester)))
        assert since is not None and since < posted_at <= offered_at
    posted = select(request.created_at).where(request.id == offer.help_request_id)
    assert count(offer, offer.created_at < posted.scalar_subquery()) == 0
    same_helper = and_(
        Thread.help_request_id == offer.help_request_id, Thread.helper_id == offer.helper_id
    )
    assert (
        count(offer)
        == count(Thread)
        == db.session.scalar(select(func.count()).select_from(offer).join(Thread, same_helper))
    )
    talkers = (
        select(Message.id)
        .join(Thread, Thread.id == Message.thread_id)
        .join(request, request.id == Thread.help_request_id)
        .where(
            Message.author_id.not_in([Thread.helper_id, request.requester_id])
            | (Message.created_at < Thread.created_at)
        )
    )
    assert db.session.scalar(select(func.count()).select_from(talkers.subquery())) == 0


def test_care_requests_name_children_of_the_household(seeded):
    link = help_request_children
    linked = select(link.c.help_request_id)
    care = HR.kind.in_(list(CARE_KINDS))
    assert count(HR, care, HR.id.not_in(linked)) == 0
    assert count(HR, ~care, HR.id.in_(linked)) == 0
    strangers = (
        select(func.count())
        .select_from(link)
        .join(HR, HR.id == link.c.help_request_id)
        .join(Child, Child.id == link.c.child_id)
        .where(Child.household_id != HR.household_id)
    )
    assert db.session.scalar(strangers) == 0


def test_events_never_have_more_confirmed_than_capacity(seeded):
    seats = func.sum(Signup.adults + Signup.children)
    rows = db.session.execute(
        select(Event.capacity, Event.capacity_unit, func.count(Signup.id), seats)
        .join(Signup, Signup.event_id == Event.id)
        .where(Signup.status == SignupStatus.confirmed)
        .group_by(Event.id, Event.capacity, Event.capacity_unit)
    ).all()
    assert rows
    for capacity, unit, families, people in rows:
        assert (people if unit is CapacityUnit.people else families) <= capacity
    assert count(Signup, Signup.status == SignupStatus.waitlisted) > 0


def test_one_active_signup_per_person_and_phone(seeded):
    active = Signup.status != SignupStatus.cancelled
    for column in (Signup.person_id, Signup.phone):
        doubles = (
            select(Signup.event_id, column)
            .where(active, column.is_not(None))
            .group_by(Signup.event_id, column)
            .having(func.count() > 1)
        )
        assert db.session.execute(doubles).first() is None
    assert count(Signup, Signup.person_id.is_not(None)) > 0


def test_signups_follow_the_events_clock(seeded):
    midnight = seeded.midnight
    future = select(Event.id).where(Event.starts_at >= midnight)
    quiet = select(Event.id).where(Event.status.in_([EventStatus.draft, EventStatus.cancelled]))
    in_future = Signup.event_id.in_(future)
    assert count(Signup, in_future, Signup.checked_in_at.is_not(None)) == 0
    assert count(Signup, in_future, Signup.status == SignupStatus.walk_in) == 0
    assert count(Signup, Signup.event_id.in_(quiet)) == 0
    waiting = Signup.status.in_([SignupStatus.waitlisted, SignupStatus.cancelled])
    assert count(Signup, waiting, Signup.checked_in_at.is_not(None)) == 0
    assert count(Signup, Signup.checked_in_at.is_not(None)) > 0
    cancelled = Signup.status == SignupStatus.cancelled
    assert count(Signup, cancelled, Signup.cancelled_at.is_(None)) == 0
    assert count(Event, Event.starts_at >= midnight, Event.starts_at < midnight + timedelta(1)) == 0


def test_memberships_supporters_and_coordinators(seeded):
    homes = db.session.execute(
        select(Person.id, Household.area_id, Membership.area_id, Membership.role)
        .join(Household, Household.id == Person.household_id)
        .join(Membership, Membership.person_id == Person.id)
    ).all()
    per_person = Counter(person for person, *_ in homes)
    assert set(per_person.values()) <= {1, 2}  # home, and now and then a neighbouring area
    home_areas = {person for person, home, area, _ in homes if home == area}
    assert home_areas == set(per_person)
    for area_id in db.session.scalars(select(Area.id)):
        assert count(Membership, Membership.area_id == area_id, Membership.role == Role.coordinator)
    certified = db.session.execute(
        select(Membership.person_id, Membership.area_id).where(
            Membership.certified_until.is_not(None)
        )
    ).all()
    assert certified
    for person_id, area_id in certified:
        modules = select(TrainingModule.id).where(TrainingModule.area_id == area_id)
        done = select(func.count(func.distinct(TrainingRecord.module_id))).where(
            TrainingRecord.person_id == person_id, TrainingRecord.module_id.in_(modules)
        )
        assert db.session.scalar(done) == 4  # every module of the list


def test_connections_come_after_both_joined(seeded):
    a, b = aliased(Person), aliased(Person)
    too_early = (
        select(func.count())
        .select_from(Connection)
        .join(a, a.id == Connection.person_a_id)
        .join(b, b.id == Connection.person_b_id)
        .where((Connection.created_at < a.created_at) | (Connection.created_at < b.created_at))
    )
    assert db.session.scalar(too_early) == 0


def test_rows_read_back_through_the_orm(seeded):
    """The bulk writer stores what the ORM writes: aware datetimes, enums, JSON lists."""
    request = db.session.scalars(select(HelpRequest).where(HR.status == S.completed)).first()
    assert request.start_at.tzinfo is not None and request.status is S.completed
    assert request.report.confirmed_at == request.completed_at
    signup = db.session.scalars(select(Signup).where(Signup.children > 0)).first()
    assert isinstance(signup.children_ages, list) and len(signup.children_ages) == signup.children
    person = db.session.scalars(select(Person).where(Person.member_number.is_not(None))).first()
    assert len(person.member_number) == 8 and person.session_token


def test_the_dashboard_tallies_count_every_row(seeded):
    from webapp.events.models import Signup
    from webapp.help_requests.models import HelpRequest, RequestStatus
    from webapp.reports.models import AreaMonth, AreaMonthKind

    def total(column):
        return db.session.scalar(select(func.coalesce(func.sum(column), 0)))

    def rows(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    assert total(AreaMonth.requests_posted) == rows(HelpRequest) > 0
    assert total(AreaMonth.requests_completed) == rows(
        HelpRequest, HelpRequest.status == RequestStatus.completed
    )
    assert total(AreaMonthKind.posted) == rows(HelpRequest)
    assert total(AreaMonth.members_joined) == rows(Membership)
    assert total(AreaMonth.households_joined) == HOUSEHOLDS
    assert total(AreaMonth.attendance_groups) == rows(Signup, Signup.checked_in_at.is_not(None))
