"""The monthly tallies follow every change, in the right month, and agree with a recount from
the rows; deleting an account leaves the town's history in them."""

from datetime import timedelta

from sqlalchemy import select

from tests.factories import make_area, make_connection, make_event, make_help_request, make_signup
from tests.reports.conftest import past_request, resident, staff, town_moment
from webapp.clock import now as clock_now
from webapp.events import checkin
from webapp.events.signups import Party
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.help_requests.models import RequestKind, RequestStatus
from webapp.profiles.erasure import delete_account
from webapp.reports import tally
from webapp.reports.models import AreaMonth, AreaMonthKind
from webapp.reports.tally import month_of


def snapshot():
    months = {
        (r.area_id, r.month): {c: getattr(r, c) for c in tally.MONTH_COLUMNS}
        for r in db.session.scalars(select(AreaMonth))
    }
    kinds = {
        (r.area_id, r.month, r.kind): (r.posted, r.completed, r.cancelled, r.expired)
        for r in db.session.scalars(select(AreaMonthKind))
    }
    # A month whose counts are all zero is the same as no row at all.
    months = {k: v for k, v in months.items() if any(v.values())}
    kinds = {k: v for k, v in kinds.items() if any(v)}
    return months, kinds


def test_month_of_is_the_towns_month():
    # 2026-11-30 16:00 UTC is already 1 December in Japan.
    assert month_of(town_moment(2026, 12, 1, 1)).isoformat() == "2026-12-01"
    assert month_of(town_moment(2026, 11, 30, 23)).isoformat() == "2026-11-01"


def test_joining_counts_in_the_month_of_joining():
    area = make_area()
    resident(area, town_moment(2026, 3, 31, 23))  # still March in Japan, April in no way
    resident(area, town_moment(2026, 4, 1, 0))
    db.session.commit()
    months, _ = snapshot()
    march, april = (
        (area.id, town_moment(2026, 3, 1).date()),
        (area.id, town_moment(2026, 4, 1).date()),
    )
    assert months[march]["households_joined"] == 1
    assert months[march]["members_joined"] == 1
    assert months[april]["households_joined"] == 1


def _life_of_requests(area, now):
    """Requests through the real lifecycle: completed, cancelled, expired, still open."""
    hanako = resident(area, now - timedelta(days=40))
    taro = resident(area, now - timedelta(days=40))
    make_connection(hanako, taro)
    done = make_help_request(hanako, start_at=now + timedelta(hours=1))
    db.session.commit()
    lifecycle.offer_to_help(done, helper=taro, now=now)
    offer = done.offers[0]
    lifecycle.choose_helper(done, offer, actor=hanako, now=now)
    for person in (hanako, taro):
        lifecycle.tick_premeeting(done, actor=person, now=now)
    later = now + timedelta(hours=4)
    lifecycle.file_report(
        done,
        actor=taro,
        started_at=now + timedelta(hours=1),
        ended_at=now + timedelta(hours=3),
        thank_you_yen=1000,
        notes=None,
        now=later,
    )
    lifecycle.confirm_report(done, actor=hanako, now=later)

    cancelled = make_help_request(hanako, kind=RequestKind.lend)
    db.session.commit()
    lifecycle.cancel_request(cancelled, actor=hanako, reason="見つかりました", now=now)

    expired = make_help_request(hanako, start_at=now + timedelta(hours=2))
    db.session.commit()
    lifecycle.refresh_status(expired, now=now + timedelta(hours=3))
    db.session.commit()

    make_help_request(hanako, kind=RequestKind.errand)  # open
    db.session.commit()
    return hanako, [done, cancelled, expired]


def test_requests_are_counted_through_their_life():
    area = make_area()
    now = clock_now()
    _hanako, (done, cancelled, expired) = _life_of_requests(area, now)
    assert (done.status, cancelled.status, expired.status) == (
        RequestStatus.completed,
        RequestStatus.cancelled,
        RequestStatus.expired,
    )
    months, kinds = snapshot()
    month = month_of(done.created_at)
    assert {k: months[(area.id, month)][f"requests_{k}"] for k in ("posted", "completed")} == {
        "posted": 4,
        "completed": 1,
    }
    assert months[(area.id, month)]["requests_cancelled"] == 1
    assert months[(area.id, month)]["requests_expired"] == 1
    assert kinds[(area.id, month, "childcare")] == (2, 1, 0, 1)
    assert kinds[(area.id, month, "lend")] == (1, 0, 1, 0)
    assert kinds[(area.id, month, "errand")] == (1, 0, 0, 0)


