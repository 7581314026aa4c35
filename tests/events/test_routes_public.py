"""Public event pages: list, event page, signing up as a guest or member, the confirmation,
cancelling with code and phone, calendar files and pictures."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import count_queries
from tests.factories import make_child, make_event, make_household, make_person, make_signup
from webapp import clock
from webapp.events.models import EventStatus, Signup, SignupSource, SignupStatus
from webapp.extensions import db

GUEST_FORM = {
    "name": "鈴木　花子",
    "kana": "すずき はなこ",
    "phone": "０９０－１２３４－５６７８",
    "email": "",
    "adults": "１",
    "children": "2",
    "children_ages": "３歳、５歳",
    "allergies": "卵",
    "accessibility": "",
}


def test_the_list_shows_public_events_by_month_not_drafts(client, town):
    draft = make_event(town["misono"], status=EventStatus.draft, title="まだ秘密の会")
    other = make_event(town["hino"], title="日野の会")
    db.session.commit()
    html = client.get("/events").get_data(as_text=True)
    assert town["event"].title in html and other.title in html and draft.title not in html
    html = client.get(f"/events?area={town['hino'].id}").get_data(as_text=True)
    assert other.title in html and town["event"].title not in html
    month = town["event"].starts_at.astimezone(clock.TOWN_TZ).strftime("%Y-%m")
    html = client.get(f"/events?month={month}").get_data(as_text=True)
    assert town["event"].title in html
    assert "残り 3組" in html


def test_the_list_answers_htmx_with_the_fragment(client, town):
    response = client.get("/events", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="events-list"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_pages_with_a_cursor_in_bounded_queries(client, town):
    def queries_for(url):
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    small, _html = queries_for("/events")
    for n in range(45):
        make_event(town["misono"], title=f"連続講座{n:02d}")
    db.session.commit()
    large, html = queries_for("/events")
    assert large == small
    assert html.count('class="card event-card"') == 20
    after = re.search(r"after=([0-9T.]+)", html).group(1)
    _count, second = queries_for(f"/events?after={after}")
    assert second.count('class="card event-card"') == 20
    assert "連続講座19" in second and "連続講座18" not in second  # same time: by id


@pytest.mark.parametrize(
    "who, expected",
    [
        ("guest", 404),
        ("member", 404),
        ("hino_coordinator", 404),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_a_draft_is_only_for_its_staff(client, signed_in, town, who, expected):
    draft = make_event(town["misono"], status=EventStatus.draft)
    db.session.commit()
    c = client if who == "guest" else signed_in(town[who])
    assert c.get(f"/events/{draft.id}").status_code == expected
    # Staff see the draft, but it takes no signups: back to its page.
    assert c.get(f"/events/{draft.id}/sign-up").status_code == (404 if expected == 404 else 302)
    assert c.get(f"/events/{draft.id}/calendar.ics").status_code == 404


def test_event_page_for_a_guest(client, town):
    html = client.get(f"/events/{town['event'].id}").get_data(as_text=True)
    assert town["event"].title in html
    assert f'href="/events/{town["event"].id}/sign-up"' in html
    assert "048-878-1234" in html  # the area's help desk phone
    assert "無料" in html


def test_event_page_and_signup_take_a_fixed_number_of_queries(client, signed_in, town):
    event = make_event(town["misono"], capacity=500)
    member = signed_in(town["member"])
    db.session.commit()
    phones = iter(f"0901111{n:04d}" for n in range(100))

    def measure():
        counted = []
        for c in (client, member):
            c.get(f"/events/{event.id}")  # the session and the form token are settled first
            with count_queries() as statements:
                assert c.get(f"/events/{event.id}").status_code == 200
            counted.append(len(statements))
        form = {**GUEST_FORM, "phone": next(phones)}
        with count_queries() as statements:
            response = client.post_form(f"/events/{event.id}/sign-up", form)
        assert response.status_code == 302 and "/events/signups/" in response.headers["Location"]
        return [*counted, len(statements)]

    small = measure()
    for n in range(60):
        make_signup(
            event, status=SignupStatus.waitlisted if n % 10 == 0 else SignupStatus.confirmed
        )
        make_signup(town["event"])
    db.session.commit()
    assert measure() == small


def test_guest_signs_up_with_japanese_input(client, town):
    event = town["event"]
    response = client.post_form(f"/events/{event.id}/sign-up", GUEST_FORM)
    assert response.status_code == 302
    signup = db.session.scalar(select(Signup))
    assert response.headers["Location"] == f"/events/signups/{signup.code}"
    assert (signup.name, signup.kana, signup.phone) == ("鈴木 花子", "スズキ ハナコ", "09012345678")
    assert (signup.adults, signup.children, signup.children_ages) == (1, 2, [3, 5])
    assert signup.source is SignupSource.online and signup.person_id is None
    assert signup.status is SignupStatus.confirmed and signup.allergies == "卵"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert signup.code in page and "参加が決まりました" in page


def test_errors_are_next_to_fields_and_keep_what_was_typed(client, town):
    form = {
        **GUEST_FORM,
        "name": "",
        "phone": "123",
        "adults": "0",
        "children": "0",
        "children_ages": "4",
    }
    response = client.post_form(f"/events/{town['event'].id}/sign-up", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>エラー：" in html
    assert 'id="name-error"' in html and 'id="phone-error"' in html and 'id="adults-error"' in html
    assert 'id="children_ages-error"' in html
    assert 'value="123"' in html and "すずき はなこ" in html
    assert db.session.scalar(select(Signup)) is None


def test_a_second_signup_with_the_same_phone_is_refused(client, town):
    event = town["event"]
    assert client.post_form(f"/events/{event.id}/sign-up", GUEST_FORM).status_code == 302
    again = client.post_form(
        f"/events/{event.id}/sign-up", {**GUEST_FORM, "phone": "090 1234 5678"}
    )
    assert again.status_code == 422
    assert "すでに申し込まれています" in again.get_data(as_text=True)


def test_full_event_puts_the_guest_on_the_waiting_list(client, town):
    event = town["event"]
    for _ in range(3):
        make_signup(event)
    db.session.commit()
    response = client.post_form(f"/events/{event.id}/sign-up", GUEST_FORM)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "キャンセル待ち" in page and "1番目" in page


def test_no_signups_when_closed(client, town):
    event = make_event(town["misono"], status=EventStatus.closed)
    db.session.commit()
    response = client.post_form(f"/events/{event.id}/sign-up", GUEST_FORM)
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}"
    assert db.session.scalar(select(Signup)) is None


def test_member_signs_up_their_household_in_one_step(signed_in, town):
    household = make_household(town["misono"])
    parent = make_person(household, area=town["misono"])
    make_child(household, birth_year=clock.today().year - 2)
    db.session.commit()
    c = signed_in(parent)
    event = town["event"]
    page = c.get(f"/events/{event.id}").get_data(as_text=True)
    assert "世帯で申し込む" in page
    response = c.post_form(f"/events/{event.id}/sign-up-household")
    assert response.status_code == 302
    signup = db.session.scalar(select(Signup))
    assert signup.person_id == parent.id and signup.source is SignupSource.member
    assert (signup.adults, signup.children) == (1, 1)
    page = c.get(f"/events/{event.id}").get_data(as_text=True)
    assert signup.code in page
    assert c.post_form(f"/events/{event.id}/cancel-mine").status_code == 302
    db.session.refresh(signup)
    assert signup.status is SignupStatus.cancelled and signup.cancelled_by_id == parent.id


def test_member_sign_up_form_is_filled_from_the_household(signed_in, town):
    c = signed_in(town["member"])
    html = c.get(f"/events/{town['event'].id}/sign-up").get_data(as_text=True)
    assert town["member"].name in html


def test_the_confirmation_is_only_for_the_browser_that_signed_up(
    client, make_client, signed_in, town
):
    event = town["event"]
    response = client.post_form(f"/events/{event.id}/sign-up", GUEST_FORM)
    url = response.headers["Location"]
    assert client.get(url).status_code == 200
    assert make_client().get(url).status_code == 404
    assert signed_in(town["member"]).get(url).status_code == 404
    assert signed_in(town["hino_coordinator"]).get(url).status_code == 404
    assert signed_in(town["coordinator"]).get(url).status_code == 200
    assert client.get("/events/signups/AAAAAA").status_code == 404


def test_cancel_with_code_and_phone_asks_first(client, town):
    event = town["event"]
    signup = make_signup(event, phone="09012345678")
    waiting = make_signup(event, status=SignupStatus.waitlisted)
    for _ in range(2):
        make_signup(event)
    db.session.commit()
    page = client.get(f"/events/cancel?code={signup.code}").get_data(as_text=True)
    assert f'value="{signup.code}"' in page
    form = {"code": signup.code.lower(), "phone": "090-1234-5678"}
    confirm = client.post_form("/events/cancel", form)
    assert confirm.status_code == 200 and "キャンセルしますか" in confirm.get_data(as_text=True)
    db.session.refresh(signup)
    assert signup.status is SignupStatus.confirmed
    done = client.post_form("/events/cancel", {**form, "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"] == f"/events/{event.id}"
    db.session.refresh(signup)
    db.session.refresh(waiting)
    assert signup.status is SignupStatus.cancelled
    assert waiting.status is SignupStatus.confirmed


@pytest.mark.parametrize("field", ["code", "phone"])
def test_cancel_with_a_wrong_code_or_phone_fails(client, town, field):
    signup = make_signup(town["event"], phone="09012345678")
    db.session.commit()
    form = {"code": signup.code, "phone": "09012345678", "confirm": "yes"}
    form[field] = "ACDEFA" if field == "code" and signup.code != "ACDEFA" else "09087654321"
    response = client.post_form("/events/cancel", form)
    assert response.status_code == 422
    assert "一致する申し込みがありません" in response.get_data(as_text=True)
    db.session.refresh(signup)
    assert signup.status is SignupStatus.confirmed


def test_guessing_codes_is_rate_limited(app, client, town, monkeypatch):
    monkeypatch.setitem(app.config, "EVENT_CANCEL_LIMIT", "3 per hour")
    for n in range(3):
        response = client.post_form(
            "/events/cancel", {"code": f"ACDEF{n + 3}", "phone": "09012345678"}
        )
        assert response.status_code == 422
    response = client.post_form("/events/cancel", {"code": "ACDEF7", "phone": "09012345678"})
    assert response.status_code == 429


def test_calendar_file_of_an_event(client, town):
    event = town["event"]
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == event.title
    assert item.decoded("dtstart") == event.starts_at
    assert str(item["url"]).endswith(f"/events/{event.id}")
    assert str(item["status"]) == "CONFIRMED"


def test_area_feed_has_public_events_only(client, town):
    cancelled = make_event(town["misono"], status=EventStatus.cancelled, title="中止の会")
    make_event(town["misono"], status=EventStatus.draft, title="下書きの会")
    make_event(town["hino"], title="日野の会")
    old = make_event(
        town["misono"],
        title="昔の会",
        starts_at=clock.now() - timedelta(days=400),
        ends_at=clock.now() - timedelta(days=400) + timedelta(hours=2),
    )
    db.session.commit()
    response = client.get(f"/events/areas/{town['misono'].id}/calendar.ics")
    calendar = Calendar.from_ical(response.data)
    items = {str(e["summary"]): str(e["status"]) for e in calendar.walk("VEVENT")}
    assert items == {town["event"].title: "CONFIRMED", cancelled.title: "CANCELLED"}
    assert old.title not in items
    assert client.get("/events/areas/999999/calendar.ics").status_code == 404


def test_member_only_actions(client, signed_in, town):
    event_id = town["event"].id
    for url in (f"/events/{event_id}/sign-up-household", f"/events/{event_id}/cancel-mine"):
        response = client.post_form(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    # Nothing to cancel: someone else's signups are not theirs to cancel.
    make_signup(town["event"])
    db.session.commit()
    response = signed_in(town["member"]).post_form(f"/events/{event_id}/cancel-mine")
    assert response.status_code == 404


def test_english_pages(client, town):
    client.set_cookie("lang", "en")
    html = client.get(f"/events/{town['event'].id}").get_data(as_text=True)
    assert "Places left: 3 families" in html and "Free" in html and "Sign up" in html
