"""Notification pages: the list, opening one marks it read, the unread count in the header
(an htmx fragment, a plain link without JavaScript), and the supporters' phone follow-up list
with its PDF."""

import re

import pytest

from tests.factories import add_membership, make_area, make_person
from tests.pdf_tools import pdf_fonts, pdf_text
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.notifications import services
from webapp.notifications.models import FollowUpCall, Notification

KIND = "help_request.chosen"


def _client(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


@pytest.fixture
def area():
    return make_area(name="美園")


def test_list_open_and_count(make_client, area):
    person = make_person(area=area)
    for i in range(3):
        services.notify(person, KIND, url="/help-requests/1", title=f"お迎え{i}", name="はなこ")
    db.session.commit()
    c = _client(make_client, person)
    home = c.get("/").get_data(as_text=True)
    assert re.search(
        r'href="/notifications"[^>]*>お知らせ <span class="count-badge">3</span>', home
    )
    fragment = c.get("/notifications/count", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="notification-count"' in html and ">3<" in html
    assert c.get("/notifications/count").status_code == 302  # a plain visit: the list
    page = c.get("/notifications").get_data(as_text=True)
    assert "あなたが手伝う人に選ばれました：お迎え2" in page
    first = db.session.scalar(db.select(Notification).order_by(Notification.id))
    opened = c.get(f"/notifications/{first.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/help-requests/1"
    assert services.unread_count(person) == 2
    assert c.post_form("/notifications/read").status_code == 302
    assert services.unread_count(person) == 0
    home = c.get("/").get_data(as_text=True)
    assert "count-badge" not in home


def test_someone_elses_notification_is_404(make_client, area):
    owner, other = make_person(area=area), make_person(area=area)
    notification = services.notify(owner, KIND, url="/", title="x", name="y")
    db.session.commit()
    assert _client(make_client, other).get(f"/notifications/{notification.id}").status_code == 404
    assert notification.read_at is None


def test_notification_pages_are_keyset_paginated(make_client, area):
    person = make_person(area=area)
    for i in range(45):
        services.notify(person, KIND, url="/", title=f"t{i}", name="n")
    db.session.commit()
    c = _client(make_client, person)
    html = c.get("/notifications").get_data(as_text=True)
    assert html.count('class="card notification') == 20
    after = re.search(r'href="/notifications\?after=(\d+)"', html).group(1)
    second = c.get(f"/notifications?after={after}").get_data(as_text=True)
    assert "t24<" in second and "t25<" not in second


@pytest.fixture
def follow_up_town(area):
    other = make_area(name="日野")
    supporter = make_person(area=area, role=Role.supporter)
    no_email = make_person(area=area, name="佐藤 和子", kana="サトウ カズコ", phone="0488781111")
    with_email = make_person(area=area, name="鈴木 花", email="hana@example.jp")
    nothing_waiting = make_person(area=area, name="高橋 勝")
    elsewhere = make_person(area=other, name="日野 太郎")
    for person in (no_email, with_email, elsewhere):
        for i in range(4):
            services.notify(person, KIND, url="/", title=f"お迎え{i}", name="はなこ")
    services.ask_for_call(
        area_id=area.id, name="田中 一郎", phone="09012345678", kind="connection.made", name_="x"
    )
    services.ask_for_call(
        area_id=other.id, name="別の 地域", phone="09099999999", kind="connection.made"
    )
    coordinator_elsewhere = make_person(with_household=False, role=None)
    add_membership(coordinator_elsewhere, other, Role.coordinator)
    db.session.commit()
    return {
        "area": area,
        "supporter": supporter,
        "no_email": no_email,
        "with_email": with_email,
        "nothing_waiting": nothing_waiting,
        "elsewhere": elsewhere,
        "coordinator_elsewhere": coordinator_elsewhere,
        "member": make_person(area=area),
    }


def test_follow_up_lists_people_without_email_and_open_calls(app, make_client, follow_up_town):
    t = follow_up_town
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        html = (
            _client(make_client, t["supporter"])
            .get("/notifications/follow-up")
            .get_data(as_text=True)
        )
    finally:
        app.config["MAIL_SERVER"] = None
    assert "佐藤 和子" in html and "048-878-1111" in html and "未読 4 件" in html
    assert "鈴木 花" not in html  # reachable by e-mail
    assert "高橋 勝" not in html and "日野 太郎" not in html
    assert "田中 一郎" in html and "別の 地域" not in html
    # Without a mail server nobody gets e-mail: everyone with something waiting is listed.
    html = (
        _client(make_client, t["supporter"]).get("/notifications/follow-up").get_data(as_text=True)
    )
    assert "鈴木 花" in html and "佐藤 和子" in html


def test_follow_up_pdf(make_client, follow_up_town):
    c = _client(make_client, follow_up_town["supporter"])
    response = c.get("/notifications/follow-up.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "電話連絡リスト：美園" in text
    assert "佐藤 和子" in text and "048-878-1111" in text and "田中 一郎" in text
    assert "ほか 1 件" in text  # 4 unread, the latest 3 listed
    assert all(f["embedded"] for f in pdf_fonts(response.data))
    preview = c.get("/notifications/follow-up.pdf?format=html")
    assert preview.mimetype == "text/html" and "佐藤 和子" in preview.get_data(as_text=True)


def test_mark_calls_done_and_people_told(make_client, follow_up_town):
    t = follow_up_town
    c = _client(make_client, t["supporter"])
    call = db.session.scalar(db.select(FollowUpCall).where(FollowUpCall.name == "田中 一郎"))
    assert c.post_form(f"/notifications/follow-up/calls/{call.id}/done").status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUpCall, call.id).done_by_id == t["supporter"].id
    html = c.get("/notifications/follow-up").get_data(as_text=True)
    assert f'id="follow-up-call-{call.id}"' not in html
    told_form = (
        rf'/follow-up/people/{t["no_email"].id}/told\?area=\d+".*?name="up_to" value="(\d+)"'
    )
    up_to = re.search(told_form, html, re.S).group(1)
    area_id = t["area"].id
    response = c.post_form(
        f"/notifications/follow-up/people/{t['no_email'].id}/told?area={area_id}", {"up_to": up_to}
    )
    assert response.status_code == 302
    assert services.unread_count(t["no_email"]) == 0
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "follow_up.told_by_phone")
    )
    assert entry.actor_id == t["supporter"].id and entry.on_behalf_of_id == t["no_email"].id
    html = c.get("/notifications/follow-up").get_data(as_text=True)
    assert f'id="follow-up-person-{t["no_email"].id}"' not in html


@pytest.mark.parametrize(
    "who, expected",
    [("member", 403), ("supporter", 200), ("coordinator_elsewhere", 403)],
)
def test_follow_up_per_role(client, make_client, follow_up_town, who, expected):
    t = follow_up_town
    assert client.get("/notifications/follow-up").status_code == 302
    c = _client(make_client, t[who])
    area = t["area"].id
    assert c.get(f"/notifications/follow-up?area={area}").status_code == expected
    assert c.get(f"/notifications/follow-up.pdf?area={area}&format=html").status_code == expected
    call = db.session.scalar(db.select(FollowUpCall).where(FollowUpCall.area_id == area))
    assert c.post_form(f"/notifications/follow-up/calls/{call.id}/done").status_code in (
        expected if expected != 200 else 302,
    )