def test_attendance_follows_check_ins_undo_walk_ins_and_paper():
    area = make_area()
    door = staff(area)
    event = make_event(
        area, starts_at=town_moment(2026, 5, 17, 10), ends_at=town_moment(2026, 5, 17, 12)
    )
    one = make_signup(event, adults=1, children=2)
    two = make_signup(event, adults=2, children=1)
    three = make_signup(event, adults=1, children=0)
    db.session.commit()
    checkin.check_in(one, actor=door)
    checkin.check_in(one, actor=door)  # twice is harmless: counted once
    checkin.check_in(two, actor=door)
    checkin.undo_check_in(two, actor=door)
    checkin.add_walk_in(
        event,
        party=Party(
            name="飛び入り", kana="トビイリ", phone=None, adults=1, children=1, children_ages=[3]
        ),
        actor=door,
    )
    checkin.key_in_attendance(
        event, {one.id, three.id}, actor=door
    )  # and the walk-in? not on paper
    months, _ = snapshot()
    may = months[(area.id, town_moment(2026, 5, 1).date())]
    # one (3 people) and three (1) by paper; the walk-in was taken off by the paper sheet too.
    assert (may["attendance_people"], may["attendance_groups"]) == (4, 2)


def test_tallies_agree_with_a_recount():
    area, other = make_area(), make_area()
    now = clock_now()
    _life_of_requests(area, now)
    for month in (1, 2, 3):
        person = resident(other, town_moment(2026, month))
        past_request(person, other, posted=town_moment(2026, month), status=RequestStatus.completed)
        past_request(person, other, posted=town_moment(2026, month, 20), kind=RequestKind.pickup)
    event = make_event(
        other, starts_at=town_moment(2026, 2, 1, 10), ends_at=town_moment(2026, 2, 1, 12)
    )
    signup = make_signup(event, adults=2, children=2)
    db.session.commit()
    checkin.check_in(signup, actor=staff(other))
    db.session.commit()
    before = snapshot()
    tally.recount()
    db.session.commit()
    assert snapshot() == before


def test_a_deleted_account_stays_in_the_history():
    area = make_area()
    now = clock_now()
    hanako, _requests = _life_of_requests(area, now)
    months_before, kinds_before = snapshot()
    delete_account(hanako, now=now)
    months, kinds = snapshot()
    assert kinds == kinds_before  # her requests were deleted; the counts stay
    month = (area.id, month_of(now))
    assert months[month]["members_left"] == months_before[month]["members_left"] + 1
    assert months[month]["households_left"] == months_before[month]["households_left"] + 1
    assert months[month]["requests_posted"] == months_before[month]["requests_posted"]


def test_housekeeping_writes_back_expiries_and_tells_the_requester():
    from webapp.help_requests.expiry import write_back_expiries
    from webapp.notifications.models import Notification

    area = make_area()
    now = clock_now()
    hanako = resident(area, now - timedelta(days=10))
    passed = make_help_request(hanako, start_at=now - timedelta(hours=1))
    coming = make_help_request(hanako, start_at=now + timedelta(hours=1))
    matched = make_help_request(hanako, start_at=now - timedelta(hours=2), status="matched")
    db.session.commit()
    assert write_back_expiries(now=now) == 1
    db.session.commit()
    assert (passed.status, coming.status, matched.status) == (
        RequestStatus.expired,
        RequestStatus.open,
        RequestStatus.matched,
    )
    kinds = [n.kind for n in db.session.scalars(select(Notification))]
    assert kinds == ["help_request.expired"]
    months, _ = snapshot()
    assert months[(area.id, month_of(passed.created_at))]["requests_expired"] == 1
    assert write_back_expiries(now=now) == 0
