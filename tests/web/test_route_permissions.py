"""Every route, every role: who is turned away, and how.

Each URL rule of the app has an entry in RULES (a test fails when a route has none, so a new
route cannot go unchecked). An entry says what each role gets: guests are sent to sign in,
people without the role get 403, people who may not see someone else's record get 404. Every
refusal is checked as a plain request and as an htmx request (fragments are URLs too), and a
refused request changes nothing in the database. Every form post without its CSRF token is
refused (400), even for an admin. Roles that may open a page get it (200), which also proves
that each URL points at a real record, so a 404 is a refusal and not a typo. Allowed form
posts are not sent here: each domain's own tests post them.
"""

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import (
    add_membership,
    issue_login_card,
    make_area,
    make_child,
    make_connection,
    make_event,
    make_help_request,
    make_household,
    make_offer,
    make_person,
    make_signup,
    make_training_module,
    make_training_record,
)
from webapp.areas.models import Membership, Role
from webapp.clock import now as clock_now
from webapp.clock import today as clock_today
from webapp.connections.models import ConnectionInvite
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.notifications.models import FollowUpCall, Notification
from webapp.threads.models import Thread

SIGNED_IN = [
    "member",  # a resident of 美園 who is in none of the records below
    "outsider",  # a resident of 日野
    "supporter",  # a certified supporter of 美園
    "hino_supporter",
    "coordinator",  # the coordinator of 美園
    "hino_coordinator",
    "admin",
]
EVERYONE = ["guest", *SIGNED_IN]
SUPPORTERS = {"supporter", "hino_supporter", "coordinator", "hino_coordinator", "admin"}
COORDINATORS = {"coordinator", "hino_coordinator", "admin"}
MISONO_DESK = {"supporter", "coordinator", "admin"}
MISONO_COORDINATION = {"coordinator", "admin"}
MEMBERS = {"member", "outsider", "supporter", "hino_supporter"}  # people with a household
OK = "ok"  # allowed; checked (200) for a page, left to the domain's tests for a form post
SIGN_IN = "sign-in"  # a redirect to the sign-in page


def rule(method, url, *, ok=(), refused=403, guest=SIGN_IN, **others):
    """What every role gets from `method url`: OK for `ok`, `refused` for the rest of the
    signed-in roles, `guest` for guests; `others` names single roles (also owners such as
    hanako, whose records the URLs point at)."""
    expected = {"guest": guest}
    expected.update({who: OK if who in ok else refused for who in SIGNED_IN})
    expected.update(others)
    return method, url, expected


def public(method, url, **others):
    return rule(method, url, ok=SIGNED_IN, **{"guest": OK, **others})


def members_only(method, url, **others):
    return rule(method, url, ok=SIGNED_IN, **others)


def hers(method, url, refused=404, **others):
    """A record of hanako's: hers alone."""
    return rule(method, url, refused=refused, **{"hanako": OK, **others})


