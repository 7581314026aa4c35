"""The help desk: supporters and coordinators register residents of their own areas, see
possible duplicates first, act for a resident under a banner, and every step is audited."""

import pytest
from sqlalchemy import select

from tests.conftest import count_queries
from tests.factories import (
    add_membership,
    make_area,
    make_child,
    make_event,
    make_household,
    make_person,
)
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.households.models import Person

FORM = {
    "name": "佐藤　和子",
    "kana": "さとう かずこ",
    "phone": "０４８－１２３－４５６７",
    "postal_code": "336ー0967",
    "address": "美園2-3-4",
    "child_1-name": "佐藤 蓮",
    "child_1-kana": "さとう れん",
    "child_1-birth_year": "令和2年",
    "child_1-birth_month": "5",
    "child_1-care_notes": "卵アレルギー",
    "adult_1-name": "佐藤 勝",
    "adult_1-kana": "サトウ マサル",
    "terms": "y",
    "privacy": "y",
    "insurance": "y",
    "consent_method": "in_person",
}


@pytest.fixture
def town():
    misono = make_area(name="美園", postal_code_prefixes="33609")
    hino = make_area(name="日野（一般）", postal_code_prefixes="191")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "coordinator": make_person(with_household=False, role=None),
        "hino_coordinator": make_person(with_household=False, role=None),
        "supporter": make_person(area=misono, role=Role.supporter, display_name="美園サポーター"),
        "hino_supporter": make_person(area=hino, role=Role.supporter),
        "member": make_person(area=misono, role=Role.member),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    resident = make_person(area=misono, name="鈴木 陽子", kana="スズキ ヨウコ", phone="09077778888")
    db.session.commit()
    return {"misono": misono, "hino": hino, "resident": resident, **people}


def _as(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


ROLE_MATRIX = [
    ("guest", "/help-desk", 302),
    ("member", "/help-desk", 403),
    ("supporter", "/help-desk", 200),
    ("coordinator", "/help-desk", 200),
    ("admin", "/help-desk", 200),
    ("guest", "/help-desk/areas/{misono}/register", 302),
    ("member", "/help-desk/areas/{misono}/register", 403),
    ("supporter", "/help-desk/areas/{misono}/register", 200),
    ("coordinator", "/help-desk/areas/{misono}/register", 200),
    ("hino_supporter", "/help-desk/areas/{misono}/register", 403),
    ("hino_coordinator", "/help-desk/areas/{misono}/register", 403),
    ("admin", "/help-desk/areas/{misono}/register", 200),
    ("member", "/help-desk/areas/{misono}/paper", 403),
    ("supporter", "/help-desk/areas/{misono}/paper", 200),
    ("hino_supporter", "/help-desk/areas/{misono}/paper", 403),
    ("supporter", "/help-desk/areas/999999/register", 404),
    ("member", "/help-desk/areas/{misono}/paper-form.pdf?format=html", 403),
    ("supporter", "/help-desk/areas/{misono}/paper-form.pdf?format=html", 200),
    ("hino_coordinator", "/help-desk/areas/{misono}/paper-form.pdf?format=html", 403),
    ("member", "/help-desk/people/{resident}", 403),
    ("supporter", "/help-desk/people/{resident}", 200),
    ("coordinator", "/help-desk/people/{resident}", 200),
    ("admin", "/help-desk/people/{resident}", 200),
    ("hino_supporter", "/help-desk/people/{resident}", 404),
    ("hino_coordinator", "/help-desk/people/{resident}", 404),
    ("supporter", "/help-desk/people/999999", 404),
]


@pytest.mark.parametrize("who, pattern, expected", ROLE_MATRIX)
def test_each_role_reaches_only_its_desk_pages(client, make_client, town, who, pattern, expected):
    url = pattern.format(misono=town["misono"].id, resident=town["resident"].id)
    c = client if who == "guest" else _as(make_client, town[who])
    response = c.get(url)
    assert response.status_code == expected, url
    if expected == 302:
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "who, expected", [("member", 403), ("hino_supporter", 403), ("supporter", 200)]
)
def test_the_inline_check_fragment_is_protected_too(make_client, town, who, expected):
    c = _as(make_client, town[who])
    response = c.post_form(
        f"/help-desk/areas/{town['misono'].id}/check",
        {"kana": "佐藤"},
        htmx=True,
        headers={"HX-Trigger-Name": "kana"},
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    "who, expected", [("member", 403), ("hino_supporter", 403), ("supporter", 302)]
)
def test_registering_into_an_area_needs_its_desk(make_client, town, who, expected):
    c = _as(make_client, town[who])
    response = c.post_form(f"/help-desk/areas/{town['misono'].id}/register", FORM)
    assert response.status_code == expected
    created = db.session.scalar(select(Person).where(Person.name == "佐藤 和子"))
    assert (created is not None) == (expected == 302)


