"""Areas: admins create them and appoint coordinators; coordinators keep their settings.
Every role reaches only its pages."""

import pytest

from tests.factories import add_membership, make_area, make_child, make_household, make_person
from webapp.areas import services
from webapp.areas.models import Area, RequestAudience, Role
from webapp.audit import AuditEntry
from webapp.extensions import db


@pytest.fixture
def town():
    misono = make_area(name="美園")
    hino = make_area(name="日野（一般）")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "coordinator": make_person(with_household=False, role=None),
        "supporter": make_person(area=misono, role=Role.supporter),
        "member": make_person(area=misono, role=Role.member),
        "hino_member": make_person(area=hino, role=Role.member),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    db.session.commit()
    return {"misono": misono, "hino": hino, **people}


def _signed_in(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


ROLE_MATRIX = [
    # (who, method, url pattern, expected status)
    ("guest", "get", "/areas", 302),
    ("guest", "get", "/areas/new", 302),
    ("member", "get", "/areas", 403),
    ("member", "get", "/areas/new", 403),
    ("member", "get", "/areas/{misono}", 403),
    ("supporter", "get", "/areas/{misono}", 403),
    ("supporter", "get", "/areas/{misono}/edit", 403),
    ("coordinator", "get", "/areas", 200),
    ("coordinator", "get", "/areas/{misono}", 200),
    ("coordinator", "get", "/areas/{misono}/edit", 200),
    ("coordinator", "get", "/areas/{hino}", 403),
    ("coordinator", "get", "/areas/{hino}/edit", 403),
    ("coordinator", "get", "/areas/new", 403),
    ("coordinator", "post", "/areas/{misono}/coordinators", 403),
    ("coordinator", "get", "/areas/{misono}/coordinators/new", 403),
    ("admin", "get", "/areas", 200),
    ("admin", "get", "/areas/new", 200),
    ("admin", "get", "/areas/{hino}", 200),
    ("admin", "get", "/areas/{hino}/edit", 200),
    ("admin", "get", "/areas/{hino}/coordinators/new", 200),
    ("admin", "get", "/areas/999999", 404),
]


@pytest.mark.parametrize("who, method, pattern, expected", ROLE_MATRIX)
def test_each_role_reaches_only_its_pages(
    client, make_client, town, who, method, pattern, expected
):
    url = pattern.format(misono=town["misono"].id, hino=town["hino"].id)
    c = client if who == "guest" else _signed_in(make_client, town[who])
    response = c.get(url) if method == "get" else c.post_form(url, {"identifier": "1"})
    assert response.status_code == expected, url
    if expected == 302:
        assert "/sign-in" in response.headers["Location"]


def test_coordinator_sees_only_their_areas_in_the_list(make_client, town):
    html = _signed_in(make_client, town["coordinator"]).get("/areas").get_data(as_text=True)
    assert "美園" in html and "日野" not in html


def test_admin_creates_an_area_with_japanese_input(make_client, town):
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(
        "/areas/new",
        {
            "name": "　見沼　",
            "name_en": "Minuma",
            "help_phone": "０４８－６８１－１２３４",
            "thank_you_min_yen": "６００",
            "thank_you_max_yen": "８００円",
            "insured_age_min": "0",
            "insured_age_max": "１２",
            "request_audience": "area",
            "kpi_members": "1,000",
        },
    )
    assert response.status_code == 302
    area = db.session.scalar(db.select(Area).where(Area.name == "見沼"))
    assert area.help_phone == "0486811234"
    assert (area.thank_you_min_yen, area.thank_you_max_yen) == (600, 800)
    assert (area.insured_age_min, area.insured_age_max) == (0, 12)
    assert area.request_audience is RequestAudience.area
    assert area.kpi_members == 1000
    assert response.headers["Location"] == f"/areas/{area.id}"
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "area.created"))
    assert entry.actor_id == town["admin"].id and entry.subject_id == area.id


