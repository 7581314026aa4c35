"""Capacity holds when many people sign up at the same second: 50 guests, each on their own
device (cookies and CSRF token), post the signup form to the live server at once for a
10-place event. Runs on SQLite, and on PostgreSQL when DATABASE_URL points there."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar

from sqlalchemy import select

from tests.factories import make_event
from webapp.events.models import Signup, SignupStatus
from webapp.extensions import db

GUESTS = 50
PLACES = 10
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # keep the 302: it tells where the signup landed


class Device:
    """One guest's phone: its own cookies, its own form token."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        self.token = None

    def open_form(self, url: str) -> None:
        with self.opener.open(url, timeout=30) as response:
            self.token = CSRF_RE.search(response.read().decode()).group(1)

    def post(self, url: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, ""
        except urllib.error.HTTPError as answer:  # the 302 (or an error) arrives here
            return answer.code, answer.headers.get("Location", "")


def test_fifty_guests_at_once_for_ten_places(live_server, town):
    event = make_event(town["misono"], capacity=PLACES)
    db.session.commit()
    url = f"{live_server}/events/{event.id}/sign-up"
    devices = [Device() for _ in range(GUESTS)]
    for device in devices:
        device.open_form(url)

    start = threading.Barrier(GUESTS)
    answers: list = [None] * GUESTS

    def guest(i: int) -> None:
        form = {
            "name": f"同時 太郎{i:02d}",
            "kana": "",
            "phone": f"090-5555-{i:04d}",
            "adults": "1",
            "children": "1",
            "children_ages": "",
        }
        start.wait()
        try:
            answers[i] = devices[i].post(url, form)
        except Exception as error:  # noqa: BLE001  (recorded and asserted below)
            answers[i] = (None, repr(error))

    threads = [threading.Thread(target=guest, args=(i,)) for i in range(GUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [a[0] for a in answers] == [302] * GUESTS, [a for a in answers if a[0] != 302]
    assert all(a[1].startswith("/events/signups/") for a in answers)
    db.session.commit()  # end the test's own read transaction: see what the server wrote
    rows = list(db.session.scalars(select(Signup).where(Signup.event_id == event.id)))
    assert len(rows) == GUESTS
    assert Counter(s.status for s in rows) == {
        SignupStatus.confirmed: PLACES,
        SignupStatus.waitlisted: GUESTS - PLACES,
    }
    assert len({s.phone for s in rows}) == GUESTS and len({s.code for s in rows}) == GUESTS
    # The first ten to get the lock hold the places; the rest wait in the order they came.
    by_arrival = sorted(rows, key=lambda s: s.id)
    assert {s.status for s in by_arrival[:PLACES]} == {SignupStatus.confirmed}
    assert {s.id for s in rows if s.status is SignupStatus.confirmed} == {
        s.id for s in by_arrival[:PLACES]
    }