RULES = [
    # pages, accounts, language
    public("GET", "/"),
    public("GET", "/health"),
    public("POST", "/language"),
    public("GET", "/sign-in", **{who: 302 for who in SIGNED_IN}),
    public("POST", "/sign-in"),
    members_only("POST", "/sign-out"),
    # areas: admins create them and appoint coordinators; coordinators keep their own
    rule("GET", "/areas", ok=COORDINATORS),
    rule("GET", "/areas/new", ok={"admin"}),
    rule("POST", "/areas/new", ok={"admin"}),
    rule("GET", "/areas/{misono}", ok=MISONO_COORDINATION),
    rule("GET", "/areas/{misono}/edit", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/edit", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/coordinators", ok={"admin"}),
    rule("GET", "/areas/{misono}/coordinators/new", ok={"admin"}),
    rule("POST", "/areas/{misono}/coordinators/new", ok={"admin"}),
    rule("POST", "/areas/{misono}/coordinators/{coordinator_id}/remove", ok={"admin"}),
    # supporters and their training
    rule("GET", "/supporters", ok={"admin"}, coordinator=302, hino_coordinator=302),
    rule("GET", "/supporters/me", ok=COORDINATORS, supporter=302, hino_supporter=302),
    rule("GET", "/areas/{misono}/supporters", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/supporters", ok=MISONO_COORDINATION),
    # a supporter sees their own page too
    rule("GET", "/areas/{misono}/supporters/{supporter_id}", ok=MISONO_DESK),
    rule("POST", "/areas/{misono}/supporters/{supporter_id}/certify", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/supporters/{supporter_id}/end", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/supporters/{supporter_id}/training", ok=MISONO_COORDINATION),
    rule(
        "POST",
        "/areas/{misono}/supporters/{supporter_id}/training/{record}/remove",
        ok=MISONO_COORDINATION,
    ),
    rule("GET", "/areas/{misono}/training", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/training", ok=MISONO_COORDINATION),
    rule("GET", "/areas/{misono}/training/{module}/edit", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/training/{module}/edit", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/training/{module}/remove", ok=MISONO_COORDINATION),
    rule("POST", "/areas/{misono}/training/period", ok=MISONO_COORDINATION),
    rule("GET", "/audit-log", ok=COORDINATORS),
    # households
    rule("GET", "/households/{household}", ok=MISONO_DESK, refused=404, hanako=OK),
    # registration: self sign-up is for guests; the help desk for its own areas
    public("GET", "/join", **{who: 302 for who in SIGNED_IN}),
    public("POST", "/join"),
    # the steps send anyone without a sign-up under way back to the start
    *(
        public(method, f"/join/{step}", **{who: 302 for who in EVERYONE})
        for method in ("GET", "POST")
        for step in ("about", "contact", "area", "adults", "children", "consents", "check")
    ),
    public("POST", "/join/check-field/about"),
    public("POST", "/join/adults/0/remove"),
    rule("GET", "/help-desk", ok=SUPPORTERS),
    rule("POST", "/help-desk/finish", ok=SUPPORTERS),
    rule("GET", "/help-desk/areas/{misono}/register", ok=MISONO_DESK),
    rule("POST", "/help-desk/areas/{misono}/register", ok=MISONO_DESK),
    rule("GET", "/help-desk/areas/{misono}/paper", ok=MISONO_DESK),
    rule("POST", "/help-desk/areas/{misono}/paper", ok=MISONO_DESK),
    rule("POST", "/help-desk/areas/{misono}/check", ok=MISONO_DESK),
    rule("GET", "/help-desk/areas/{misono}/paper-form.pdf", ok=MISONO_DESK),
    *(
        rule(
            method,
            f"/help-desk/people/{{hanako_id}}{path}",
            ok=MISONO_DESK,
            hino_supporter=404,
            hino_coordinator=404,
        )
        for method, path in [
            ("GET", ""),
            ("POST", "/assist"),
            ("GET", "/card"),
            ("POST", "/card"),
        ]
    ),
    # the help desk edits a resident's profile: anybody else meets a 404
    *(
        rule(method, f"/help-desk/people/{{hanako_id}}{path}", ok=MISONO_DESK, refused=404)
        for method, path in [
            ("GET", "/profile"),
            ("GET", "/details"),
            ("POST", "/details"),
            ("GET", "/children/new"),
            ("POST", "/children/new"),
            ("GET", "/children/{child}/edit"),
            ("POST", "/children/{child}/edit"),
            ("POST", "/children/{child}/remove"),
            ("GET", "/adults/new"),
            ("POST", "/adults/new"),
            ("POST", "/adults/{adult}/remove"),
        ]
    ),
    # profiles: one's own; someone else's child or adult is a 404
    *(
        members_only(method, path)
        for method, path in [
            ("GET", "/profile"),
            ("GET", "/profile/details"),
            ("POST", "/profile/details"),
            ("GET", "/profile/password"),
            ("POST", "/profile/password"),
            ("GET", "/profile/data.json"),
            ("GET", "/profile/data.csv"),
            ("GET", "/profile/delete"),
            ("POST", "/profile/delete"),
            ("GET", "/profile/children/new"),
            ("POST", "/profile/children/new"),
            ("GET", "/profile/adults/new"),
            ("POST", "/profile/adults/new"),
        ]
    ),
    hers("GET", "/profile/children/{child}/edit"),
    hers("POST", "/profile/children/{child}/edit"),
    hers("POST", "/profile/children/{child}/remove"),
    hers("POST", "/profile/adults/{adult}/remove"),
    # login cards: printed at the desk; the card's link and code are for whoever holds it
    public("GET", "/card"),
    public("POST", "/card"),
    public("GET", "/card/{card_token}"),
    public("POST", "/card/{card_token}"),
    members_only("GET", "/welcome", **{who: 302 for who in SIGNED_IN}),  # only after a card
    members_only("POST", "/welcome/password"),
    members_only("POST", "/welcome/stay"),
    # connections
    members_only("GET", "/connections"),
    members_only("POST", "/connections/ask"),
    members_only("POST", "/connections/code"),
    hers("GET", "/connections/{connection}/remove", taro=OK),
    hers("POST", "/connections/{connection}/remove", taro=OK),
    # an invitation from the outsider to hanako: she confirms; either of them may drop it
    hers("POST", "/connections/invites/{invite}/confirm"),
    hers("POST", "/connections/invites/{invite}/decline", outsider=OK),
    rule("GET", "/connections/staff", ok=SUPPORTERS),
    rule("POST", "/connections/staff", ok=SUPPORTERS),
    # asking and helping: a request is seen by its people, its audience and its watchers
    members_only("GET", "/help-requests"),
    members_only("GET", "/help-requests/mine"),
    # the recommended thank-you is a fragment of the request form: people who cannot ask
    # (staff without a household) are refused; a plain request goes to the form
    rule("GET", "/help-requests/thank-you", ok=(), **{who: 302 for who in MEMBERS}),
    rule("GET", "/help-requests/new", ok=MEMBERS, hanako=OK),
    rule("POST", "/help-requests/new", ok=MEMBERS, hanako=OK),
    rule("GET", "/help-requests/watch", ok=COORDINATORS),
    hers(
        "GET", "/help-requests/{request}", taro=OK, coordinator=OK, admin=OK, hino_coordinator=404
    ),
    hers("GET", "/help-requests/{request}/cancel"),
    hers("POST", "/help-requests/{request}/cancel"),
    hers("POST", "/help-requests/{request}/offers/{help_offer}/choose"),
    hers("POST", "/help-requests/{request}/confirm"),
    hers("GET", "/help-requests/{matched}/pre-meeting", taro=OK),
    hers("POST", "/help-requests/{matched}/pre-meeting", taro=OK),
    rule("GET", "/help-requests/{done}/report", refused=404, taro=OK),
    rule("POST", "/help-requests/{done}/report", refused=404, taro=OK),
    rule("POST", "/help-requests/{request}/offer", refused=404, taro=OK, hanako=OK),
    # its watchers may read it; withdrawing an offer they never made does nothing
    rule(
        "POST",
        "/help-requests/{request}/withdraw",
        refused=404,
        taro=OK,
        hanako=OK,
        coordinator=302,
        admin=302,
    ),
    rule("GET", "/threads/{thread}", refused=404, ok=MISONO_COORDINATION, hanako=OK, taro=OK),
    rule("POST", "/threads/{thread}/messages", refused=404, hanako=OK, taro=OK),
    # offers: members of the offer's area see it; only its owner changes it
    members_only("GET", "/offers"),
    members_only("GET", "/offers/mine"),
    members_only("GET", "/offers/new"),
    members_only("POST", "/offers/new"),
    rule(
        "GET",
        "/offers/{offer}",
        refused=404,
        ok={"member", "supporter", "coordinator", "admin"},
        hanako=OK,
    ),
    hers("GET", "/offers/{offer}/edit"),
    hers("POST", "/offers/{offer}/edit"),
    hers("POST", "/offers/{offer}/visibility"),
    # notifications and the supporters' phone list
    members_only("GET", "/notifications"),
    # the unread count is an htmx fragment; without JavaScript its link leads to the list
    members_only("GET", "/notifications/count", **{who: 302 for who in SIGNED_IN}),
    members_only("POST", "/notifications/read"),
    hers("GET", "/notifications/{notification}", hanako=302),
    rule("GET", "/notifications/follow-up?area={misono}", ok=MISONO_DESK),
    rule("GET", "/notifications/follow-up.pdf?area={misono}", ok=MISONO_DESK),
    rule("POST", "/notifications/follow-up/calls/{call}/done", ok=MISONO_DESK),
    rule("POST", "/notifications/follow-up/people/{hanako_id}/told?area={misono}", ok=MISONO_DESK),
    # events, public side
    public("GET", "/events"),
    public("GET", "/events/{event}"),
    public("GET", "/events/{event}/calendar.ics"),
    public("GET", "/events/{event}/picture/none.jpg", **{who: 404 for who in EVERYONE}),
    public("GET", "/events/areas/{misono}/calendar.ics"),
    public("GET", "/events/{event}/sign-up"),
    public("POST", "/events/{event}/sign-up"),
    members_only("POST", "/events/{event}/sign-up-household"),
    public("GET", "/events/cancel"),
    public("POST", "/events/cancel"),
    rule("GET", "/events/signups/{signup_code}", refused=404, guest=404, ok=MISONO_COORDINATION),
    hers("POST", "/events/{event}/cancel-mine"),
    # events, staff side: the coordinators of its area (and supporters they add)
    rule("GET", "/manage/events", ok=SUPPORTERS),
    rule("GET", "/manage/events/new", ok=COORDINATORS),
    rule("POST", "/manage/events/new", ok=COORDINATORS),
    *(
        rule(method, f"/manage/events/{{event}}{path}", ok=MISONO_COORDINATION)
        for method, path in [
            ("GET", ""),
            ("GET", "/edit"),
            ("POST", "/edit"),
            ("POST", "/status"),
            ("GET", "/cancel"),
            ("GET", "/copy"),
            ("POST", "/copy"),
            ("POST", "/note"),
            ("POST", "/picture"),
            ("POST", "/picture/remove"),
            ("GET", "/signups/new"),
            ("POST", "/signups/new"),
            ("GET", "/signups/{signup}/cancel"),
            ("POST", "/signups/{signup}/cancel"),
            ("POST", "/staff"),
            ("POST", "/staff/{supporter_id}/remove"),
            ("GET", "/check-in"),
            ("GET", "/check-in/counts"),
            ("POST", "/check-in"),
            ("POST", "/undo-check-in"),
            ("GET", "/walk-in"),
            ("POST", "/walk-in"),
            ("GET", "/attendance"),
            ("POST", "/attendance"),
            ("GET", "/flyer.pdf"),
            ("GET", "/signup-sheet.pdf"),
        ]
    ),
    rule("GET", "/manage/events/areas/{misono}/month-flyer.pdf", ok=MISONO_COORDINATION),
    # the dashboard: coordinators of one area go straight to theirs
    rule("GET", "/dashboard", ok={"admin"}, coordinator=302, hino_coordinator=302),
    rule("GET", "/dashboard/figures.csv", ok=COORDINATORS),
    rule("GET", "/dashboard/areas/{misono}", ok=MISONO_COORDINATION),
    rule("GET", "/dashboard/areas/{misono}/figures.csv", ok=MISONO_COORDINATION),
    rule(
        "GET", "/dashboard/areas/{misono}/monthly-report.pdf?month=2026-11", ok=MISONO_COORDINATION
    ),
]

ELSEWHERE: set[str] = set()  # blueprints whose routes are checked in their own tests only


@pytest.fixture
def world(make_client):
    """Two areas, someone in every role, and one of every record, all in 美園."""
    misono = make_area(name="美園")
    hino = make_area(name="日野")
    household = make_household(misono)
    hanako = make_person(household, display_name="はなこ")
    adult = make_person(household, password=None, display_name="おばあちゃん")
    child = make_child(household, name="山田 ゆい", care_notes="卵アレルギー")
    people = {
        "hanako": hanako,
        "taro": make_person(area=misono, display_name="たろう"),
        "member": make_person(area=misono, display_name="じろう"),
        "outsider": make_person(area=hino),
        "supporter": make_person(area=misono, role=Role.supporter),
        "hino_supporter": make_person(area=hino, role=Role.supporter),
        "coordinator": make_person(with_household=False, role=None),
        "hino_coordinator": make_person(with_household=False, role=None),
        "admin": make_person(with_household=False, role=None, is_admin=True),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    for membership in db.session.scalars(
        select(Membership).where(Membership.role == Role.supporter)
    ):
        membership.certified_until = clock_today() + timedelta(days=365)
    connection = make_connection(hanako, people["taro"])
    invite = ConnectionInvite(from_person_id=people["outsider"].id, to_person_id=hanako.id)
    db.session.add(invite)
    request = make_help_request(hanako, children=[child])
    help_offer = lifecycle.offer_to_help(request, helper=people["taro"], now=clock_now())
    matched = _matched(hanako, people["taro"], child, start_at=None)
    done = _matched(hanako, people["taro"], child, start_at=clock_now() - timedelta(days=1))
    event = make_event(misono)
    signup = make_signup(event, name="山田 花子", person_id=hanako.id)
    module = make_training_module(misono)
    notification = Notification(person_id=hanako.id, kind="help_request.offered", url="/")
    call = FollowUpCall(area_id=misono.id, name="電話 さん", phone="09011112222", kind="x")
    db.session.add_all([notification, call])
    db.session.flush()
    ids = {
        "misono": misono.id,
        "hanako_id": hanako.id,
        "coordinator_id": people["coordinator"].id,
        "supporter_id": people["supporter"].id,
        "household": household.id,
        "child": child.id,
        "adult": adult.id,
        "connection": connection.id,
        "invite": invite.id,
        "request": request.id,
        "help_offer": help_offer.id,
        "matched": matched.id,
        "done": done.id,
        "thread": db.session.scalar(select(Thread.id).where(Thread.help_request_id == request.id)),
        "offer": make_offer(hanako).id,
        "notification": notification.id,
        "call": call.id,
        "event": event.id,
        "signup": signup.id,
        "signup_code": signup.code,
        "module": module.id,
        "record": make_training_record(people["supporter"], module).id,
    }
    ids["card_token"] = issue_login_card(
        people["member"], actor=people["supporter"], now=clock_now()
    ).token
    db.session.commit()
    clients = {"guest": make_client()}
    for who, person in people.items():
        clients[who] = make_client()
        clients[who].sign_in(person)
    return ids, clients


def _matched(requester, helper, child, *, start_at):
    """A request of `requester` that `helper` took on; a past one had its pre-meeting."""
    start_at = start_at or (clock_now() + timedelta(days=3)).replace(minute=0, second=0)
    before = start_at - timedelta(days=1)
    request = make_help_request(requester, children=[child], start_at=start_at)
    offer = lifecycle.offer_to_help(request, helper=helper, now=before)
    lifecycle.choose_helper(request, offer, actor=requester, now=before)
    if start_at < clock_now() and request.premeeting_required:
        for person in (requester, helper):
            lifecycle.tick_premeeting(request, actor=person, now=before)
    return request


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _status(response) -> str | int:
    if response.status_code == 302 and "/sign-in" in response.headers.get("Location", ""):
        return SIGN_IN
    if response.status_code == 401 and "/sign-in" in response.headers.get("HX-Redirect", ""):
        return SIGN_IN  # a fragment: htmx loads the sign-in page in the whole window
    return response.status_code


def _send(client, method, url, *, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post_form(url, {}, headers=headers)


def _group(url: str) -> str:
    """Tests are grouped by the first part of the path; the small ones go together."""
    first = url.split("?")[0].strip("/").split("/")[0]
    return first if first in GROUPS else "pages"


GROUPS = {
    "areas", "supporters", "help-desk", "profile", "connections", "help-requests", "offers",
    "notifications", "events", "manage",
}  # fmt: skip


def test_every_route_has_an_entry(app):
    """A new route needs an entry in RULES: say who may use it."""
    adapter = app.url_map.bind("localhost")
    covered = defaultdict(set)
    for method, url, _expected in RULES:
        path = re.sub(r"\{[a-z_]+\}", "1", url.split("?")[0])
        endpoint, _args = adapter.match(path, method=method)
        covered[endpoint].add(method)
    missing = [
        f"{method} {r.rule} ({r.endpoint})"
        for r in app.url_map.iter_rules()
        if r.endpoint not in ("static", "assets.serve")
        and r.endpoint.split(".")[0] not in ELSEWHERE
        for method in sorted(r.methods - {"HEAD", "OPTIONS"})
        if method not in covered[r.endpoint]
    ]
    assert not missing, "routes without an entry:\n" + "\n".join(missing)


@pytest.mark.parametrize("group", sorted(GROUPS | {"pages"}))
def test_each_role_gets_what_it_may_and_nothing_else(world, group):
    ids, clients = world
    rules = [r for r in RULES if _group(r[1]) == group]
    wrong = []
    before = _row_counts()
    # First every refusal (plain and htmx): none of them may change anything.
    for method, template, expected in rules:
        url = template.format(**ids)
        for who, want in expected.items():
            if want == OK or (want == 302 and method == "GET"):
                continue
            for htmx in (False, True):
                got = _status(_send(clients[who], method, url, htmx=htmx))
                if got != want:
                    wrong.append(f"{who:16} {method} {url}{' (htmx)' if htmx else ''}: {got}")
        if method == "POST":  # CSRF everywhere: without the token, nobody gets in
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                got = clients["admin"].post(url, data={}, headers=headers).status_code
                if got != 400:
                    wrong.append(f"no CSRF token     POST {url}{' (htmx)' if htmx else ''}: {got}")
    db.session.expire_all()
    changed = {t: (n, before[t]) for t, n in _row_counts().items() if n != before[t]}
    assert not changed, f"refused requests changed rows (now, before): {changed}"
    # Then the pages each role may open.
    for method, template, expected in rules:
        if method != "GET":
            continue
        url = template.format(**ids)
        for who, want in expected.items():
            if want in (OK, 302):
                got = _status(_send(clients[who], method, url, htmx=False))
                if got != (200 if want == OK else want):
                    wrong.append(f"{who:16} {method} {url}: {got}, expected it to open")
    assert not wrong, f"{len(wrong)} answers differ:\n" + "\n".join(wrong)
