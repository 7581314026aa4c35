"""Profiles: members keep their details, household and children; supporters of the area can
do it for them at the desk (audited for both); nobody else reaches anyone's records."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from tests.conftest import count_queries
from tests.factories import add_membership, make_area, make_child, make_household, make_person
from webapp.areas.models import Role
from webapp.audit import AuditEntry
from webapp.extensions import db
from webapp.households.models import Child, Person


@pytest.fixture
def home():
    misono = make_area(name="美園")
    hino = make_area(name="日野")
    household = make_household(misono, address="美園1-2-3")
    member = make_person(
        household, name="山田 花子", kana="ヤマダ ハナコ", email="hanako@example.jp"
    )
    partner = make_person(
        household, password=None, role=None, name="山田 一郎", kana="ヤマダ イチロウ"
    )
    child = make_child(household, name="山田 蓮", kana="ヤマダ レン", care_notes="卵アレルギー")
    neighbour = make_person(area=misono)
    neighbours_child = make_child(neighbour.household)
    supporter = make_person(area=misono, role=Role.supporter)
    hino_supporter = make_person(area=hino, role=Role.supporter)
    coordinator = make_person(with_household=False, role=None)
    add_membership(coordinator, misono, Role.coordinator)
    hino_coordinator = make_person(with_household=False, role=None)
    add_membership(hino_coordinator, hino, Role.coordinator)
    admin = make_person(with_household=False, role=None, is_admin=True)
    db.session.commit()
    return locals()


def _as(make_client, person, password="password123"):
    c = make_client()
    c.sign_in(person, password=password)
    return c


def test_a_member_sees_their_household_and_children(make_client, home):
    html = _as(make_client, home["member"]).get("/profile").get_data(as_text=True)
    for shown in ("山田 花子", "山田 一郎", "山田 蓮", "卵アレルギー", "〒336-0967", "美園1-2-3"):
        assert shown in html
    assert home["neighbour"].name not in html


def test_details_are_normalised_and_audited_by_field_name(make_client, home):
    c = _as(make_client, home["member"])
    page = c.get("/profile/details").get_data(as_text=True)
    assert 'value="336-0967"' in page and 'value="' + home["member"].phone[:3] in page
    response = c.post_form(
        "/profile/details",
        {
            "name": "山田　花子",
            "kana": "やまだ はなこ",
            "display_name": "はなちゃん",
            "phone": "０９０－９８７６－５４３２",
            "email": "",
            "postal_code": "〒３３６ー０９６８",
            "address": "美園5-6",
        },
    )
    assert response.headers["Location"] == "/profile"
    member = db.session.get(Person, home["member"].id)
    assert member.phone == "09098765432" and member.email is None
    assert member.display_name == "はなちゃん" and member.household.postal_code == "3360968"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "profile.updated"))
    assert entry.data == {"fields": ["display_name", "phone", "email", "postal_code", "address"]}
    assert entry.on_behalf_of_id is None


def test_details_errors_keep_what_was_typed(make_client, home):
    make_person(area=home["misono"], email="taken@example.jp")
    db.session.commit()
    c = _as(make_client, home["member"])
    data = {
        "name": "山田 花子",
        "kana": "山田",
        "display_name": "はな",
        "phone": "",
        "email": "taken@example.jp",
        "postal_code": "33609",
        "address": "x",
    }
    response = c.post_form("/profile/details", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="33609"' in html
    assert "7けたの郵便番号" in html and "（「山田」は漢字です）" in html
    response = c.post_form("/profile/details", {**data, "kana": "やまだ", "postal_code": "3360967"})
    assert response.status_code == 422
    assert "このメールアドレスは別のアカウントで使われています" in response.get_data(as_text=True)


def test_children_are_added_changed_and_removed(make_client, home):
    c = _as(make_client, home["member"])
    response = c.post_form(
        "/profile/children/new",
        {"name": "山田 葵", "kana": "やまだ あおい", "birth_year": "R5", "birth_month": "10月"},
    )
    assert response.status_code == 302
    added = db.session.scalar(select(Child).where(Child.name == "山田 葵"))
    assert (added.kana, added.birth_year, added.birth_month) == ("ヤマダ アオイ", 2023, 10)
    child = home["child"]
    child_id = child.id
    form = c.get(f"/profile/children/{child_id}/edit").get_data(as_text=True)
    assert "卵アレルギー" in form
    c.post_form(
        f"/profile/children/{child_id}/edit",
        {
            "name": "山田 蓮",
            "kana": "やまだ れん",
            "birth_year": "2021",
            "birth_month": "4",
            "care_notes": "卵と小麦のアレルギー",
        },
    )
    assert db.session.get(Child, child_id).care_notes == "卵と小麦のアレルギー"
    assert c.post_form(f"/profile/children/{child_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(Child, child_id) is None
    future = c.post_form(
        "/profile/children/new",
        {"name": "x", "kana": "えっくす", "birth_year": "2099", "birth_month": "1"},
    )
    assert future.status_code == 422


def test_adults_without_accounts_are_added_and_removed(make_client, home):
    c = _as(make_client, home["member"])
    c.post_form("/profile/adults/new", {"name": "山田 和子", "kana": "やまだ かずこ"})
    added = db.session.scalar(select(Person).where(Person.name == "山田 和子"))
    assert added.household_id == home["household"].id and added.member_number is None
    partner_id = home["partner"].id
    assert c.post_form(f"/profile/adults/{partner_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, partner_id) is None


def test_nobody_reaches_another_households_records(make_client, home):
    c = _as(make_client, home["member"])
    theirs = home["neighbours_child"]
    assert c.get(f"/profile/children/{theirs.id}/edit").status_code == 404
    assert c.post_form(f"/profile/children/{theirs.id}/remove").status_code == 404
    assert c.post_form(f"/profile/adults/{home['neighbour'].id}/remove").status_code == 404
    assert c.get(f"/help-desk/people/{home['neighbour'].id}/profile").status_code == 404
    assert db.session.get(Child, theirs.id) is not None


def test_an_account_holder_is_not_removed_as_an_adult(make_client, home):
    other = make_person(home["household"], role=None, name="同居 アカウント")
    db.session.commit()
    c = _as(make_client, home["member"])
    assert c.post_form(f"/profile/adults/{other.id}/remove").status_code == 404


@pytest.mark.parametrize(
    "who, expected",
    [
        ("supporter", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("hino_supporter", 404),
        ("hino_coordinator", 404),
        ("neighbour", 404),
    ],
)
def test_the_desk_edits_a_household_for_the_resident(make_client, home, who, expected):
    c = _as(make_client, home[who])
    url = f"/help-desk/people/{home['member'].id}/profile"
    response = c.get(url)
    assert response.status_code == expected
    if expected != 200:
        assert (
            c.post_form(
                f"/help-desk/people/{home['member'].id}/children/new",
                {"name": "x", "kana": "えっくす", "birth_year": "2020", "birth_month": "1"},
            ).status_code
            == 404
        )
        return
    html = response.get_data(as_text=True)
    assert "山田 花子さんの代わりに入力しています" in html and "卵アレルギー" in html
    response = c.post_form(
        f"/help-desk/people/{home['member'].id}/children/new",
        {"name": "山田 葵", "kana": "やまだ あおい", "birth_year": "2023", "birth_month": "10"},
    )
    assert response.headers["Location"] == url
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "household.child_added")
    )
    assert entry.actor_id == home[who].id and entry.on_behalf_of_id == home["member"].id


def test_guests_are_sent_to_sign_in(client, home):
    for url in ("/profile", "/profile/details", "/profile/password", "/profile/data.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_changing_the_password_needs_the_current_one_and_signs_out_elsewhere(make_client, home):
    c = _as(make_client, home["member"])
    elsewhere = _as(make_client, home["member"])
    wrong = c.post_form(
        "/profile/password",
        {"current": "nope", "password": "new-secret-1", "confirm": "new-secret-1"},
    )
    assert wrong.status_code == 422 and "いまのパスワードが違います" in wrong.get_data(as_text=True)
    mismatch = c.post_form(
        "/profile/password",
        {"current": "password123", "password": "new-secret-1", "confirm": "new-secret-2"},
    )
    assert mismatch.status_code == 422
    ok = c.post_form(
        "/profile/password",
        {"current": "password123", "password": "new-secret-1", "confirm": "new-secret-1"},
    )
    assert ok.headers["Location"] == "/profile"
    assert c.get("/profile").status_code == 200  # this device stays signed in
    assert elsewhere.get("/profile").status_code == 302  # the other one is signed out
    _as(make_client, home["member"], password="new-secret-1")


def test_a_member_downloads_their_data_as_json_and_csv(make_client, home):
    c = _as(make_client, home["member"])
    response = c.get("/profile/data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["name"] == "山田 花子" and data["person"]["email"] == "hanako@example.jp"
    assert data["household"]["children"][0]["care_notes"] == "卵アレルギー"
    assert data["household"]["adults"] == [{"name": "山田 一郎", "kana": "ヤマダ イチロウ"}]
    assert "account.signed_in" in {a["action"] for a in data["activity"]}
    assert home["neighbour"].name not in response.get_data(as_text=True)
    csv_response = c.get("/profile/data.csv")
    assert csv_response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["field", "value"]
    assert ["person.name", "山田 花子"] in rows
    assert ["household.children[1].name", "山田 蓮"] in rows


def test_csv_cells_never_start_a_formula(make_client, home):
    member = db.session.get(Person, home["member"].id)
    member.display_name = "=HYPERLINK(1)"
    db.session.commit()
    csv_text = _as(make_client, home["member"]).get("/profile/data.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in csv_text


@pytest.mark.parametrize("children", [1, 10])
def test_the_profile_page_runs_a_bounded_number_of_queries(make_client, home, children):
    for i in range(children):
        make_child(home["household"], name=f"こども{i}")
    for i in range(children):
        make_person(home["household"], password=None, role=None, name=f"おとな{i}")
    db.session.commit()
    c = _as(make_client, home["member"])
    with count_queries() as queries:
        response = c.get("/profile")
    assert response.status_code == 200
    assert len(queries) <= 8, queries
