"""Self sign-up on one's own phone: one question per screen, answers kept on the server,
errors next to each field with what was typed kept, inline checks by the same rules."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_area, make_person
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.households.models import Person
from webapp.registration.models import RegistrationDraft

ABOUT = {"name": "山田　花子", "kana": "やまだ　はなこ", "display_name": "はなこ"}
CONTACT = {
    "phone": "０９０－１２３４－５６７８",
    "postal_code": "〒３３６ー０９６７",
    "address": "美園1-2-3",
}
CHILD = {"name": "山田 蓮", "kana": "ﾔﾏﾀﾞ ﾚﾝ", "birth_year": "令和3年", "birth_month": "４月"}
CONSENTS = {"terms": "y", "privacy": "y", "insurance": "y"}


@pytest.fixture
def misono():
    area = make_area(name="美園", postal_code_prefixes="33609")
    make_area(name="日野（一般）", postal_code_prefixes="191")
    db.session.commit()
    return area


def _start(client):
    response = client.post_form("/join")
    assert response.status_code == 302 and response.headers["Location"] == "/join/about"


def _answer_all(client, area):
    _start(client)
    assert client.post_form("/join/about", ABOUT).headers["Location"] == "/join/contact"
    assert client.post_form("/join/contact", CONTACT).headers["Location"] == "/join/area"
    assert client.post_form("/join/area", {"area_id": str(area.id)}).status_code == 302
    assert client.post_form("/join/adults", {}).headers["Location"] == "/join/children"
    added = client.post_form("/join/children", {**CHILD, "action": "add"})
    assert added.headers["Location"] == "/join/children"
    assert client.post_form("/join/children", {}).headers["Location"] == "/join/consents"
    assert client.post_form("/join/consents", CONSENTS).headers["Location"] == "/join/check"


def test_a_resident_signs_up_step_by_step(client, misono):
    _answer_all(client, misono)
    check = client.get("/join/check").get_data(as_text=True)
    for shown in (
        "山田 花子",
        "ヤマダ ハナコ",
        "090-1234-5678",
        "〒336-0967",
        "美園",
        "ヤマダ レン",
    ):
        assert shown in check
    assert "2021年4月生まれ" in check
    response = client.post_form("/join/check")
    assert response.headers["Location"] == "/welcome"
    person = db.session.scalar(select(Person).where(Person.registered_via == "self"))
    assert person.name == "山田 花子" and person.kana == "ヤマダ ハナコ"
    assert person.phone == "09012345678" and person.household.postal_code == "3360967"
    assert person.household.children[0].kana == "ヤマダ レン"
    assert person.household.children[0].birth_year == 2021
    assert db.session.scalar(select(RegistrationDraft.id)) is None  # the draft is gone
    welcome = client.get("/welcome").get_data(as_text=True)
    assert person.member_number in welcome and "パスワードを決める" in welcome
    assert client.get("/").status_code == 200 and "はなこ" in client.get("/").get_data(as_text=True)


def test_errors_are_next_to_each_field_and_keep_what_was_typed(client, misono):
    _start(client)
    response = client.post_form(
        "/join/about", {"name": "", "kana": "山田 はなこ", "display_name": "はなこ"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>エラー：" in html
    assert 'id="name-error"' in html and "氏名を入力してください" in html
    assert "（「山田」は漢字です）" in html and 'value="山田 はなこ"' in html
    assert 'href="#kana"' in html  # the summary links to the field


def test_the_back_link_shows_earlier_answers_as_typed(client, misono):
    _start(client)
    client.post_form("/join/about", ABOUT)
    page = client.get("/join/contact").get_data(as_text=True)
    assert 'class="back-link" href="/join/about"' in page
    about = client.get("/join/about").get_data(as_text=True)
    assert 'value="やまだ　はなこ"' in about  # exactly as typed, full-width space included


def test_the_area_is_suggested_from_the_postal_code(client, misono):
    _start(client)
    client.post_form("/join/about", ABOUT)
    client.post_form("/join/contact", CONTACT)
    html = client.get("/join/area").get_data(as_text=True)
    assert "お住まいの地域は「美園」のようです" in html
    assert re.search(rf'<input checked [^>]*type="radio" value="{misono.id}">', html)


def test_the_check_page_sends_back_to_the_first_unanswered_step(client, misono):
    _start(client)
    client.post_form("/join/about", ABOUT)
    assert client.get("/join/check").headers["Location"] == "/join/contact"


def test_change_links_return_to_the_check_page(client, misono):
    _answer_all(client, misono)
    page = client.get("/join/about?change=1").get_data(as_text=True)
    assert 'action="/join/about?change=1"' in page
    response = client.post_form("/join/about?change=1", {**ABOUT, "display_name": "はな"})
    assert response.headers["Location"] == "/join/check"
    assert "はな" in client.get("/join/check").get_data(as_text=True)


@pytest.mark.parametrize(
    "year, month, message",
    [
        ("2099", "1", "生まれた年月に、未来の日付は入力できません"),
        ("2000", "1", "登録できるのは18歳以下のこどもです"),
        ("三年", "1", "2021 や 令和3年 のように入力してください"),
        ("2020", "13", "月は1から12の数字で入力してください"),
    ],
)
def test_children_born_in_the_future_or_over_18_are_refused(client, misono, year, month, message):
    _start(client)
    response = client.post_form(
        "/join/children", {**CHILD, "birth_year": year, "birth_month": month, "action": "add"}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_adults_and_children_can_be_removed_again(client, misono):
    _start(client)
    client.post_form(
        "/join/adults", {"name": "山田 一郎", "kana": "やまだ いちろう", "action": "add"}
    )
    assert "山田 一郎" in client.get("/join/adults").get_data(as_text=True)
    assert client.post_form("/join/adults/0/remove").headers["Location"] == "/join/adults"
    assert "山田 一郎" not in client.get("/join/adults").get_data(as_text=True)
    assert client.post_form("/join/adults/5/remove").status_code == 404


def test_continue_with_a_filled_in_child_adds_it(client, misono):
    _start(client)
    response = client.post_form("/join/children", CHILD)
    assert response.headers["Location"] == "/join/consents"
    assert "山田 蓮" in client.get("/join/children").get_data(as_text=True)


def test_a_contact_needs_phone_or_email(client, misono):
    _start(client)
    response = client.post_form("/join/contact", {"postal_code": "3360967", "address": "美園"})
    assert response.status_code == 422
    assert "電話番号かメールアドレスを入力してください" in response.get_data(as_text=True)
    ok = client.post_form(
        "/join/contact",
        {"email": "ＨＡＮＡＫＯ@example.jp", "postal_code": "3360967", "address": "x"},
    )
    assert ok.status_code == 302


def test_consents_are_required(client, misono):
    _start(client)
    response = client.post_form("/join/consents", {"terms": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "個人情報の取り扱いに同意してください" in html and "保険のお知らせを読んだら" in html


def test_a_taken_email_is_reported_on_the_check_page(client, misono):
    make_person(area=misono, email="hanako@example.jp")
    db.session.commit()
    _answer_all(client, misono)
    client.post_form("/join/contact?change=1", {**CONTACT, "email": "hanako@example.jp"})
    response = client.post_form("/join/check")
    assert response.status_code == 422
    assert "このメールアドレスは別のアカウントで使われています" in response.get_data(as_text=True)
    assert db.session.scalar(select(RegistrationDraft.id)) is not None  # nothing was lost


def test_an_expired_draft_starts_over(client, misono, monkeypatch):
    _start(client)
    client.post_form("/join/about", ABOUT)
    draft = db.session.scalar(select(RegistrationDraft))
    draft.expires_at = draft.expires_at - timedelta(days=2)
    db.session.commit()
    response = client.get("/join/contact")
    assert response.headers["Location"] == "/join"
    assert "1日以上たっています" in client.get("/join").get_data(as_text=True)


def test_steps_without_a_draft_go_back_to_the_start(client, misono):
    for url in ("/join/about", "/join/contact", "/join/area", "/join/children", "/join/check"):
        assert client.get(url).headers["Location"] == "/join"


def test_signed_in_members_do_not_sign_up_again(client, misono):
    member = make_person(area=misono)
    db.session.commit()
    client.sign_in(member)
    assert client.get("/join").headers["Location"] == "/"


def test_inline_check_returns_only_the_field_left_with_its_error(client, misono):
    response = client.post_form(
        "/join/check-field/about",
        {"name": "", "kana": "山田", "display_name": ""},
        htmx=True,
        headers={"HX-Trigger-Name": "kana"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="checked-field" id="check-kana">')
    assert "（「山田」は漢字です）" in html
    assert "氏名を入力してください" not in html  # other fields are not judged yet
    assert "<html" not in html


def test_inline_check_of_a_postal_code_suggests_the_area(client, misono):
    response = client.post_form(
        "/join/check-field/contact",
        {"postal_code": "〒３３６ー０９６７"},
        htmx=True,
        headers={"HX-Trigger-Name": "postal_code"},
    )
    html = response.get_data(as_text=True)
    assert "この郵便番号は「美園」の地域です。" in html and 'value="〒３３６ー０９６７"' in html


def test_inline_check_of_an_unknown_field_is_404(client, misono):
    response = client.post_form(
        "/join/check-field/about", {}, htmx=True, headers={"HX-Trigger-Name": "password"}
    )
    assert response.status_code == 404
    assert client.post_form("/join/check-field/consents", {}, htmx=True).status_code == 404


def test_inline_checks_are_wired_on_the_page(client, misono):
    _start(client)
    html = client.get("/join/about").get_data(as_text=True)
    assert 'data-hx-post="/join/check-field/about"' in html
    assert 'data-hx-target="#check-kana"' in html and 'data-hx-trigger="change"' in html


def test_the_self_registration_is_audited_without_personal_data(client, misono):
    _answer_all(client, misono)
    client.post_form("/join/check")
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "registration.registered")
    )
    assert "山田" not in str(entry.data) and "090" not in str(entry.data)


def test_starting_sign_ups_is_rate_limited(client, misono, app):
    app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        statuses = [client.post_form("/join").status_code for _ in range(4)]
    finally:
        app.config["SIGNUP_LIMIT_PER_ADDRESS"] = "30 per hour"
    assert statuses == [302, 302, 302, 429]


def test_starting_again_drops_the_old_draft(client, misono):
    _start(client)
    client.post_form("/join/about", ABOUT)
    assert "登録の続きをする" in client.get("/join").get_data(as_text=True)
    _start(client)
    assert db.session.scalar(select(db.func.count(RegistrationDraft.id))) == 1
    assert 'value="山田　花子"' not in client.get("/join/about").get_data(as_text=True)
