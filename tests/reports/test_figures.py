"""Each figure of the dashboard, computed on a hand-built town whose answers are known."""

from datetime import date

import pytest

from tests.conftest import count_queries
from tests.factories import make_area, make_event, make_signup
from tests.reports.conftest import past_request, resident, staff, town_moment
from webapp.areas.models import Membership, Role
from webapp.events import checkin
from webapp.events.models import EventStatus
from webapp.extensions import db
from webapp.help_requests.models import RequestKind, RequestStatus
from webapp.reports.figures import area_report, reports_for
from webapp.reports.periods import Period

APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)
NOW = town_moment(2026, 7, 15)
TODAY = date(2026, 7, 15)
SPRING = Period(APRIL, JUNE)


@pytest.fixture
def misono():
    """Misono, known answers for April–June 2026; Hino next door must never leak in."""
    area = make_area(
        name="美園",
        kpi_households=10,
        kpi_members=20,
        kpi_supporters=2,
        kpi_events=3,
        kpi_completed_requests=5,
    )
    hino = make_area(name="日野")
    door = staff(area)  # joined now (December): after the period, not counted in it
    early = [resident(area, town_moment(2026, 2, d)) for d in (3, 4)]
    for day in (1, 2, 30):
        resident(area, town_moment(2026, 4, day))
    resident(area, town_moment(2026, 6, 30, 23))  # still June in Japan
    resident(area, town_moment(2026, 7, 1))  # after the period
    supporter = staff(area, Role.supporter)
    db.session.get(Membership, supporter.memberships[0].id).certified_until = date(2027, 3, 31)
    lapsed = staff(area, Role.supporter)
    db.session.get(Membership, lapsed.memberships[0].id).certified_until = date(2026, 7, 14)

    hanako = early[0]
    for kind, status in [
        (RequestKind.childcare, RequestStatus.completed),
        (RequestKind.childcare, RequestStatus.completed),
        (RequestKind.lend, RequestStatus.cancelled),
        (RequestKind.pickup, RequestStatus.open),  # its start passed: expired, untouched
    ]:
        past_request(hanako, area, posted=town_moment(2026, 4, 12), kind=kind, status=status)
    past_request(
        hanako, area, posted=town_moment(2026, 5, 3), kind=RequestKind.pickup, status="completed"
    )
    past_request(
        hanako, area, posted=town_moment(2026, 5, 4), kind=RequestKind.pickup, status="expired"
    )
    past_request(hanako, area, posted=town_moment(2026, 7, 2), status=RequestStatus.completed)
    neighbour = resident(hino, town_moment(2026, 4, 5))
    past_request(neighbour, hino, posted=town_moment(2026, 4, 6), status=RequestStatus.completed)

    held = make_event(
        area, starts_at=town_moment(2026, 4, 19, 10), ends_at=town_moment(2026, 4, 19, 12)
    )
    arrivals = [make_signup(held, adults=1, children=1), make_signup(held, adults=1, children=0)]
    make_signup(held)  # signed up, did not come
    make_event(
        area,
        starts_at=town_moment(2026, 6, 7, 10),
        ends_at=town_moment(2026, 6, 7, 12),
        status=EventStatus.cancelled,
    )
    make_event(area, starts_at=town_moment(2026, 6, 21, 10), ends_at=town_moment(2026, 6, 21, 12))
    make_event(hino, starts_at=town_moment(2026, 5, 1, 10), ends_at=town_moment(2026, 5, 1, 12))
    db.session.commit()
    for signup in arrivals:
        checkin.check_in(signup, actor=door)
    return area


def test_members_and_households(misono):
    report = area_report(misono, SPRING, now=NOW, today=TODAY)
    assert report.households == 6  # two before April, three in April, one in June
    assert report.members == 6 + 0  # staff joined in December, after the period
    assert report.total.households_joined == 4
    assert report.total.members_joined == 4
    assert [m.households_joined for m in report.months] == [3, 0, 1]


def test_supporters_certified_today(misono):
    assert area_report(misono, SPRING, now=NOW, today=TODAY).supporters_certified == 1
    later = area_report(misono, SPRING, now=NOW, today=date(2027, 4, 1))
    assert later.supporters_certified == 0


def test_requests_by_month_and_resolution_rate(misono):
    report = area_report(misono, SPRING, now=NOW, today=TODAY)
    april, may, june = report.months
    assert (april.requests_posted, april.requests_completed) == (4, 2)
    assert (april.requests_cancelled, april.requests_expired) == (1, 1)
    assert april.resolution_rate == 0.5
    assert (may.requests_posted, may.requests_completed, may.requests_expired) == (2, 1, 1)
    assert june.requests_posted == 0 and june.resolution_rate is None
    assert report.total.requests_posted == 6
    assert report.total.resolution_rate == 0.5
    assert report.total.requests_in_progress == 0


