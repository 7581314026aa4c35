"""Supporter pages: who may open which, recording training with and without htmx, certifying,
appointing, the training list, and bounded queries."""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import template_rendered
from sqlalchemy import select

from tests.conftest import count_queries
from tests.factories import (
    add_membership,
    make_area,
    make_person,
    make_training_module,
    make_training_record,
)
from webapp.areas.models import Role
from webapp.clock import today
from webapp.extensions import db
from webapp.supporters import services
from webapp.supporters.models import TrainingModule, TrainingRecord


@pytest.fixture
def town():
    misono = make_area(name="美園")
    hino = make_area(name="日野（一般）")
    people = {
        "admin": make_person(with_household=False, role=None, is_admin=True),
        "coordinator": make_person(with_household=False, role=None, display_name="田中"),
        "hino_coordinator": make_person(with_household=False, role=None),
        "supporter": make_person(area=misono, role=Role.supporter, display_name="さくら"),
        "other_supporter": make_person(area=misono, role=Role.supporter),
        "member": make_person(area=misono, role=Role.member),
    }
    add_membership(people["coordinator"], misono, Role.coordinator)
    add_membership(people["hino_coordinator"], hino, Role.coordinator)
    hino_module = make_training_module(hino)
    modules = services.training_modules(misono)
    record = make_training_record(people["supporter"], modules[0])
    db.session.commit()
    return {
        "misono": misono,
        "hino": hino,
        "modules": modules,
        "hino_module": hino_module,
        "record": record,
        **people,
    }


def _signed_in(make_client, person):
    c = make_client()
    c.sign_in(person)
    return c


@contextmanager
def rendered(app):
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def _url(pattern, town):
    return pattern.format(
        misono=town["misono"].id,
        hino=town["hino"].id,
        supporter=town["supporter"].id,
        member=town["member"].id,
        module=town["modules"][0].id,
        hino_module=town["hino_module"].id,
        record=town["record"].id,
    )


S = "/areas/{misono}/supporters/{supporter}"
ROLE_MATRIX = [
    ("guest", "get", "/supporters", 302),
    ("member", "get", "/supporters", 403),
    ("supporter", "get", "/supporters", 403),
    ("coordinator", "get", "/supporters", 302),  # one area: straight to it
    ("admin", "get", "/supporters", 200),
    ("guest", "get", "/supporters/me", 302),
    ("member", "get", "/supporters/me", 403),
    ("supporter", "get", "/supporters/me", 302),
    ("member", "get", "/areas/{misono}/supporters", 403),
    ("supporter", "get", "/areas/{misono}/supporters", 403),
    ("coordinator", "get", "/areas/{misono}/supporters", 200),
    ("hino_coordinator", "get", "/areas/{misono}/supporters", 403),
    ("admin", "get", "/areas/{misono}/supporters", 200),
    ("supporter", "post", "/areas/{misono}/supporters", 403),
    ("hino_coordinator", "post", "/areas/{misono}/supporters", 403),
    ("guest", "get", S, 302),
    ("member", "get", S, 403),
    ("supporter", "get", S, 200),  # their own page
    ("other_supporter", "get", S, 404),
    ("coordinator", "get", S, 200),
    ("hino_coordinator", "get", S, 403),
    ("admin", "get", S, 200),
    ("coordinator", "get", "/areas/{misono}/supporters/{member}", 404),
    ("admin", "get", "/areas/{hino}/supporters/{supporter}", 404),
    ("coordinator", "get", "/areas/{misono}/supporters/999999", 404),
    ("admin", "get", "/areas/999999/supporters", 404),
    ("supporter", "post", S + "/training", 403),
    ("other_supporter", "post", S + "/training", 403),
    ("hino_coordinator", "post", S + "/training", 403),
    ("member", "post", S + "/certify", 403),
    ("supporter", "post", S + "/certify", 403),
    ("hino_coordinator", "post", S + "/certify", 403),
    ("supporter", "post", S + "/end", 403),
    ("hino_coordinator", "post", S + "/end", 403),
    ("supporter", "post", S + "/training/{record}/remove", 403),
    ("hino_coordinator", "post", S + "/training/{record}/remove", 403),
    ("coordinator", "post", "/areas/{misono}/supporters/{member}/training/{record}/remove", 404),
    ("member", "get", "/areas/{misono}/training", 403),
    ("supporter", "get", "/areas/{misono}/training", 403),
    ("coordinator", "get", "/areas/{misono}/training", 200),
    ("hino_coordinator", "get", "/areas/{misono}/training", 403),
    ("admin", "get", "/areas/{misono}/training", 200),
    ("supporter", "post", "/areas/{misono}/training", 403),
    ("hino_coordinator", "post", "/areas/{misono}/training", 403),
    ("supporter", "post", "/areas/{misono}/training/period", 403),
    ("hino_coordinator", "post", "/areas/{misono}/training/period", 403),
    ("coordinator", "get", "/areas/{misono}/training/{module}/edit", 200),
    ("supporter", "get", "/areas/{misono}/training/{module}/edit", 403),
    ("hino_coordinator", "get", "/areas/{misono}/training/{module}/edit", 403),
    ("coordinator", "get", "/areas/{misono}/training/{hino_module}/edit", 404),
    ("coordinator", "post", "/areas/{misono}/training/{hino_module}/remove", 404),
    ("hino_coordinator", "post", "/areas/{misono}/training/{module}/remove", 403),
]


