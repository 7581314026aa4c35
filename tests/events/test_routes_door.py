"""The door: htmx check-in with out-of-band counts, the plain-form fallback, search, walk-ins,
attendance from paper."""

import pytest
from sqlalchemy import select

from tests.conftest import count_queries
from tests.factories import make_signup
from webapp.events import checkin
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


def test_the_list_is_one_form_with_a_button_per_family(door):
    c, hanako, ichiro = door["client"], door["hanako"], door["ichiro"]
    c.post_form(f"{door['base']}/check-in", {"signup": ichiro.id})
    html = c.get(f"{door['base']}/check-in").get_data(as_text=True)
    results = html[html.index('<div id="event-door-results"') :]
    assert results.count("<form") == 1 and results.count('name="csrf_token"') == 1
    assert f'<form method="post" action="{door["base"]}/check-in"' in results
    assert f'data-hx-post="{door["base"]}/check-in" data-hx-swap="none"' in results
    # Each family's button carries its signup; the undo button posts to its own address.
    assert (
        f'<button type="submit" id="event-signup-{hanako.id}-button" name="signup" '
        f'value="{hanako.id}" class="button door-row__button" '
        'aria-label="山田 花子さんを受付する">受付する</button>'
    ) in results
    assert (
        f'id="event-signup-{ichiro.id}-button" name="signup" value="{ichiro.id}" '
        f'formaction="{door["base"]}/undo-check-in"'
    ) in results
    assert "大人 1人・子ども 2人" in results and hanako.code in results
    # By reading: サトウ before ヤマダ.
    assert results.index("佐藤 一郎") < results.index("山田 花子")


def test_htmx_check_in_returns_the_row_counts_and_message(door):
    c, hanako = door["client"], door["hanako"]
    url = f"{door['base']}/check-in"
    response = c.post_form(url, {"signup": hanako.id, "q": "山田"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(
        f'<li class="door-row door-row--in" id="event-signup-{hanako.id}" data-hx-swap-oob="true">'
    )
    assert 'id="event-door-counts"' in html and 'data-hx-swap-oob="true"' in html
    assert '<div id="flash-messages" data-hx-swap-oob="innerHTML">' in html
    assert "山田 花子さんを受付しました。" in html
    assert f'formaction="{door["base"]}/undo-check-in"' in html
    assert 'aria-label="山田 花子さんの受付を取り消す"' in html
    assert ">1</span> / 2 組が受付済み" in html
    again = c.post_form(url, {"signup": hanako.id}, htmx=True)
    assert "山田 花子さんはすでに受付済みです。" in again.get_data(as_text=True)
    assert ">1</span> / 2 組が受付済み" in again.get_data(as_text=True)
    undone = c.post_form(f"{door['base']}/undo-check-in", {"signup": hanako.id}, htmx=True)
    html = undone.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li class="door-row" id="event-signup-{hanako.id}"')
    assert "山田 花子さんの受付を取り消しました。" in html
    assert ">0</span> / 2 組が受付済み" in html


def test_plain_form_check_in_redirects_back_to_the_search(door):
    c, ichiro = door["client"], door["ichiro"]
    response = c.post_form(f"{door['base']}/check-in", {"signup": ichiro.id, "q": "佐藤"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{door['base']}/check-in?q=") and location.endswith(
        f"#event-signup-{ichiro.id}"
    )
    page = c.get(location.split("#")[0]).get_data(as_text=True)
    assert "佐藤 一郎さんを受付しました。" in page and "山田 花子" not in page
    assert 'name="q" value="佐藤"' in page
    db.session.refresh(ichiro)
    assert ichiro.is_checked_in
    undo = c.post_form(f"{door['base']}/undo-check-in", {"signup": ichiro.id})
    assert undo.status_code == 302
    db.session.refresh(ichiro)
    assert not ichiro.is_checked_in


def test_a_cancelled_signup_is_not_checked_in(door):
    gone = make_signup(door["event"], status=SignupStatus.cancelled)
    db.session.commit()
    response = door["client"].post_form(f"{door['base']}/check-in", {"signup": gone.id}, htmx=True)
    assert "キャンセルされた申し込みは受付できません" in response.get_data(as_text=True)


def test_the_row_shows_needs_waiting_and_walk_ins_who_would_join(door):
    event, c = door["event"], door["client"]
    waiting = make_signup(
        event, name="待つ 人", status=SignupStatus.waitlisted, allergies="卵", childcare_needed=True
    )
    joining = make_signup(
        event, name="入る 人", phone="09055556666", status=SignupStatus.walk_in,
        wants_membership=True,
    )  # fmt: skip
    db.session.commit()
    c.post_form(f"{door['base']}/check-in", {"signup": joining.id})
    html = c.get(f"{door['base']}/check-in").get_data(as_text=True)
    row = html[html.index(f'id="event-signup-{waiting.id}"') :].split("</li>")[0]
    assert "キャンセル待ち" in row and "託児" in row and "アレルギー： 卵" in row
    row = html[html.index(f'id="event-signup-{joining.id}"') :].split("</li>")[0]
    assert "当日参加" in row and "会員登録を希望" in row
    assert "/help-desk/" in row and "phone=09055556666" in row and "受付済み" in row


def test_the_door_takes_a_fixed_number_of_queries(door):
    c, event = door["client"], door["event"]
    url = f"{door['base']}/check-in"

    def measure():
        c.get(url)  # the session, the language and the CSRF token are settled first
        with count_queries() as statements:
            page = c.get(url)
            fragment = c.get(f"{url}?q=ヤマダ", headers={"HX-Request": "true"})
            counts = c.get(f"{url}/counts")
        assert page.status_code == fragment.status_code == counts.status_code == 200
        return len(statements), page.get_data(as_text=True)

    small, _html = measure()
    for n in range(60):
        arrived = make_signup(event, name=f"山田 {n:02d}", children_ages=[3, 5])
        if n % 3 == 0:
            checkin.check_in(arrived, actor=door["coordinator"])
    db.session.commit()
    large, html = measure()
    assert large == small
    assert html.count('<li class="door-row') == 62
    assert html.count('<li class="door-row door-row--in"') == 20


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
