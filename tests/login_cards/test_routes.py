"""Login cards over HTTP: printed at the desk by supporters of the area only; the resident
opens the link or types the code once, then chooses a password or stays signed in."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import add_membership, issue_login_card, make_area, make_person
from tests.pdf_tools import pdf_fonts, pdf_qr_codes, pdf_text
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.clock import now
from webapp.extensions import db
from webapp.login_cards.models import SignInCode


@pytest.fixture
def desk():
    misono = make_area(name="美園", name_en="Misono", help_phone="0488781234")
    hino = make_area(name="日野")
    people = {
        "supporter": make_person(area=misono, role=Role.supporter),
        "coordinator": make_person(with_household=False, role=None),
        "hino_supporter": make_person(area=hino, role=Role.supporter),
        "hino_coordinator": make_person(with_household=False, role=None),
        "member": make_person(area=misono),
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "resident": make_person(area=misono, password=None, display_name="さとう かずこ"),
    }
    people["resident"].member_number = "24681357"
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    db.session.commit()
    return people


def _as(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


CARD_FORM = {"identity_checked": "y", "layout": "a4", "lang": "ja"}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("member", 403),
        ("supporter", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("hino_supporter", 404),
        ("hino_coordinator", 404),
    ],
)
def test_only_the_residents_desk_prints_cards(client, make_client, desk, who, expected):
    c = _as(make_client, desk[who])
    url = f"/help-desk/people/{desk['resident'].id}/card"
    assert c.get(url).status_code == expected
    response = c.post_form(url, CARD_FORM)
    assert response.status_code == expected
    if expected == 200:
        assert response.mimetype == "application/pdf"
    assert (db.session.scalar(select(SignInCode.id)) is not None) == (expected == 200)
    assert client.get(url).status_code == 302  # guests go to sign in


def test_printing_needs_the_identity_check(make_client, desk):
    c = _as(make_client, desk["supporter"])
    page = c.get(f"/help-desk/people/{desk['resident'].id}/card").get_data(as_text=True)
    assert "代わりに入力しています" in page  # the assisted banner
    response = c.post_form(
        f"/help-desk/people/{desk['resident'].id}/card", {"layout": "a4", "lang": "ja"}
    )
    assert response.status_code == 422
    assert "ご本人であることを確かめてください" in response.get_data(as_text=True)


def test_the_card_pdf_carries_name_number_area_phone_code_and_a_qr_link(make_client, desk):
    c = _as(make_client, desk["supporter"])
    response = c.post_form(f"/help-desk/people/{desk['resident'].id}/card", CARD_FORM)
    text = pdf_text(response.data)
    for expected in ("ログインカード", "さとう かずこ", "24681357", "美園", "048-878-1234"):
        assert expected in text
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b", text).group(1)
    fonts = pdf_fonts(response.data)
    assert fonts and all(f["embedded"] for f in fonts)
    [link] = pdf_qr_codes(response.data)
    assert re.fullmatch(r"http://localhost/card/[A-Za-z0-9_-]{32}", link)
    # The link and the code are the card's; either signs the resident in.
    resident_client = c.application.test_client()
    page = resident_client.get(link.removeprefix("http://localhost"))
    assert "さとう かずこさんとしてログインする" in page.get_data(as_text=True)
    signed_in = resident_client.post_form("/card", {"code": code.lower()})
    assert signed_in.headers["Location"] == "/welcome"


@pytest.mark.parametrize(
    "layout, lang, words", [("a6", "ja", "1回だけ使えます"), ("a4", "en", "Works once")]
)
def test_card_layouts_and_languages(make_client, desk, layout, lang, words):
    c = _as(make_client, desk["supporter"])
    response = c.post_form(
        f"/help-desk/people/{desk['resident'].id}/card",
        {**CARD_FORM, "layout": layout, "lang": lang},
    )
    text = pdf_text(response.data)
    assert words in text
    assert ("How to sign in for the first time" in text) == (layout == "a4" and lang == "en")
    assert len(pdf_qr_codes(response.data)) == 1


def test_opening_the_link_asks_first_and_signing_in_uses_it_up(client, desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"])
    db.session.commit()
    url = f"/card/{card.token}"
    for _ in range(2):  # looking (or a link preview) does not use the card up
        page = client.get(url)
        assert page.status_code == 200 and "さとう かずこ" in page.get_data(as_text=True)
    response = client.post_form(url)
    assert response.headers["Location"] == "/welcome"
    welcome = client.get("/welcome").get_data(as_text=True)
    assert "24681357" in welcome and "このスマートフォンでログインしたままにする" in welcome
    again = client.application.test_client()
    assert again.get(url).status_code == 404
    assert again.post_form(url).status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_card.used"))
    assert entry.actor_id == desk["resident"].id and entry.data == {"how": "link"}


def test_a_reissued_card_voids_the_old_link(client, desk):
    old = issue_login_card(desk["resident"], actor=desk["supporter"])
    issue_login_card(desk["resident"], actor=desk["supporter"])
    db.session.commit()
    response = client.get(f"/card/{old.token}")
    assert response.status_code == 404
    assert "このログインカードは使えません" in response.get_data(as_text=True)


def test_an_old_card_does_not_work(client, desk):
    card = issue_login_card(
        desk["resident"], actor=desk["supporter"], now=now() - timedelta(days=15)
    )
    db.session.commit()
    assert client.get(f"/card/{card.token}").status_code == 404
    response = client.post_form("/card", {"code": card.code})
    assert response.status_code == 422
    assert "このコードは使えません" in response.get_data(as_text=True)


def test_choosing_a_password_after_the_card(client, make_client, desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"])
    db.session.commit()
    client.post_form("/card", {"code": card.code_display})
    short = client.post_form("/welcome/password", {"password": "short", "confirm": "short"})
    assert short.status_code == 422
    response = client.post_form(
        "/welcome/password", {"password": "my-own-secret", "confirm": "my-own-secret"}
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200 and "さとう かずこ" in client.get("/").get_data(
        as_text=True
    )
    other = make_client()
    other.sign_in(desk["resident"], password="my-own-secret")
    # The welcome page's shortcut is gone once used: changing again needs the old password.
    assert client.get("/welcome").headers["Location"] == "/profile"
    again = client.post_form("/welcome/password", {"password": "x" * 9, "confirm": "x" * 9})
    assert again.headers["Location"] == "/profile/password"


def test_staying_signed_in_sets_a_remember_cookie(client, desk):
    card = issue_login_card(desk["resident"], actor=desk["supporter"])
    db.session.commit()
    client.post_form(f"/card/{card.token}")
    response = client.post_form("/welcome/stay")
    assert response.headers["Location"] == "/"
    assert "remember_token" in response.headers.get("Set-Cookie", "") or any(
        "remember_token" in h for h in response.headers.getlist("Set-Cookie")
    )


def test_supporters_do_not_get_the_stay_signed_in_choice(client, desk):
    card = issue_login_card(desk["supporter"], actor=desk["admin"])
    db.session.commit()
    client.post_form("/card", {"code": card.code})
    assert "ログインしたままにする" not in client.get("/welcome").get_data(as_text=True)


def test_wrong_codes_and_links_are_rate_limited(client, app, desk):
    app.config["CARD_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        statuses = [
            client.post_form("/card", {"code": "AAAA-AAAA-AAAA"}).status_code for _ in range(3)
        ]
        statuses.append(client.get("/card/not-a-real-token").status_code)
        card = issue_login_card(desk["resident"], actor=desk["supporter"])
        db.session.commit()
        blocked = client.post_form("/card", {"code": card.code})
    finally:
        app.config["CARD_LIMIT_PER_ADDRESS"] = "20 per hour"
    assert statuses == [422, 422, 422, 429]
    assert blocked.status_code == 429 and "試行が多すぎます" in blocked.get_data(as_text=True)
    assert db.session.get(SignInCode, card.record.id).used_at is None


def test_a_working_code_does_not_count_towards_the_limit(client, app, desk):
    app.config["CARD_LIMIT_PER_ADDRESS"] = "2 per hour"
    try:
        for _ in range(3):
            card = issue_login_card(desk["resident"], actor=desk["supporter"])
            db.session.commit()
            fresh = client.application.test_client()
            assert fresh.post_form("/card", {"code": card.code}).status_code == 302
    finally:
        app.config["CARD_LIMIT_PER_ADDRESS"] = "20 per hour"