@pytest.mark.parametrize("who, method, pattern, expected", ROLE_MATRIX)
def test_each_role_reaches_only_its_pages(
    client, make_client, town, who, method, pattern, expected
):
    url = _url(pattern, town)
    c = client if who == "guest" else _signed_in(make_client, town[who])
    response = c.get(url) if method == "get" else c.post_form(url, {})
    assert response.status_code == expected, url
    if expected == 302 and who == "guest":
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "who, method, pattern, expected",
    [
        ("other_supporter", "get", S, 404),
        ("hino_coordinator", "get", S, 403),
        ("hino_coordinator", "post", S + "/training", 403),
        ("supporter", "post", S + "/training", 403),
    ],
)
def test_htmx_fragment_urls_check_the_same(make_client, town, who, method, pattern, expected):
    c = _signed_in(make_client, town[who])
    url = _url(pattern, town)
    headers = {"HX-Request": "true"}
    if method == "get":
        response = c.get(url, headers=headers)
    else:
        response = c.post_form(url, {}, htmx=True)
    assert response.status_code == expected
    assert 'id="training"' not in response.get_data(as_text=True)


def test_nothing_changes_when_refused(make_client, town):
    """A refused POST leaves no record, no certification and no audit entry."""
    c = _signed_in(make_client, town["hino_coordinator"])
    url = _url(S, town)
    module = town["modules"][1]
    c.post_form(url + "/training", {"module": module.id, "completed_on": "2026-01-05"})
    c.post_form(url + "/certify")
    c.post_form(url + "/end")
    db.session.expire_all()
    assert town["supporter"].role_in(town["misono"].id) is Role.supporter
    assert db.session.scalar(select(db.func.count(TrainingRecord.id))) == 1


