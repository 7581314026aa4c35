"""Pages run a fixed number of SQL statements, whatever the number of rows: the lists with a
handful of rows, with hundreds, and on a deep page (read through the keyset, never an offset);
a request with one offer or twenty-five, a conversation of two messages or sixty, a member of
one area or three."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.conftest import count_queries
from tests.factories import (
    add_membership,
    make_area,
    make_child,
    make_connection,
    make_help_request,
    make_offer,
    make_person,
)
from webapp.areas.models import Role
from webapp.clock import now as clock_now
from webapp.clock import today as clock_today
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.help_requests.models import Audience, HelpOffer, OfferStatus, RequestKind
from webapp.help_requests.queries import decode_cursor
from webapp.households.models import Household
from webapp.notifications.services import notify
from webapp.threads.models import Thread
from webapp.threads.services import post_message

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


def test_deep_pages_use_the_keyset_path(scenario):
    """A later page asks SQL for the rows after the cursor (never an offset): its statement
    carries the cursor's start and id, and reads the requests through index ranges only."""
    _counts, client = scenario(30, 4)
    html = client.get("/help-requests").get_data(as_text=True)
    for _ in range(3):
        url = re.search(r'href="(/help-requests\?after=[^"]+)" rel="next"', html).group(1)
        html = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
    cursor = url.rsplit("after=", 1)[1].split("&")[0]
    at, row_id = decode_cursor(cursor)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url.replace("&amp;", "&")).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    [(sql, params)] = [(s, p) for s, p in statements if "FROM help_requests" in s]
    values = list(params.values()) if isinstance(params, dict) else list(params)
    assert row_id in values
    assert any(isinstance(v, str) and v.startswith(f"{at:%Y-%m-%d %H:%M}") for v in values) or (
        at in values
    )
    assert re.search(r"\(help_requests\.start_at, help_requests\.id\) >", sql)
    assert " OFFSET " not in sql or values[-1] == 0
    if db.engine.dialect.name == "sqlite":
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
        details = [row[3] for row in plan]
        assert not [d for d in details if d.startswith("SCAN help_requests")], details


def _request_with_offers(area, *, helpers: int, messages: int):
    """A request with `helpers` offers (the first a certified supporter), two children, and a
    conversation of `messages` messages with the first helper."""
    requester = make_person(area=area, display_name="依頼する人")
    household = db.session.get(Household, requester.household_id)
    children = [make_child(household), make_child(household)]
    request = make_help_request(requester, children=children, audience=Audience.area)
    people = []
    for n in range(helpers):
        helper = make_person(area=area, role=Role.supporter if n == 0 else Role.member)
        if n == 0:
            helper.memberships[0].certified_until = clock_today() + timedelta(days=30)
        lifecycle.offer_to_help(request, helper=helper, now=clock_now(), message="行けます")
        people.append(helper)
    thread = db.session.scalar(
        db.select(Thread).where(Thread.help_request_id == request.id).order_by(Thread.id)
    )
    for n in range(messages - 1):
        author = requester if n % 2 == 0 else people[0]
        post_message(thread, author=author, body=f"メッセージ{n}", now=clock_now())
    return requester, request, thread, people


@pytest.fixture
def request_pages(make_client):
    """Query counts of the request page (as its requester, as someone who offered and as a
    neighbour who may offer), its conversation, and the home page, for one size of data."""

    def build(helpers, messages, areas):
        area = make_area()
        requester, request, thread, people = _request_with_offers(
            area, helpers=helpers, messages=messages
        )
        neighbour = make_person(area=area)
        for _ in range(areas - 1):
            add_membership(requester, make_area())
        clients = {}
        for who, person in {
            "requester": requester,
            "helper": people[0],
            "neighbour": neighbour,
        }.items():
            clients[who] = make_client()
            clients[who].sign_in(person)
        pages = {
            ("requester", f"/help-requests/{request.id}"),
            ("helper", f"/help-requests/{request.id}"),
            ("neighbour", f"/help-requests/{request.id}"),
            ("requester", f"/threads/{thread.id}"),
            ("helper", f"/threads/{thread.id}"),
            ("requester", "/"),
        }
        counts, html = {}, {}
        for who, url in sorted(pages):
            counts[who, url.split("/")[1]], html[who, url] = _count(clients[who], url)
        return counts, html, (request, thread, people)

    return build


def test_request_thread_and_home_pages_run_a_fixed_number_of_queries(request_pages):
    small, _html, _ = request_pages(helpers=1, messages=2, areas=1)
    large, html, (request, thread, people) = request_pages(helpers=25, messages=60, areas=3)
    assert large == small, (small, large)
    assert max(large.values()) <= 8, large
    # What the pages read in bulk is all there: every offer, every message, the badge of the
    # certified supporter (and only hers), the areas on the home page.
    page = html["requester", f"/help-requests/{request.id}"]
    assert page.count('id="help-offer-') == len(people)
    assert all(f'id="help-offer-{offer.id}"' in page for offer in request.offers)
    assert page.count("badge--certified") == 1
    conversation = html["helper", f"/threads/{thread.id}"]
    assert len(re.findall(r'id="message-\d+"', conversation)) == 60
    assert conversation.count("badge--certified") == 30  # her own messages
    home = html["requester", "/"]
    assert home.count("<dt>") >= 3 + 1  # member number and three areas
