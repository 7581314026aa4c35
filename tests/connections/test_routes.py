"""Connection pages: code and QR, typing a code, confirming, removing; the supporters' form
(with the event it happened at); who reaches what."""

import re

import pytest

from tests.factories import add_membership, make_area, make_connection, make_event, make_person
from webapp.areas.models import Area, Role
from webapp.connections.models import Connection, ConnectionCode, ConnectionInvite
from webapp.extensions import db


@pytest.fixture
def people():
    area = make_area(name="美園")
    other = make_area(name="日野")
    people = {
        "area": area,
        "hanako": make_person(area=area, display_name="はなこ"),
        "taro": make_person(area=area, display_name="たろう"),
        "supporter": make_person(area=area, role=Role.supporter),
        "member": make_person(area=area),
        "outsider": make_person(area=other),
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "other_coordinator": make_person(with_household=False, role=None),
    }
    add_membership(people["other_coordinator"], other, Role.coordinator)
    db.session.commit()
    return people


def _client(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


def test_connect_with_a_code(make_client, people):
    hanako = _client(make_client, people["hanako"])
    page = hanako.get("/connections")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    code = db.session.get(ConnectionCode, people["hanako"].id).code
    assert f"{code[:3]} {code[3:]}" in html
    assert "<svg" in html  # the QR code, inline
    taro = _client(make_client, people["taro"])
    # The QR code opens the page with the code filled in.
    assert f'value="{code}"' in taro.get(f"/connections?code={code}").get_data(as_text=True)
    response = taro.post_form("/connections/ask", {"code": code})
    assert response.status_code == 302
    invite = db.session.scalar(db.select(ConnectionInvite))
    html = hanako.get("/connections").get_data(as_text=True)
    assert "たろう" in html and f"/connections/invites/{invite.id}/confirm" in html
    assert hanako.post_form(f"/connections/invites/{invite.id}/confirm").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Connection.id))) == 1
    html = taro.get("/connections").get_data(as_text=True)
    assert "はなこ" in html and people["hanako"].name not in html  # display names only


def test_wrong_code_is_422_and_kept(make_client, people):
    taro = _client(make_client, people["taro"])
    response = taro.post_form("/connections/ask", {"code": "１２３"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="code-error"' in html and 'value="１２３"' in html


def test_others_invites_and_connections_are_404(make_client, people):
    hanako, taro, member = people["hanako"], people["taro"], people["member"]
    invite = ConnectionInvite(from_person_id=taro.id, to_person_id=hanako.id)
    db.session.add(invite)
    connection = make_connection(hanako, people["supporter"])
    db.session.commit()
    c = _client(make_client, member)
    assert c.post_form(f"/connections/invites/{invite.id}/confirm").status_code == 404
    assert c.post_form(f"/connections/invites/{invite.id}/decline").status_code == 404
    assert c.get(f"/connections/{connection.id}/remove").status_code == 404
    assert c.post_form(f"/connections/{connection.id}/remove").status_code == 404
    # The sender may not confirm their own invitation.
    t = _client(make_client, taro)
    assert t.post_form(f"/connections/invites/{invite.id}/confirm").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Connection.id))) == 1


def test_remove_after_confirmation_page(make_client, people):
    connection = make_connection(people["hanako"], people["taro"])
    db.session.commit()
    c = _client(make_client, people["taro"])
    page = c.get(f"/connections/{connection.id}/remove")
    assert page.status_code == 200 and "はなこ" in page.get_data(as_text=True)
    assert c.post_form(f"/connections/{connection.id}/remove").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Connection.id))) == 0


@pytest.mark.parametrize(
    "who, expected",
    [("guest", 302), ("member", 403), ("supporter", 200), ("other_coordinator", 200),
     ("admin", 200)],
)  # fmt: skip
def test_staff_page_per_role(client, make_client, people, who, expected):
    event = make_event(db.session.get(Area, people["hanako"].household.area_id))
    db.session.commit()
    c = client if who == "guest" else _client(make_client, people[who])
    assert c.get(f"/connections/staff?event_id={event.id}").status_code == expected


def test_supporter_connects_two_people_at_an_event(make_client, people):
    event = make_event(db.session.get(Area, people["hanako"].household.area_id))
    db.session.commit()
    c = _client(make_client, people["supporter"])
    assert c.get("/connections/staff?event_id=999999").status_code == 404
    page = c.get(f"/connections/staff?event_id={event.id}").get_data(as_text=True)
    assert re.search(rf'name="event_id"[^>]*value="{event.id}"', page)
    data = {
        "first": people["hanako"].member_number,
        "second": people["taro"].phone,
        "agreed": "y",
        "event_id": str(event.id),
    }
    response = c.post_form("/connections/staff", data)
    assert response.status_code == 302
    connection = db.session.scalar(db.select(Connection))
    assert connection.event_id == event.id and connection.created_by_id == people["supporter"].id
    # Without the consent box, or for someone outside their area: 422, nothing made.
    again = c.post_form("/connections/staff", {**data, "agreed": ""})
    assert again.status_code == 422
    outside = c.post_form(
        "/connections/staff",
        {**data, "second": people["outsider"].member_number},
    )
    assert outside.status_code == 422
    assert "あなたがサポートしている地域" in outside.get_data(as_text=True)
    coordinator = _client(make_client, people["other_coordinator"])
    refused = coordinator.post_form("/connections/staff", data)
    assert refused.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Connection.id))) == 1
