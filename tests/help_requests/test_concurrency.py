"""Several helpers pressing at the same moment, through the real server in parallel threads:
exactly one is matched (SQLite and PostgreSQL alike; run with DATABASE_URL for the latter)."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.factories import make_connection, make_help_request, make_person
from webapp.extensions import db
from webapp.help_requests.models import HelpOffer, HelpRequest, OfferStatus, RequestStatus
from webapp.notifications.models import Notification

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's own cookies and CSRF token, talking to the live server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = None

    def request(self, path, data=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, person):
        _status, html = self.request("/sign-in")
        token = CSRF.search(html).group(1)
        status, _ = self.request(
            "/sign-in",
            {"csrf_token": token, "identifier": person.member_number, "password": "password123"},
        )
        assert status == 302
        _status, html = self.request("/")
        self.token = CSRF.search(html).group(1)

    def post(self, path, data=None) -> int:
        return self.request(path, {"csrf_token": self.token, **(data or {})})[0]


def _at_once(calls):
    """Run the calls in threads released together; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.slow
def test_first_offer_wins_under_contention(live_server):
    requester = make_person(display_name="はなこ")
    helpers = [make_person(display_name=f"helper{i}") for i in range(4)]
    for helper in helpers:
        make_connection(requester, helper)
    request = make_help_request(requester, first_offer_wins=True)
    db.session.commit()
    browsers = []
    for helper in helpers:
        b = Browser(live_server)
        b.sign_in(helper)
        browsers.append(b)

    url = f"/help-requests/{request.id}/offer"
    statuses = _at_once([lambda b=b: b.post(url, {"message": ""}) for b in browsers])
    assert statuses == [302] * len(browsers)

    db.session.commit()  # end the test's own read snapshot, then look
    stored = db.session.get(HelpRequest, request.id)
    assert stored.status is RequestStatus.matched
    assert stored.helper_id in {h.id for h in helpers}
    offers = db.session.scalars(
        db.select(HelpOffer).where(HelpOffer.help_request_id == request.id)
    ).all()
    assert [(o.helper_id, o.status) for o in offers] == [(stored.helper_id, OfferStatus.chosen)]
    accepted = db.session.scalar(
        db.select(db.func.count(Notification.id)).where(
            Notification.kind == "help_request.accepted"
        )
    )
    assert accepted == 1


@pytest.mark.slow
def test_requester_choosing_twice_at_once_matches_one(live_server):
    requester = make_person()
    helpers = [make_person() for _ in range(3)]
    request = make_help_request(requester)
    for helper in helpers:
        make_connection(requester, helper)
        db.session.add(HelpOffer(help_request_id=request.id, helper_id=helper.id))
    db.session.commit()
    offers = db.session.scalars(
        db.select(HelpOffer).where(HelpOffer.help_request_id == request.id)
    ).all()
    # The requester has the page open on three devices and picks a different helper on each.
    browsers = []
    for _ in offers:
        b = Browser(live_server)
        b.sign_in(requester)
        browsers.append(b)
    calls = [
        lambda b=b, o=o: b.post(f"/help-requests/{request.id}/offers/{o.id}/choose")
        for b, o in zip(browsers, offers, strict=True)
    ]
    assert _at_once(calls) == [302] * len(calls)

    db.session.commit()  # end the test's own read snapshot, then look
    stored = db.session.get(HelpRequest, request.id)
    assert stored.status is RequestStatus.matched
    chosen = db.session.scalars(
        db.select(HelpOffer).where(
            HelpOffer.help_request_id == request.id, HelpOffer.status == OfferStatus.chosen
        )
    ).all()
    assert len(chosen) == 1 and chosen[0].helper_id == stored.helper_id
