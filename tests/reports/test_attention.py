"""What needs attention: done but unreported, about to expire, long waiting lists; each list
is the area's only, shows its first rows and counts the rest; the page links to each."""

from datetime import timedelta

import pytest

from tests.factories import make_area, make_event, make_signup
from tests.reports.conftest import resident, staff
from webapp.clock import now as clock_now
from webapp.events.models import EventStatus, SignupStatus
from webapp.extensions import db
from webapp.help_requests.models import ActivityReport, HelpRequest, RequestStatus
from webapp.reports import attention
from webapp.reports.attention import LONG_WAITLIST, SHOWN, needing_attention

NOW = clock_now()


def _request(person, area, *, starts_in: timedelta, status=RequestStatus.open, hours=2):
    start = NOW + starts_in
    request = HelpRequest(
        area_id=area.id,
        requester_id=person.id,
        household_id=person.household_id,
        kind="childcare",
        title=f"託児 {starts_in}",
        start_at=start,
        end_at=start + timedelta(hours=hours),
        audience="connections",
        status=status,
        created_at=NOW - timedelta(days=7),
    )
    db.session.add(request)
    db.session.flush()
    return request


@pytest.fixture
def town():
    area, other = make_area(name="美園"), make_area(name="日野")
    hanako = resident(area, NOW - timedelta(days=30))
    jiro = resident(other, NOW - timedelta(days=30))
    return {"area": area, "other": other, "hanako": hanako, "jiro": jiro}


def test_matched_and_ended_without_a_report(town):
    area, hanako = town["area"], town["hanako"]
    unreported = _request(hanako, area, starts_in=-timedelta(days=2), status=RequestStatus.matched)
    reported = _request(hanako, area, starts_in=-timedelta(days=3), status=RequestStatus.matched)
    db.session.add(
        ActivityReport(
            help_request_id=reported.id,
            started_at=reported.start_at,
            ended_at=reported.end_at,
            thank_you_yen=0,
        )
    )
    _request(hanako, area, starts_in=-timedelta(hours=1), status=RequestStatus.matched)  # going on
    _request(hanako, area, starts_in=-timedelta(days=4), status=RequestStatus.completed)
    _request(town["jiro"], town["other"], starts_in=-timedelta(days=2), status="matched")
    db.session.commit()
    listed = attention.unreported([area.id], NOW)
    assert (listed.rows, listed.total) == ([unreported], 1)


def test_open_requests_starting_within_two_days(town):
    area, hanako = town["area"], town["hanako"]
    soon = _request(hanako, area, starts_in=timedelta(hours=5))
    tomorrow = _request(hanako, area, starts_in=timedelta(hours=30))
    _request(hanako, area, starts_in=timedelta(days=3))  # not yet
    _request(hanako, area, starts_in=-timedelta(hours=1))  # already expired
    _request(hanako, area, starts_in=timedelta(hours=5), status=RequestStatus.matched)
    db.session.commit()
    listed = attention.expiring([area.id], NOW)
    assert listed.rows == [soon, tomorrow]


def test_coming_events_with_a_long_waiting_list(town):
    area = town["area"]
    long_line = make_event(area, capacity=1)
    short_line = make_event(area, capacity=1)
    past = make_event(area, capacity=1, starts_at=NOW - timedelta(days=1), ends_at=NOW)
    cancelled = make_event(area, capacity=1, status=EventStatus.cancelled)
    for event, waiting in ((long_line, LONG_WAITLIST + 1), (short_line, LONG_WAITLIST - 1)):
        for _ in range(waiting):
            make_signup(event, status=SignupStatus.waitlisted)
    for event in (past, cancelled):
        for _ in range(LONG_WAITLIST):
            make_signup(event, status=SignupStatus.waitlisted)
    db.session.commit()
    listed = attention.waitlists([area.id], NOW)
    assert listed.rows == [(long_line, LONG_WAITLIST + 1)]


def test_long_lists_show_their_first_rows_and_count_the_rest(town):
    for hours in range(SHOWN + 3):
        _request(town["hanako"], town["area"], starts_in=timedelta(hours=hours + 1))
    db.session.commit()
    listed = needing_attention([town["area"].id], now=NOW).expiring
    assert (len(listed.rows), listed.total, listed.more) == (SHOWN, SHOWN + 3, 3)
    assert needing_attention([town["other"].id], now=NOW).anything is False


def test_the_dashboard_links_to_each(town, make_client):
    area = town["area"]
    request = _request(town["hanako"], area, starts_in=timedelta(hours=5))
    event = make_event(area, capacity=1)
    for _ in range(LONG_WAITLIST):
        make_signup(event, status=SignupStatus.waitlisted)
    coordinator = staff(area)
    db.session.commit()
    client = make_client()
    client.sign_in(coordinator)
    page = client.get(f"/dashboard/areas/{area.id}").get_data(as_text=True)
    assert f'href="/help-requests/{request.id}"' in page
    assert f'href="/manage/events/{event.id}"' in page
    assert "まもなく始まるのに手伝う人がいないお願い（1件）" in page
