"""Staff pages: who reaches which (per role, fragments included), creating, editing,
publishing, copying, pictures, phone signups, event staff, notes; bounded queries."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from tests.conftest import count_queries
from tests.events.test_pictures import png_bytes
from tests.factories import make_connection, make_event, make_person, make_signup
from webapp import clock
from webapp.audit import AuditEntry
from webapp.events import managing
from webapp.events.models import Event, EventStatus, Signup, SignupSource, SignupStatus
from webapp.extensions import db

WHO = ["guest", "member", "supporter", "helper", "coordinator", "hino_coordinator", "admin"]
RUNS_THE_EVENT = {"helper", "coordinator", "admin"}
COORDINATES_IT = {"coordinator", "admin"}


@pytest.fixture
def staffed(town):
    """The 美園 event with the neighbouring supporter allowed, one signup and a draft."""
    managing.add_staff(town["event"], town["helper"].member_number, actor=town["coordinator"])
    town["signup"] = make_signup(town["event"], name="山田 花子", kana="ヤマダ ハナコ")
    db.session.commit()
    return town


def _client(who, client, signed_in, town):
    return client if who == "guest" else signed_in(town[who])


def _sent_to_sign_in(response) -> bool:
    """Pages redirect; fragments (htmx) have the whole window load the sign-in page."""
    if response.status_code == 401:
        return "/sign-in" in response.headers["HX-Redirect"]
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def _expect(who, allowed: set[str]) -> int:
    if who == "guest":
        return 302
    return 200 if who in allowed else 403


PAGES = [
    # (url pattern, who may see it, extra headers)
    ("/manage/events/{e}", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/edit", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/copy", COORDINATES_IT, {}),
    ("/manage/events/{e}/cancel", COORDINATES_IT, {}),
    ("/manage/events/{e}/signups/new", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/signups/{s}/cancel", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/check-in", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/check-in?q=山田", RUNS_THE_EVENT, {"HX-Request": "true"}),
    ("/manage/events/{e}/check-in/counts", RUNS_THE_EVENT, {"HX-Request": "true"}),
    ("/manage/events/{e}/walk-in", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/attendance", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/flyer.pdf?format=html", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/signup-sheet.pdf?format=html", RUNS_THE_EVENT, {}),
    ("/manage/events/areas/{misono}/month-flyer.pdf?format=html", COORDINATES_IT, {}),
    ("/manage/events/new", COORDINATES_IT | {"hino_coordinator"}, {}),
    ("/manage/events", {"supporter", "helper", "coordinator", "hino_coordinator", "admin"}, {}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("pattern, allowed, headers", PAGES, ids=[p[0] for p in PAGES])
def test_each_role_reaches_only_its_pages(
    client, signed_in, staffed, who, pattern, allowed, headers
):
    url = pattern.format(e=staffed["event"].id, s=staffed["signup"].id, misono=staffed["misono"].id)
    response = _client(who, client, signed_in, staffed).get(url, headers=headers)
    if who == "guest":
        assert _sent_to_sign_in(response), url
    else:
        assert response.status_code == _expect(who, allowed), url


POSTS = [
    ("/manage/events/{e}/check-in", RUNS_THE_EVENT, {"signup": "{s}"}),
    ("/manage/events/{e}/undo-check-in", RUNS_THE_EVENT, {"signup": "{s}"}),
    ("/manage/events/{e}/signups/{s}/cancel", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/status", RUNS_THE_EVENT, {"to": "closed"}),
    ("/manage/events/{e}/status", COORDINATES_IT, {"to": "cancelled"}),
    ("/manage/events/{e}/note", RUNS_THE_EVENT, {"note": "よかった"}),
    ("/manage/events/{e}/picture/remove", RUNS_THE_EVENT, {}),
    ("/manage/events/{e}/staff", COORDINATES_IT, {"identifier": "00000000"}),
    ("/manage/events/{e}/copy", COORDINATES_IT, {"starts_on": "2099-01-10"}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("pattern, allowed, data", POSTS, ids=[f"{p[0]}-{p[2]}" for p in POSTS])
def test_each_role_may_only_change_what_it_runs(
    client, signed_in, staffed, who, pattern, allowed, data
):
    url = pattern.format(e=staffed["event"].id, s=staffed["signup"].id)
    data = {key: value.format(s=staffed["signup"].id) for key, value in data.items()}
    c = _client(who, client, signed_in, staffed)
    response = c.post_form(url, data, htmx="check-in" in url)
    if who == "guest":
        assert _sent_to_sign_in(response), url
    elif who in allowed:
        assert response.status_code in (200, 302, 422), url
    else:
        assert response.status_code == 403, url


def test_a_signup_of_another_event_is_not_found(signed_in, staffed):
    other = make_event(staffed["misono"])
    stranger = make_signup(other)
    db.session.commit()
    c = signed_in(staffed["coordinator"])
    event_id = staffed["event"].id
    url = f"/manage/events/{event_id}/signups/{stranger.id}/cancel"
    assert c.post_form(url, htmx=True).status_code == 404
    for action in ("check-in", "undo-check-in"):
        url = f"/manage/events/{event_id}/{action}"
        assert c.post_form(url, {"signup": stranger.id}, htmx=True).status_code == 404
        assert c.post_form(url, {"signup": "x"}, htmx=True).status_code == 404
        assert c.post_form(url, htmx=True).status_code == 404
    assert c.get("/manage/events/999999").status_code == 404


def test_coordinator_creates_an_event_with_japanese_input(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    form = {
        "area_id": str(staffed["misono"].id),
        "title": "クリスマス交流会",
        "day": "２０９９年１２月６日",
        "starts": "１０時",
        "ends": "12:30",
        "venue": "美園公民館",
        "capacity": "２０",
        "capacity_unit": "groups",
        "fee_yen": "３００円",
        "childcare_available": "y",
        "signup_deadline": "2099/12/01",
        "contact_phone": "048-878-9999",
    }
    response = c.post_form("/manage/events/new", form)
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "クリスマス交流会"))
    assert response.headers["Location"] == f"/manage/events/{event.id}"
    assert event.status is EventStatus.draft and event.fee_yen == 300
    assert event.contact_phone == "0488789999" and event.childcare_available
    assert event.starts_at.isoformat() == "2099-12-06T01:00:00+00:00"
    assert event.ends_at.isoformat() == "2099-12-06T03:30:00+00:00"


def test_event_form_errors_keep_what_was_typed(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    form = {
        "area_id": str(staffed["hino"].id),  # not theirs
        "title": "",
        "day": "2099-12-06",
        "starts": "14:00",
        "ends": "13:00",
        "venue": "公民館",
        "capacity": "0",
        "capacity_unit": "groups",
        "fee_yen": "abc",
        "signup_deadline": "2099-12-10",
    }
    response = c.post_form("/manage/events/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("area_id", "title", "ends", "capacity", "fee_yen", "signup_deadline"):
        assert f'id="{field}-error"' in html, field
    assert 'value="abc"' in html and 'value="13:00"' in html
    assert db.session.scalar(select(Event).where(Event.venue == "公民館")) is None


def test_more_places_on_the_edit_page_promote_the_waitlist(signed_in, staffed):
    event = staffed["event"]  # 3 places, 1 taken
    for _ in range(2):
        make_signup(event)
    waiting = make_signup(event, status=SignupStatus.waitlisted)
    db.session.commit()
    c = signed_in(staffed["helper"])
    form = c.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in form and event.title in form
    data = {
        "title": event.title,
        "day": event.starts_at.astimezone(clock.TOWN_TZ).date().isoformat(),
        "starts": "10:00",
        "ends": "12:00",
        "venue": event.venue,
        "capacity": "4",
        "capacity_unit": "groups",
        "fee_yen": "0",
    }
    response = c.post_form(f"/manage/events/{event.id}/edit", data)
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.status is SignupStatus.confirmed
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "キャンセル待ちから 1件 の参加が決まりました" in page
    too_few = c.post_form(f"/manage/events/{event.id}/edit", {**data, "capacity": "2"})
    assert too_few.status_code == 422
    assert "すでに 4 枠が埋まっています" in too_few.get_data(as_text=True)


def test_publish_close_reopen_and_cancel(signed_in, staffed):
    draft = make_event(staffed["misono"], status=EventStatus.draft)
    db.session.commit()
    c = signed_in(staffed["coordinator"])
    for to in ("published", "closed", "published", "cancelled"):
        response = c.post_form(f"/manage/events/{draft.id}/status", {"to": to})
        assert response.status_code == 302
        db.session.refresh(draft)
        assert draft.status == to
    response = c.post_form(f"/manage/events/{draft.id}/status", {"to": "published"})
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "今その状態に変えることはできません" in page
    assert c.post_form(f"/manage/events/{draft.id}/status", {"to": "nonsense"}).status_code == 400


def test_cancelling_the_event_asks_first(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    event = staffed["event"]
    page = c.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert f'href="/manage/events/{event.id}/cancel"' in page
    question = c.get(f"/manage/events/{event.id}/cancel").get_data(as_text=True)
    assert "元に戻せません" in question and "参加が決まっている 1組" in question
    helper_page = signed_in(staffed["helper"]).get(f"/manage/events/{event.id}")
    assert f'href="/manage/events/{event.id}/cancel"' not in helper_page.get_data(as_text=True)
    c.post_form(f"/manage/events/{event.id}/status", {"to": "cancelled"})
    assert c.get(f"/manage/events/{event.id}/cancel").status_code == 404


def test_copy_leads_to_the_edit_page_of_the_new_draft(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    event = staffed["event"]
    response = c.post_form(f"/manage/events/{event.id}/copy", {"starts_on": "2099-03-07"})
    copy = db.session.scalar(select(Event).where(Event.copied_from_id == event.id))
    assert response.headers["Location"] == f"/manage/events/{copy.id}/edit"
    assert copy.status is EventStatus.draft


def test_picture_upload_is_re_encoded_and_non_images_are_refused(
    app, client, signed_in, staffed, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "EVENT_PICTURE_DIR", str(tmp_path))
    c = signed_in(staffed["helper"])
    event = staffed["event"]
    url = f"/manage/events/{event.id}/picture"
    fake = c.post_form(url, {"picture": (BytesIO("写真ではない".encode() * 50), "photo.jpg")})
    assert fake.status_code == 422
    assert "このファイルは画像ではありません" in fake.get_data(as_text=True)
    db.session.refresh(event)
    assert event.picture_file is None and list(tmp_path.iterdir()) == []

    good = c.post_form(url, {"picture": (BytesIO(png_bytes()), "photo.png")})
    assert good.status_code == 302
    db.session.refresh(event)
    picture = client.get(f"/events/{event.id}/picture/{event.picture_file}")
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/events/{event.id}/picture/other.jpg").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.picture_set"))
    assert entry.actor_id == staffed["helper"].id


def test_staff_enter_a_phone_signup(signed_in, staffed):
    c = signed_in(staffed["supporter"])
    # The supporter is not allowed yet: the coordinator lets them help.
    assert c.get(f"/manage/events/{staffed['event'].id}/signups/new").status_code == 403
    coordinator = signed_in(staffed["coordinator"])
    added = coordinator.post_form(
        f"/manage/events/{staffed['event'].id}/staff", {"identifier": staffed["supporter"].phone}
    )
    assert added.status_code == 302
    response = c.post_form(
        f"/manage/events/{staffed['event'].id}/signups/new",
        {
            "name": "伊藤 勝",
            "kana": "イトウ マサル",
            "phone": "0488001234",
            "adults": "2",
            "children": "0",
            "source": "phone",
        },
    )
    assert response.status_code == 302
    signup = db.session.scalar(select(Signup).where(Signup.name == "伊藤 勝"))
    assert signup.source is SignupSource.phone and signup.entered_by_id == staffed["supporter"].id
    page = c.get(f"/manage/events/{staffed['event'].id}").get_data(as_text=True)
    assert signup.code in page and "入力：" in page


def test_staff_cancel_a_signup_after_asking_and_the_waitlist_moves(signed_in, staffed):
    event = staffed["event"]
    for _ in range(2):
        make_signup(event)
    waiting = make_signup(event, status=SignupStatus.waitlisted, name="待ち 一番")
    db.session.commit()
    c = signed_in(staffed["coordinator"])
    url = f"/manage/events/{event.id}/signups/{staffed['signup'].id}/cancel"
    question = c.get(url).get_data(as_text=True)
    assert "この申し込みをキャンセルしますか" in question and "山田 花子" in question
    db.session.refresh(staffed["signup"])
    assert staffed["signup"].status is SignupStatus.confirmed
    response = c.post_form(url)
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "待ち 一番さんがキャンセル待ちから参加に決まりました" in page
    db.session.refresh(waiting)
    assert waiting.status is SignupStatus.confirmed


def test_add_staff_errors_show_on_the_event_page(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    response = c.post_form(
        f"/manage/events/{staffed['event'].id}/staff",
        {"identifier": staffed["member"].member_number},
    )
    assert response.status_code == 422
    assert "サポーターではありません" in response.get_data(as_text=True)


def test_note_after_the_event(signed_in, staffed):
    c = signed_in(staffed["helper"])
    response = c.post_form(f"/manage/events/{staffed['event'].id}/note", {"note": "12組参加"})
    assert response.status_code == 302
    db.session.refresh(staffed["event"])
    assert staffed["event"].post_event_note == "12組参加"


def test_after_the_event_the_staff_page_counts_who_came_joined_and_met(signed_in, town):
    start = clock.now() - timedelta(days=2)
    event = make_event(town["misono"], starts_at=start, ends_at=start + timedelta(hours=2))
    came = make_signup(event, name="来た 人", adults=1, children=2)
    came.checked_in_at = start
    make_signup(event, name="来ない 人")
    make_signup(
        event,
        name="当日 参加",
        adults=1,
        children=0,
        status=SignupStatus.walk_in,
        checked_in_at=start,
    )
    joined = make_person(area=town["misono"], registration_event_id=event.id)
    make_person(area=town["misono"])  # registered elsewhere: not counted
    make_connection(joined, town["member"], event_id=event.id)
    make_connection(town["supporter"], town["member"])  # not made at the event
    db.session.commit()
    html = signed_in(town["coordinator"]).get(f"/manage/events/{event.id}").get_data(as_text=True)
    after = html[html.index('id="after-event"') :]
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", after))
    assert figures["来場"] == "2組・4人"
    assert figures["申し込んだが来なかった"] == "1組"
    assert figures["イベントで登録した新しい会員"] == "1人"
    assert figures["イベントでできた顔見知り"] == "1"


def test_the_staff_page_takes_a_fixed_number_of_queries(signed_in, staffed):
    c = signed_in(staffed["coordinator"])
    event = staffed["event"]
    url = f"/manage/events/{event.id}"

    def measure():
        with count_queries() as statements:
            assert c.get(url).status_code == 200
            assert c.get(f"/manage/events/{event.id}/check-in").status_code == 200
            assert c.get("/manage/events").status_code == 200
        return len(statements)

    def add(signups, events):
        for n in range(signups):
            status = SignupStatus.confirmed if n < 1 else SignupStatus.waitlisted
            make_signup(
                event, status=status, entered_by_id=staffed["helper"].id, source=SignupSource.desk
            )
        for _ in range(events):
            make_event(staffed["misono"])
        db.session.commit()

    add(2, 1)
    small = measure()
    add(80, 25)
    assert measure() == small
