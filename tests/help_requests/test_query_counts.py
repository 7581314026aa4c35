"""Lists run a fixed number of SQL statements per page, whatever the number of rows: with a
handful of rows, with hundreds, and on a deep page."""

import re
from datetime import timedelta

import pytest

from tests.conftest import count_queries
from tests.factories import (
    add_membership,
    make_area,
    make_connection,
    make_help_request,
    make_offer,
    make_person,
)
from webapp.areas.models import Role
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests.models import Audience, HelpOffer, OfferStatus, RequestKind
from webapp.notifications.services import notify

KINDS = list(RequestKind)


def _fill(area, me, *, requesters: int, per_requester: int):
    base = (clock_now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, area, Role.coordinator)
    n = 0
    for _ in range(requesters):
        requester = make_person(area=area)
        make_connection(me, requester)
        make_offer(requester, kind=KINDS[n % len(KINDS)])
        for _ in range(per_requester):
            request = make_help_request(
                requester,
                kind=KINDS[n % len(KINDS)],
                audience=Audience.connections if n % 2 else Audience.area,
                start_at=base + timedelta(hours=n // 3),
            )
            db.session.add(
                HelpOffer(help_request_id=request.id, helper_id=me.id, status=OfferStatus.offered)
            )
            make_help_request(me, start_at=base + timedelta(hours=n))
            notify(me, "help_request.new", url="/", title="t", name="n")
            n += 1
    db.session.commit()
    return coordinator


def _count(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


LISTS = [
    "/help-requests",
    "/help-requests?kind=childcare",
    "/help-requests/mine",
    "/help-requests/mine?role=helping",
    "/offers",
    "/notifications",
]


@pytest.fixture
def scenario(make_client):
    def build(requesters, per_requester):
        area = make_area()
        me = make_person(area=area)
        coordinator = _fill(area, me, requesters=requesters, per_requester=per_requester)
        c = make_client()
        c.sign_in(me)
        w = make_client()
        w.sign_in(coordinator)
        counts = {url: _count(c, url)[0] for url in LISTS}
        counts["/help-requests/watch"] = _count(w, "/help-requests/watch")[0]
        return counts, c

    return build


def test_query_counts_do_not_grow_with_the_data(scenario):
    small, _ = scenario(2, 2)
    large, client = scenario(30, 12)  # 360 requests, 360 of mine, 360 offers to help, ...
    assert large == small, (small, large)
    assert max(large.values()) <= 12, large
    # A deep page costs the same: follow "next page" links ten pages down.
    url = "/help-requests"
    for _ in range(10):
        count, html = _count(client, url)
        assert count == large["/help-requests"]
        url = re.search(r'href="(/help-requests\?after=[^"]+)" rel="next"', html).group(1)
        url = url.replace("&amp;", "&")