def test_record_training_without_javascript(app, make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url(S, town)
    module = town["modules"][1]
    response = c.post_form(
        url + "/training", {"module": module.id, "completed_on": "２０２６/１/５"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url + "#training"
    record = db.session.scalar(select(TrainingRecord).where(TrainingRecord.module_id == module.id))
    assert record.completed_on == date(2026, 1, 5)
    assert record.recorded_by_id == town["coordinator"].id
    with rendered(app) as names:
        html = c.get(url).get_data(as_text=True)
    assert names[0] == "supporters/show.html"
    assert "研修を記録しました。" in html
    assert "2026年1月5日(月)" in html


def test_record_training_with_htmx_returns_the_section(app, make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    module = town["modules"][2]
    with rendered(app) as names:
        response = c.post_form(
            _url(S, town) + "/training",
            {"module": module.id, "completed_on": today().isoformat()},
            htmx=True,
        )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert names[-1] == "supporters/_training.html"
    assert "<html" not in html and 'id="training"' in html
    assert "研修を記録しました。" in html
    assert html.count("status--valid") == 2  # two of four modules done


@pytest.mark.parametrize(
    "data, message, kept",
    [
        ({"completed_on": "2026-01-05"}, "修了した研修を選んでください", None),
        ({"module": "{module}", "completed_on": ""}, "研修を修了した日を入力してください", None),
        (
            {"module": "{module}", "completed_on": "2026年13月1日"},
            "2026-11-22 のように日にちを入力してください",
            "2026年13月1日",
        ),
        ({"module": "{module}", "completed_on": "{tomorrow}"}, "未来の日付は入力できません", None),
        (
            {"module": "{hino_module}", "completed_on": "2026-01-05"},
            "修了した研修を選んでください",
            None,
        ),
        ({"module": "abc", "completed_on": "2026-01-05"}, "修了した研修を選んでください", None),
    ],
)
def test_record_training_errors(make_client, town, data, message, kept):
    c = _signed_in(make_client, town["coordinator"])
    values = {
        k: v.format(
            module=town["modules"][1].id,
            hino_module=town["hino_module"].id,
            tomorrow=(today() + timedelta(days=1)).isoformat(),
        )
        for k, v in data.items()
    }
    response = c.post_form(_url(S, town) + "/training", values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "<title>エラー：" in html
    if kept:
        assert f'value="{kept}"' in html and 'type="text"' in html
    assert db.session.scalar(select(db.func.count(TrainingRecord.id))) == 1


def test_record_training_error_with_htmx_is_422_fragment(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    response = c.post_form(_url(S, town) + "/training", {"completed_on": "x"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and "error-summary" in html


def test_certify_refused_then_done(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url(S, town)
    response = c.post_form(url + "/certify")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "まだ認定できません" in html
    for module in town["modules"][1:]:
        assert module.name in html
    for module in town["modules"][1:]:
        make_training_record(town["supporter"], module)
    db.session.commit()
    response = c.post_form(url + "/certify")
    assert response.status_code == 302
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    until = services.add_months(today(), 24)
    assert f"{until.year}年{until.month}月{until.day}日" in page
    assert "badge--certified" in page
    listing = c.get(_url("/areas/{misono}/supporters", town)).get_data(as_text=True)
    row = re.search(rf'<tr id="supporter-{town["supporter"].id}">.*?</tr>', listing, re.S)
    assert "認定サポーター" in row.group(0) and "4 / 4" in row.group(0)


def test_supporter_sees_own_page_without_management(make_client, town):
    c = _signed_in(make_client, town["supporter"])
    response = c.get("/supporters/me")
    assert response.headers["Location"] == _url(S, town)
    html = c.get(_url(S, town)).get_data(as_text=True)
    assert "研修を記録する" not in html and "サポーターをやめる" not in html
    assert town["modules"][0].name in html


def test_appoint_a_member(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url("/areas/{misono}/supporters", town)
    response = c.post_form(url, {"identifier": town["member"].member_number})
    assert response.status_code == 302
    assert response.headers["Location"] == _url("/areas/{misono}/supporters/{member}", town)
    db.session.expire_all()
    assert town["member"].role_in(town["misono"].id) is Role.supporter
    response = c.post_form(url, {"identifier": "12345678"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "この地域の会員が見つかりません" in html and 'value="12345678"' in html


def test_end_the_role(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    response = c.post_form(_url(S, town) + "/end")
    assert response.status_code == 302
    db.session.expire_all()
    assert town["supporter"].role_in(town["misono"].id) is Role.member
    assert c.get(_url(S, town)).status_code == 404


def test_remove_a_record(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    response = c.post_form(_url(S + "/training/{record}/remove", town))
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count(TrainingRecord.id))) == 0


def test_training_list_add_rename_remove_and_period(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url("/areas/{misono}/training", town)
    assert c.post_form(url, {"name": "　防災　", "name_en": "Disaster"}).status_code == 302
    module = db.session.scalar(select(TrainingModule).where(TrainingModule.name == "防災"))
    assert module.name_en == "Disaster"
    response = c.post_form(url, {"name": "防災"})
    assert response.status_code == 422
    assert "この研修はすでに一覧にあります" in response.get_data(as_text=True)
    response = c.post_form(url, {"name": ""})
    assert response.status_code == 422
    edit = f"{url}/{module.id}/edit"
    assert c.post_form(edit, {"name": "防災訓練"}).status_code == 302
    assert c.post_form(f"{url}/{module.id}/remove").status_code == 302
    db.session.expire_all()
    assert module.name == "防災訓練" and not module.is_active
    response = c.post_form(f"{url}/period", {"months": "０"})
    assert response.status_code == 422
    assert "1以上で入力してください" in response.get_data(as_text=True)
    assert c.post_form(f"{url}/period", {"months": "３６"}).status_code == 302
    db.session.expire_all()
    assert town["misono"].certification_months == 36


def test_desk_registrations_show_names_only_where_the_viewer_helps(make_client, town):
    supporter, misono, hino = town["supporter"], town["misono"], town["hino"]
    make_person(area=misono, created_by_id=supporter.id, display_name="みそのの人")
    make_person(area=hino, created_by_id=supporter.id, display_name="ひのの人")
    make_person(area=misono, display_name="他の人")
    db.session.commit()
    html = _signed_in(make_client, town["coordinator"]).get(_url(S, town)).get_data(as_text=True)
    assert "登録した人数：2人" in html
    assert "みそのの人" in html and "ひのの人" not in html and "他の人" not in html
    assert "1人は、あなたが担当していない地域" in html
    admin_html = _signed_in(make_client, town["admin"]).get(_url(S, town)).get_data(as_text=True)
    assert "ひのの人" in admin_html and "担当していない地域" not in admin_html


def test_supporter_list_query_count_does_not_grow(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url("/areas/{misono}/supporters", town)
    c.get(url)  # the training list exists from here on
    with count_queries() as few:
        assert c.get(url).status_code == 200
    for _ in range(25):
        person = make_person(area=town["misono"], role=Role.supporter)
        for module in town["modules"]:
            make_training_record(person, module)
    db.session.commit()
    with count_queries() as many:
        html = c.get(url).get_data(as_text=True)
    assert html.count("4 / 4") == 25
    assert len(many) == len(few) <= 10


def test_supporter_page_query_count_does_not_grow(make_client, town):
    c = _signed_in(make_client, town["coordinator"])
    url = _url(S, town)
    make_person(area=town["misono"], created_by_id=town["supporter"].id)
    db.session.commit()
    with count_queries() as few:
        c.get(url)
    for n in range(30):
        make_person(area=town["misono"], created_by_id=town["supporter"].id)
        make_training_record(
            town["supporter"], town["modules"][n % 4], completed_on=date(2020, 1, 1 + n)
        )
    db.session.commit()
    with count_queries() as many:
        c.get(url)
    # includes the header's unread-notice count and the helps-and-events figures
    assert len(many) == len(few) <= 18


@pytest.mark.parametrize(
    "days_left, offered",
    [
        (None, "サポーターとして認定する"),
        (30, "認定を更新する"),
        (-5, "認定を更新する"),
        (200, None),
    ],
)
def test_certify_button_only_when_due(make_client, town, days_left, offered):
    supporter = town["supporter"]
    for module in town["modules"][1:]:
        make_training_record(supporter, module)
    if days_left is not None:
        supporter.memberships[0].certified_until = today() + timedelta(days=days_left)
    db.session.commit()
    html = _signed_in(make_client, town["coordinator"]).get(_url(S, town)).get_data(as_text=True)
    buttons = {"サポーターとして認定する", "認定を更新する"}
    if offered:
        assert offered in html and not (buttons - {offered}) & {b for b in buttons if b in html}
    else:
        assert not any(b in html for b in buttons)
        assert "更新は、その日の60日前からできます" in html


def test_own_page_in_the_menu_and_for_several_areas(make_client, town):
    supporter = town["supporter"]
    add_membership(supporter, town["hino"], Role.supporter)
    db.session.commit()
    c = _signed_in(make_client, supporter)
    assert "サポーターのページ" in c.get("/").get_data(as_text=True)
    response = c.get("/supporters/me")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _url(S, town) in html
    assert _url("/areas/{hino}/supporters/{supporter}", town) in html
    staff = _signed_in(make_client, town["coordinator"]).get("/").get_data(as_text=True)
    assert "サポーターのページ" not in staff and ">サポーター</a>" in staff
