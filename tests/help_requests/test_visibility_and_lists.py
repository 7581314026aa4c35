"""Who sees a request (the rule in Python and in SQL agree), keyset pages that neither skip
nor repeat, and the resolution rate."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_help_request, make_person
from webapp.clock import now as clock_now
from webapp.clock import today as clock_today
from webapp.extensions import db
from webapp.help_requests import lifecycle, queries
from webapp.help_requests.models import Audience, HelpRequest, RequestKind, RequestStatus
from webapp.help_requests.stats import resolution_rate
from webapp.help_requests.visibility import can_see_private_details, can_view

PEOPLE = ["hanako", "taro", "jiro", "supporter", "coordinator", "hino_coordinator", "outsider",
          "admin"]  # fmt: skip

# Who sees an open request of each audience (the requester's connection is taro).
SEES = {
    Audience.connections: {"hanako", "taro", "coordinator", "admin"},
    Audience.area: {"hanako", "taro", "jiro", "supporter", "coordinator", "admin"},
    Audience.supporters: {"hanako", "supporter", "coordinator", "admin"},
    Audience.person: {"hanako", "jiro", "coordinator", "admin"},
}
LISTED = {
    Audience.connections: {"taro"},
    Audience.area: {"taro", "jiro", "supporter", "coordinator"},
    Audience.supporters: {"supporter"},
    Audience.person: {"jiro"},
}


@pytest.mark.parametrize("audience", list(Audience))
def test_each_audience_sees_exactly_its_people(town, audience):
    request = make_help_request(
        town["hanako"],
        kind=RequestKind.lend,
        audience=audience,
        addressed_to_id=town["jiro"].id if audience is Audience.person else None,
    )
    db.session.commit()
    now, today = clock_now(), clock_today()
    seen = {who for who in PEOPLE if can_view(town[who], request, now=now, today=today)}
    assert seen == SEES[audience]
    # The list of requests to help with applies the same audience rule in SQL (watchers see
    # requests without being asked; the coordinator is also a member of the area).
    for who in PEOPLE:
        page = queries.requests_i_can_help_with(town[who], now=now, today=today)
        listed = request.id in [r.id for r in page.items]
        assert listed == (who in LISTED[audience]), who


def test_uncertified_supporter_is_not_in_the_supporters_audience(town):
    request = make_help_request(town["hanako"], audience=Audience.supporters)
    membership = town["supporter"].memberships[0]
    membership.certified_until = clock_today() - timedelta(days=1)
    db.session.commit()
    assert not can_view(town["supporter"], request, now=clock_now(), today=clock_today())


def test_matched_request_is_hidden_from_the_rest_of_the_audience(town):
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    request = make_help_request(hanako, kind=RequestKind.lend, audience=Audience.area)
    offer = lifecycle.offer_to_help(request, helper=taro, now=clock_now())
    lifecycle.choose_helper(request, offer, actor=hanako, now=clock_now())
    assert not can_view(jiro, request, now=clock_now(), today=clock_today())
    assert can_view(taro, request, now=clock_now(), today=clock_today())


def test_care_notes_only_for_requester_and_matched_helper(town):
    hanako, taro = town["hanako"], town["taro"]
    request = make_help_request(hanako, children=[town["child"]])
    assert can_see_private_details(hanako, request)
    assert not can_see_private_details(taro, request)
    assert not can_see_private_details(town["coordinator"], request)
    offer = lifecycle.offer_to_help(request, helper=taro, now=clock_now())
    assert not can_see_private_details(taro, request)
    lifecycle.choose_helper(request, offer, actor=hanako, now=clock_now())
    assert can_see_private_details(taro, request)


def test_expired_requests_leave_the_list_without_a_job(town):
    soon = make_help_request(town["hanako"], start_at=clock_now() + timedelta(minutes=30))
    db.session.commit()
    now, today = clock_now(), clock_today()
    assert [
        r.id for r in queries.requests_i_can_help_with(town["taro"], now=now, today=today).items
    ] == [soon.id]
    later = now + timedelta(hours=1)
    assert queries.requests_i_can_help_with(town["taro"], now=later, today=today).items == []
    assert not can_view(town["taro"], soon, now=later, today=today)


def test_keyset_pages_cover_every_row_once(town):
    hanako = town["hanako"]
    base = (clock_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    ids = []
    for i in range(45):  # many share a start time: the id breaks ties
        ids.append(make_help_request(hanako, start_at=base + timedelta(hours=i // 4)).id)
    db.session.commit()
    seen, cursor = [], None
    while True:
        page = queries.requests_i_can_help_with(
            town["taro"], now=clock_now(), today=clock_today(), after=cursor, limit=10
        )
        seen += [r.id for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids
    mine, cursor = [], None
    while True:
        page = queries.my_requests(hanako, today=clock_today(), after=cursor, limit=7)
        mine += [r.id for r in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert mine == list(reversed(ids))


def test_filters_by_kind_and_day(town):
    hanako = town["hanako"]
    day1 = (clock_now() + timedelta(days=2)).replace(hour=3, minute=0, second=0, microsecond=0)
    a = make_help_request(hanako, kind=RequestKind.pickup, start_at=day1)
    b = make_help_request(hanako, kind=RequestKind.childcare, start_at=day1 + timedelta(days=1))
    db.session.commit()
    taro, now, today = town["taro"], clock_now(), clock_today()
    by_kind = queries.requests_i_can_help_with(taro, now=now, today=today, kind=RequestKind.pickup)
    assert [r.id for r in by_kind.items] == [a.id]
    local_day = (day1 + timedelta(days=1)).astimezone(queries.TOWN_TZ).date()
    by_day = queries.requests_i_can_help_with(taro, now=now, today=today, day=local_day)
    assert [r.id for r in by_day.items] == [b.id]


def test_bad_cursor_starts_from_the_beginning():
    assert queries.decode_cursor("nonsense") is None
    assert queries.decode_cursor("12_x") is None
    at = datetime(2026, 11, 22, 6, 30, 15, 123456, tzinfo=UTC)
    assert queries.decode_cursor(queries.encode_cursor(at, 7)) == (at, 7)


def test_resolution_rate_per_area_and_month(town):
    hanako = town["hanako"]
    # Posted in November 2026 (town time): 4 in Misono, of which 3 completed.
    november = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    statuses = [RequestStatus.completed] * 3 + [RequestStatus.cancelled]
    for status in statuses:
        make_help_request(hanako, created_at=november, status=status)
    # 23:30 on 31 October in Japan is 14:30 UTC: counts for October, not November.
    make_help_request(
        hanako, created_at=datetime(2026, 10, 31, 14, 30, tzinfo=UTC), status="completed"
    )
    # 00:30 on 1 December in Japan is 15:30 UTC on 30 November: counts for December.
    make_help_request(hanako, created_at=datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    other = make_person(area=town["hino"])
    make_help_request(other, created_at=november, status="completed")
    make_help_request(hanako, kind=RequestKind.lend, created_at=november, status="expired")
    db.session.commit()

    rate = resolution_rate(area_id=town["misono"].id, year=2026, month=11)
    assert (rate.posted, rate.completed) == (5, 3) and rate.rate == pytest.approx(0.6)
    care = resolution_rate(
        area_id=town["misono"].id,
        year=2026,
        month=11,
        kinds=[RequestKind.pickup, RequestKind.childcare, RequestKind.pickup_childcare],
    )
    assert (care.posted, care.completed) == (4, 3) and care.rate == 0.75
    october = resolution_rate(area_id=town["misono"].id, year=2026, month=10)
    assert (october.posted, october.completed) == (1, 1)
    december = resolution_rate(area_id=town["misono"].id, year=2026, month=12)
    assert (december.posted, december.completed) == (1, 0) and december.rate == 0
    empty = resolution_rate(area_id=town["hino"].id, year=2025, month=1)
    assert empty.posted == 0 and empty.rate is None
    assert db.session.scalar(db.select(db.func.count(HelpRequest.id))) == 8
