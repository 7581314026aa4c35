"""The door: htmx check-in with out-of-band counts, the plain-form fallback, search, walk-ins,
attendance from paper."""

import pytest
from sqlalchemy import select

from tests.factories import make_signup
from webapp.events.models import Signup, SignupStatus
from webapp.extensions import db


@pytest.fixture
def door(town, signed_in):
    event = town["event"]
    town["hanako"] = make_signup(event, name="山田 花子", kana="ヤマダ ハナコ", children=2)
    town["ichiro"] = make_signup(event, name="佐藤 一郎", kana="サトウ イチロウ")
    db.session.commit()
    town["client"] = signed_in(town["coordinator"])
    town["base"] = f"/manage/events/{event.id}"
    return town


def test_htmx_check_in_returns_the_row_counts_and_message(door):
    c, hanako = door["client"], door["hanako"]
    response = c.post_form(f"{door['base']}/signups/{hanako.id}/check-in", {"q": "山田"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(
        f'<li class="door-row door-row--in" id="event-signup-{hanako.id}"'
    )
    assert 'id="event-door-counts"' in html and 'data-hx-swap-oob="true"' in html
    assert '<div id="flash-messages" data-hx-swap-oob="innerHTML">' in html
    assert "山田 花子さんを受付しました。" in html
    assert "undo-check-in" in html and 'name="q" value="山田"' in html
    assert ">1</span> / 2 組が受付済み" in html
    again = c.post_form(f"{door['base']}/signups/{hanako.id}/check-in", htmx=True)
    assert "山田 花子さんはすでに受付済みです。" in again.get_data(as_text=True)
    assert ">1</span> / 2 組が受付済み" in again.get_data(as_text=True)


def test_plain_form_check_in_redirects_back_to_the_search(door):
    c, ichiro = door["client"], door["ichiro"]
    response = c.post_form(f"{door['base']}/signups/{ichiro.id}/check-in", {"q": "佐藤"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{door['base']}/check-in?q=") and location.endswith(
        f"#event-signup-{ichiro.id}"
    )
    page = c.get(location.split("#")[0]).get_data(as_text=True)
    assert "佐藤 一郎さんを受付しました。" in page and "山田 花子" not in page
    db.session.refresh(ichiro)
    assert ichiro.is_checked_in
    undo = c.post_form(f"{door['base']}/signups/{ichiro.id}/undo-check-in")
    assert undo.status_code == 302
    db.session.refresh(ichiro)
    assert not ichiro.is_checked_in


def test_a_cancelled_signup_is_not_checked_in(door):
    gone = make_signup(door["event"], status=SignupStatus.cancelled)
    db.session.commit()
    response = door["client"].post_form(f"{door['base']}/signups/{gone.id}/check-in", htmx=True)
    assert "キャンセルされた申し込みは受付できません" in response.get_data(as_text=True)


def test_search_answers_htmx_with_the_results_only(door):
    response = door["client"].get(
        f"{door['base']}/check-in?q=やまだ", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="event-door-results"')
    assert "山田 花子" in html and "佐藤 一郎" not in html
    nobody = door["client"].get(f"{door['base']}/check-in?q=鈴木").get_data(as_text=True)
    assert "「鈴木」に当てはまる人がいません" in nobody


def test_counts_fragment(door):
    html = door["client"].get(f"{door['base']}/check-in/counts").get_data(as_text=True)
    assert html.lstrip().startswith('<div id="event-door-counts"')
    assert 'data-hx-trigger="every 20s"' in html


def test_walk_in_is_added_and_checked_in(door):
    c = door["client"]
    response = c.post_form(
        f"{door['base']}/walk-in",
        {
            "name": "高橋 和子",
            "kana": "たかはし かずこ",
            "phone": "",
            "adults": "1",
            "children": "1",
            "children_ages": "0",
            "wants_membership": "y",
        },
    )
    assert response.status_code == 302
    walk_in = db.session.scalar(select(Signup).where(Signup.name == "高橋 和子"))
    assert walk_in.status is SignupStatus.walk_in and walk_in.is_checked_in
    assert walk_in.wants_membership and walk_in.kana == "タカハシ カズコ"
    assert response.headers["Location"].endswith(f"#event-signup-{walk_in.id}")


def test_walk_in_with_a_signed_up_phone_is_pointed_to_the_list(door):
    hanako = door["hanako"]
    response = door["client"].post_form(
        f"{door['base']}/walk-in",
        {"name": "山田 花子", "phone": hanako.phone, "adults": "1", "children": "0"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"申込番号 {hanako.code}" in html and 'id="phone-error"' in html


def test_attendance_from_the_paper_sheet(door):
    c, hanako, ichiro = door["client"], door["hanako"], door["ichiro"]
    page = c.get(f"{door['base']}/attendance").get_data(as_text=True)
    # The sheet's order: by reading, サトウ before ヤマダ.
    assert page.index("佐藤 一郎") < page.index("山田 花子")
    response = c.post_form(f"{door['base']}/attendance", {"attended": [str(hanako.id)]})
    assert response.status_code == 302
    db.session.refresh(hanako)
    db.session.refresh(ichiro)
    assert hanako.check_in_method == "paper" and not ichiro.is_checked_in