def test_area_form_errors_are_next_to_fields_and_keep_input(make_client, town):
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(
        "/areas/new",
        {
            "name": "美園",
            "help_phone": "123",
            "thank_you_min_yen": "900",
            "thank_you_max_yen": "abc",
            "insured_age_min": "5",
            "insured_age_max": "3",
            "request_audience": "connections",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "同じ名前の地域がすでにあります" not in html  # field errors come first
    assert "090-1234-5678 や 048-123-4567 のように" in html
    assert "500 のように数字で入力してください" in html
    assert "上限の年齢は下限の年齢より低くできません" in html
    assert 'value="abc"' in html and 'value="123"' in html
    assert 'id="help_phone-error"' in html


def test_duplicate_area_name_is_refused(make_client, town):
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(
        "/areas/new",
        {
            "name": "美園",
            "thank_you_min_yen": "500",
            "thank_you_max_yen": "700",
            "insured_age_min": "1",
            "insured_age_max": "18",
            "request_audience": "connections",
        },
    )
    assert response.status_code == 422
    assert "同じ名前の地域がすでにあります" in response.get_data(as_text=True)


def test_coordinator_edits_settings_of_their_area(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    area = town["misono"]
    response = c.post_form(
        f"/areas/{area.id}/edit",
        {
            "name": "美園",
            "thank_you_min_yen": "500",
            "thank_you_max_yen": "900",
            "insured_age_min": "1",
            "insured_age_max": "18",
            "request_audience": "connections",
            "cancellation_note": "前日まで無料",
        },
    )
    assert response.status_code == 302
    db.session.refresh(area)
    assert area.thank_you_max_yen == 900 and area.cancellation_note == "前日まで無料"


def test_admin_appoints_a_coordinator_by_phone(make_client, town):
    c = _signed_in(make_client, town["admin"])
    hino = town["hino"]
    target = town["hino_member"]
    response = c.post_form(f"/areas/{hino.id}/coordinators", {"identifier": target.phone})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role_in(hino.id) is Role.coordinator
    assert target.display_name in c.get(f"/areas/{hino.id}").get_data(as_text=True)


def test_appoint_unknown_person_shows_error(make_client, town):
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(f"/areas/{town['hino'].id}/coordinators", {"identifier": "11112222"})
    assert response.status_code == 422
    assert "アカウントが見つかりません" in response.get_data(as_text=True)


def test_appoint_by_shared_phone_asks_for_member_number(make_client, town):
    first = make_person(phone="0425140001")
    make_person(household=first.household, phone="0425140001")
    db.session.commit()
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(f"/areas/{town['hino'].id}/coordinators", {"identifier": "042-514-0001"})
    assert response.status_code == 422
    assert "会員番号を入力してください" in response.get_data(as_text=True)


def test_remove_coordinator_resident_stays_member_staff_leaves(town):
    misono, admin = town["misono"], town["admin"]
    staff = town["coordinator"]
    resident = town["member"]
    services.set_role(misono, resident, Role.coordinator, actor=admin)
    db.session.commit()
    services.remove_coordinator(misono, resident, actor=admin)
    services.remove_coordinator(misono, staff, actor=admin)
    db.session.expire_all()
    assert resident.role_in(misono.id) is Role.member
    assert staff.role_in(misono.id) is None
    with pytest.raises(services.AreaError) as err:
        services.remove_coordinator(misono, staff, actor=admin)
    assert err.value.code == "not_a_coordinator"


def test_admin_creates_a_staff_account_that_can_sign_in(make_client, town):
    c = _signed_in(make_client, town["admin"])
    response = c.post_form(
        f"/areas/{town['hino'].id}/coordinators/new",
        {
            "name": "日野 花",
            "display_name": "日野市役所 日野",
            "email": "Hana@City.Example.JP",
            "password": "a-long-password",
        },
    )
    assert response.status_code == 302
    staff = make_client()
    r = staff.post_form(
        "/sign-in", {"identifier": "hana@city.example.jp", "password": "a-long-password"}
    )
    assert r.status_code == 302
    assert staff.get(f"/areas/{town['hino'].id}").status_code == 200
    assert staff.get(f"/areas/{town['misono'].id}").status_code == 403


def test_area_list_query_count_does_not_grow(make_client, town):
    from tests.conftest import count_queries

    c = _signed_in(make_client, town["admin"])
    with count_queries() as few:
        c.get("/areas")
    for _ in range(20):
        area = make_area()
        for _ in range(3):
            make_person(area=area)
    db.session.commit()
    with count_queries() as many:
        c.get("/areas")
    assert len(many) == len(few) <= 6


HOUSEHOLD_CASES = [
    ("owner", 200),
    ("same_area_supporter", 200),
    ("other_member", 404),
    ("other_area_supporter", 404),
    ("admin", 200),
    ("guest", 302),
]


@pytest.mark.parametrize("who, expected", HOUSEHOLD_CASES)
def test_households_are_private(client, make_client, town, who, expected):
    household = make_household(town["misono"])
    owner = make_person(household, area=town["misono"])
    make_child(household, care_notes="卵アレルギー")
    people = {
        "owner": owner,
        "same_area_supporter": town["supporter"],
        "other_member": town["member"],
        "other_area_supporter": make_person(area=town["hino"], role=Role.supporter),
        "admin": town["admin"],
    }
    db.session.commit()
    c = client if who == "guest" else _signed_in(make_client, people[who])
    assert c.get(f"/households/{household.id}").status_code == expected


def test_certified_supporter_badge(app):
    from datetime import date, timedelta

    from flask import render_template_string

    from webapp.areas.models import Membership

    area = make_area()
    supporter = make_person(area=area, role=Role.supporter)
    member = make_person(area=area)
    db.session.commit()
    membership = db.session.scalar(
        db.select(Membership).where(Membership.person_id == supporter.id)
    )
    template = '{% from "macros/ui.html" import person_name %}{{ person_name(p) }}'
    with app.test_request_context("/"):
        assert "認定サポーター" not in render_template_string(template, p=supporter)
        membership.certified_until = date.today() + timedelta(days=30)
        db.session.commit()
        assert "認定サポーター" in render_template_string(template, p=supporter)
        assert "認定サポーター" not in render_template_string(template, p=member)
        membership.certified_until = date.today() - timedelta(days=1)  # lapsed
        db.session.commit()
        assert "認定サポーター" not in render_template_string(template, p=supporter)