def test_a_supporter_registers_a_resident_and_the_log_names_both(make_client, town):
    c = _as(make_client, town["supporter"])
    response = c.post_form(f"/help-desk/areas/{town['misono'].id}/register", FORM)
    person = db.session.scalar(select(Person).where(Person.name == "佐藤 和子"))
    assert response.headers["Location"] == f"/help-desk/people/{person.id}"
    assert person.kana == "サトウ カズコ" and person.phone == "0481234567"
    assert person.display_name == "佐藤 和子"  # left empty: the full name
    assert person.registered_via == "desk" and person.consent_method == "in_person"
    assert person.created_by_id == town["supporter"].id and person.password_hash is None
    household = person.household
    assert household.area_id == town["misono"].id and household.postal_code == "3360967"
    assert [(c.name, c.kana, c.birth_year, c.care_notes) for c in household.children] == [
        ("佐藤 蓮", "サトウ レン", 2020, "卵アレルギー")
    ]
    assert {a.name for a in household.adults} == {"佐藤 和子", "佐藤 勝"}
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    registered = next(e for e in entries if e.action == "registration.registered")
    assert registered.actor_id == town["supporter"].id
    assert registered.on_behalf_of_id == person.id
    started = next(e for e in entries if e.action == "help_desk.assist_started")
    assert started.actor_id == town["supporter"].id and started.on_behalf_of_id == person.id
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "佐藤 和子さんの代わりに入力しています" in page
    assert "入力：美園サポーター" in page and "相談窓口で本人が同意" in page


def test_keying_in_a_paper_form_records_the_signed_form(make_client, town):
    c = _as(make_client, town["supporter"])
    page = c.get(f"/help-desk/areas/{town['misono'].id}/paper").get_data(as_text=True)
    assert 'checked class="choice__input" id="consent_method-0"' in page  # the paper form
    response = c.post_form(
        f"/help-desk/areas/{town['misono'].id}/paper", {**FORM, "consent_method": "paper"}
    )
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.name == "佐藤 和子"))
    assert person.registered_via == "paper" and person.consent_method == "paper"


def test_the_desk_page_numbers_fields_like_the_paper_form(make_client, town):
    html = (
        _as(make_client, town["supporter"])
        .get(f"/help-desk/areas/{town['misono'].id}/register")
        .get_data(as_text=True)
    )
    order = [
        '<span class="field-number">1</span> 氏名',
        '<span class="field-number">2</span> 氏名のふりがな',
        '<span class="field-number">4</span> 電話番号',
        '<span class="field-number">6</span> 郵便番号',
        '<span class="field-number">8-1</span>',
        '<span class="field-number">9-4</span>',
        '<span class="field-number">10-3</span>',
        '<span class="field-number">11</span>',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "新しく登録する人の代わりに入力しています" in html


def test_an_event_walk_in_is_prefilled_and_counted_for_the_event(make_client, town):
    event = make_event(town["misono"])
    elsewhere = make_event(make_area())
    db.session.commit()
    c = _as(make_client, town["supporter"])
    url = f"/help-desk/areas/{town['misono'].id}/register"
    assert c.get(url, query_string={"event_id": elsewhere.id}).status_code == 404
    assert c.get(url, query_string={"event_id": 999999}).status_code == 404
    query = {
        "name": "田中 ゆき",
        "kana": "たなか ゆき",
        "phone": "090-2222-3333",
        "event_id": event.id,
    }
    url = f"/help-desk/areas/{town['misono'].id}/register"
    html = c.get(url, query_string=query).get_data(as_text=True)
    assert 'value="田中 ゆき"' in html and 'value="たなか ゆき"' in html
    assert 'value="090-2222-3333"' in html and f"event_id={event.id}" in html
    assert "田中 ゆきさんの代わりに入力しています" in html
    data = {**FORM, "name": "田中 ゆき", "kana": "たなか ゆき", "phone": "090-2222-3333"}
    response = c.post_form(f"{url}?event_id={event.id}", data)
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.name == "田中 ゆき"))
    assert person.registered_via == "event" and person.registration_event_id == event.id


def test_possible_duplicates_are_shown_before_creating(make_client, town):
    c = _as(make_client, town["supporter"])
    url = f"/help-desk/areas/{town['misono'].id}/register"
    same_phone = {**FORM, "name": "別の 名前", "kana": "べつの なまえ", "phone": "090-7777-8888"}
    response = c.post_form(url, same_phone)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "この地域で同じ人かもしれない登録" in html and "鈴木 陽子" in html
    assert f'href="/help-desk/people/{town["resident"].id}"' in html
    assert 'value="別の 名前"' in html  # everything typed is still there
    assert db.session.scalar(select(Person).where(Person.name == "別の 名前")) is None
    confirmed = c.post_form(url, {**same_phone, "not_duplicate": "1"})
    assert confirmed.status_code == 302
    assert db.session.scalar(select(Person).where(Person.name == "別の 名前")) is not None


def test_duplicates_by_name_and_reading_ignore_spaces_and_kana_style(make_client, town):
    c = _as(make_client, town["supporter"])
    data = {**FORM, "name": "鈴木陽子", "kana": "すずき　ようこ", "phone": "090-3333-4444"}
    html = c.post_form(f"/help-desk/areas/{town['misono'].id}/register", data).get_data(
        as_text=True
    )
    assert "この地域で同じ人かもしれない登録" in html