def test_requests_by_kind(misono):
    kinds = {k.kind: k for k in area_report(misono, SPRING, now=NOW, today=TODAY).kinds}
    assert (kinds[RequestKind.childcare].posted, kinds[RequestKind.childcare].completed) == (2, 2)
    assert kinds[RequestKind.lend].cancelled == 1
    pickup = kinds[RequestKind.pickup]
    assert (pickup.posted, pickup.completed, pickup.expired) == (3, 1, 2)
    assert kinds[RequestKind.errand].posted == 0
    report = area_report(misono, SPRING, now=NOW, today=TODAY)
    may = {k.kind: k for k in report.kinds_by_month[MAY]}
    assert (may[RequestKind.pickup].posted, may[RequestKind.pickup].expired) == (2, 1)
    assert sum(k.posted for k in report.kinds_by_month[JUNE]) == 0


def test_an_open_request_is_not_expired_before_its_start(misono):
    # On 12 April at noon the open pick-up (starting on the 13th) is still waiting.
    report = area_report(misono, Period.month(APRIL), now=town_moment(2026, 4, 12, 13), today=TODAY)
    assert report.total.requests_expired == 0
    assert report.total.requests_in_progress == 1


def test_events_held_and_attendance(misono):
    report = area_report(misono, SPRING, now=NOW, today=TODAY)
    assert [m.events_held for m in report.months] == [1, 0, 1]  # the cancelled one was not held
    assert report.months[0].attendance_people == 3
    assert report.months[0].attendance_groups == 2
    before_june_21 = area_report(misono, SPRING, now=town_moment(2026, 6, 20), today=TODAY)
    assert before_june_21.total.events_held == 1


def test_kpi_progress(misono, app):
    with app.test_request_context():  # the labels are in the reader's language
        kpis = area_report(misono, SPRING, now=NOW, today=TODAY).kpis
    # Events and completed requests have yearly targets: the 12 months to June 2026.
    assert [(k.value, k.target) for k in kpis] == [(6, 10), (6, 20), (1, 2), (2, 3), (3, 5)]
    assert kpis[0].ratio == 0.6
    assert "2026年6月" in str(kpis[3].label)
    june = area_report(misono, Period.month(JUNE), now=NOW, today=TODAY)
    with app.test_request_context():
        assert [(k.value, k.target) for k in june.kpis][3:] == [(2, 3), (3, 5)]
    assert june.total.requests_completed == 0


def test_kpis_without_targets_are_left_out(app):
    area = make_area(kpi_members=150)
    db.session.commit()
    with app.test_request_context():
        kpis = area_report(area, SPRING, now=NOW, today=TODAY).kpis
    assert [(k.value, k.target) for k in kpis] == [(0, 150)]


def test_all_areas_together_and_side_by_side(misono):
    hino = db.session.scalar(db.select(type(misono)).where(type(misono).name == "日野"))
    (together,) = reports_for(None, SPRING, now=NOW, today=TODAY)
    assert together.total.requests_posted == 7
    assert together.total.requests_completed == 4
    assert together.total.events_held == 3
    assert together.households == 7
    assert reports_for([], SPRING, now=NOW, today=TODAY) == []
    side = reports_for([hino, misono], SPRING, now=NOW, today=TODAY)
    assert [r.area.name for r in side] == ["日野", "美園"]
    assert [r.total.requests_posted for r in side] == [1, 6]
    assert [r.households for r in side] == [1, 6]
    (both,) = reports_for([hino, misono], SPRING, now=NOW, today=TODAY, together=True)
    assert (both.area, both.total.requests_posted, both.households) == (None, 7, 7)
    with_kinds = reports_for([hino, misono], SPRING, now=NOW, today=TODAY, by_kind=True)
    assert [sum(k.posted for k in r.kinds) for r in with_kinds] == [1, 6]


def test_query_count_does_not_grow_with_areas_or_rows(misono):
    with count_queries() as one:
        area_report(misono, SPRING, now=NOW, today=TODAY)
    for _ in range(5):
        area = make_area()
        for month in (4, 5, 6):
            person = resident(area, town_moment(2026, month))
            past_request(person, area, posted=town_moment(2026, month, 11))
    db.session.commit()
    areas = list(db.session.scalars(db.select(type(misono))))
    with count_queries() as many:
        reports_for(areas, SPRING, now=NOW, today=TODAY)
    with count_queries() as again:
        area_report(misono, SPRING, now=NOW, today=TODAY)
    assert len(again) <= len(one) <= 6  # (the first also reloads the area)
    assert len(many) <= len(one)


def test_resolution_rate_matches_the_request_service(misono):
    """The dashboard and help_requests.stats agree on the month's resolution rate."""
    from webapp.help_requests.stats import resolution_rate

    rate = resolution_rate(area_id=misono.id, year=2026, month=4)
    april = area_report(misono, Period.month(APRIL), now=NOW, today=TODAY).total
    assert (rate.posted, rate.completed) == (april.requests_posted, april.requests_completed)
