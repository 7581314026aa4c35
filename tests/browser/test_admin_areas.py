"""Journey: an admin creates an area and appoints a coordinator, who can then open it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_area, make_person
from webapp.extensions import db


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_admin_creates_area_and_appoints_coordinator(request, new_page, audit, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    admin = make_person(with_household=False, role=None, is_admin=True, display_name="市役所 管理")
    make_area(name="美園")
    future = make_person(with_household=False, role=None, display_name="見沼 コーディネーター")
    db.session.commit()

    _sign_in(page, admin)
    audit(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="地域").click()
    expect(page.locator("h1")).to_have_text("地域")
    audit(page)
    page.get_by_role("link", name="地域を作成する").click()
    audit(page)

    # Sent with mistakes: the summary lists them, each field keeps what was typed.
    page.get_by_label("1時間あたりのお礼の目安・下限（円）").fill("９００")
    page.get_by_label("1時間あたりのお礼の目安・上限（円）").fill("７００")
    page.get_by_role("button", name="地域を作成する").click()
    expect(page).to_have_title(re.compile("^エラー："))
    expect(page.locator(".error-summary")).to_contain_text("地域名を入力してください")
    expect(page.locator(".error-summary")).to_contain_text("お礼の上限は下限より低くできません")
    expect(page.get_by_label("1時間あたりのお礼の目安・下限（円）")).to_have_value("９００")
    audit(page)

    page.get_by_label("地域名（日本語）").fill("見沼")
    page.get_by_label("地域名（英語）").fill("Minuma")
    page.get_by_label("相談窓口の電話番号").fill("048-681-1234")
    page.get_by_label("1時間あたりのお礼の目安・上限（円）").fill("１０００")
    page.get_by_label("地域のみなさん").check()
    page.get_by_role("button", name="地域を作成する").click()
    expect(page.locator("h1")).to_have_text("見沼")
    expect(page.locator(".flash")).to_contain_text("地域「見沼」を作成しました。")
    expect(page.locator(".summary-list")).to_contain_text("900円 – 1,000円")
    expect(page.locator(".summary-list")).to_contain_text("048-681-1234")
    audit(page)

    page.get_by_label("その人の会員番号、電話番号、またはメールアドレス").fill(future.member_number)
    page.get_by_role("button", name="コーディネーターに任命する").click()
    expect(page.locator(".flash")).to_contain_text(
        "見沼 コーディネーターさんをコーディネーターに任命しました。"
    )
    expect(page.locator("#coordinators + .card-list")).to_contain_text("見沼 コーディネーター")
    audit(page)

    # The new coordinator sees the area and may change its settings, not create areas.
    coordinator_page = new_page(javascript=js)
    _sign_in(coordinator_page, future)
    coordinator_page.goto("/areas")
    expect(coordinator_page.get_by_role("link", name="見沼")).to_be_visible()
    expect(coordinator_page.get_by_role("link", name="美園")).to_have_count(0)
    assert coordinator_page.goto("/areas/new").status == 403