def test_desk_form_errors_are_shown_per_row_and_keep_input(make_client, town):
    c = _as(make_client, town["supporter"])
    data = {
        **FORM,
        "kana": "佐藤",
        "child_1-birth_year": "2099",
        "child_2-name": "佐藤 葵",
        "terms": "",
    }
    response = c.post_form(f"/help-desk/areas/{town['misono'].id}/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#kana"' in html and 'href="#child_1-birth_year"' in html
    assert 'href="#child_2-kana"' in html and 'href="#terms"' in html
    assert 'id="child_1-birth_year-error"' in html and 'value="2099"' in html
    assert "生まれた年月に、未来の日付は入力できません" in html


def test_the_desk_check_warns_when_the_postal_code_belongs_to_another_area(make_client, town):
    c = _as(make_client, town["supporter"])
    html = c.post_form(
        f"/help-desk/areas/{town['misono'].id}/check",
        {"postal_code": "191-0011"},
        htmx=True,
        headers={"HX-Trigger-Name": "postal_code"},
    ).get_data(as_text=True)
    assert "この地域ではなく「日野（一般）」の地域のようです" in html
    assert '<span class="field-number">6</span>' in html  # drawn as on the page
    row = c.post_form(
        f"/help-desk/areas/{town['misono'].id}/check",
        {"child_3-kana": "佐藤"},
        htmx=True,
        headers={"HX-Trigger-Name": "child_3-kana"},
    ).get_data(as_text=True)
    assert 'id="check-child_3-kana"' in row and "（「佐藤」は漢字です）" in row


def test_assisting_starts_and_finishes_with_audit_entries(make_client, town):
    c = _as(make_client, town["supporter"])
    resident = town["resident"]
    page = c.get(f"/help-desk/people/{resident.id}").get_data(as_text=True)
    assert "代わりに入力しています" not in page
    c.post_form(f"/help-desk/people/{resident.id}/assist")
    page = c.get("/help-desk").get_data(as_text=True)  # the banner follows to every page
    assert "鈴木 陽子さんの代わりに入力しています" in page
    response = c.post_form("/help-desk/finish")
    assert response.headers["Location"] == "/help-desk"
    assert "代わりに入力しています" not in c.get("/help-desk").get_data(as_text=True)
    actions = [
        (e.action, e.actor_id, e.on_behalf_of_id)
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("help_desk.%")))
    ]
    assert actions == [
        ("help_desk.assist_started", town["supporter"].id, resident.id),
        ("help_desk.assist_finished", town["supporter"].id, resident.id),
    ]


def test_another_areas_supporter_cannot_start_assisting(make_client, town):
    c = _as(make_client, town["hino_supporter"])
    assert c.post_form(f"/help-desk/people/{town['resident'].id}/assist").status_code == 404


def test_the_banner_ends_with_signing_out(make_client, town):
    c = _as(make_client, town["supporter"])
    c.post_form(f"/help-desk/people/{town['resident'].id}/assist")
    c.post_form("/sign-out")
    c.sign_in(town["supporter"])
    assert "代わりに入力しています" not in c.get("/help-desk").get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["すずき", "スズキ ヨウコ", "鈴木", "090-7777-8888", "７７７７８８８８"]
)
def test_the_desk_finds_residents_by_name_reading_or_phone(make_client, town, query):
    html = (
        _as(make_client, town["supporter"])
        .get("/help-desk", query_string={"q": query})
        .get_data(as_text=True)
    )
    assert f'id="desk-person-{town["resident"].id}"' in html


def test_the_desk_finds_by_member_number_and_only_in_its_areas(make_client, town):
    hino_resident = make_person(area=town["hino"], name="鈴木 一郎", kana="スズキ イチロウ")
    db.session.commit()
    c = _as(make_client, town["supporter"])
    html = c.get("/help-desk", query_string={"q": town["resident"].member_number}).get_data(
        as_text=True
    )
    assert "鈴木 陽子" in html
    html = c.get("/help-desk", query_string={"q": "すずき"}).get_data(as_text=True)
    assert "鈴木 陽子" in html and "鈴木 一郎" not in html
    assert hino_resident.id


def test_desk_search_is_a_fragment_for_htmx(make_client, town):
    response = _as(make_client, town["supporter"]).get(
        "/help-desk", query_string={"q": "すずき"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="desk-results"') and "<html" not in html


@pytest.mark.parametrize("size", [3, 40])
def test_desk_search_runs_a_bounded_number_of_queries(make_client, town, size):
    for i in range(size):
        household = make_household(town["misono"])
        person = make_person(household, name=f"鈴木 {i}", kana="スズキ タロウ")
        make_child(household)
        add_membership(person, town["hino"])
    db.session.commit()
    c = _as(make_client, town["supporter"])
    with count_queries() as queries:
        response = c.get("/help-desk", query_string={"q": "すずき"})
    assert response.status_code == 200
    assert len(queries) <= 9, queries  # includes the header's unread-notice count
    html = response.get_data(as_text=True)
    assert ("ほかにも当てはまる人がいます" in html) == (size + 1 > 20)
