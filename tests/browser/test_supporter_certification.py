"""Journey: a coordinator records a supporter's training, certifies them, sees the badge, then
opens the audit log and filters it. With JavaScript on (training recorded in place by htmx)
and off (plain forms), axe and the HTML checker on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import add_membership, make_area, make_person
from webapp.areas.models import Role
from webapp.clock import today
from webapp.extensions import db
from webapp.supporters.services import add_months

MODULES = ["オリエンテーション", "子どもの安全と応急手当", "個人情報の取り扱い", "相談窓口の実習"]


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


def _record(page, module: str, day: str, js: bool):
    form = page.locator("#training form").first
    form.get_by_label(module, exact=True).check()
    form.get_by_label("修了した日").fill(day)
    if js:  # htmx replaces the training section in place: no new page
        with page.expect_response(lambda r: "/training" in r.url and r.request.method == "POST"):
            form.get_by_role("button", name="研修を記録する").click()
        expect(page.locator("#training .flash")).to_have_text("研修を記録しました。")
    else:
        form.get_by_role("button", name="研修を記録する").click()
        expect(page.locator(".flash")).to_have_text("研修を記録しました。")
    expect(page.locator(f"#training tbody tr:has-text('{module}') .status")).to_have_text("修了")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_coordinator_certifies_a_supporter_and_reads_the_audit_log(request, audit, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    misono = make_area(name="美園")
    coordinator = make_person(with_household=False, role=None, display_name="美園 田中")
    add_membership(coordinator, misono, Role.coordinator)
    supporter = make_person(area=misono, role=Role.supporter, display_name="さくら")
    make_person(area=misono, role=Role.supporter, display_name="あおい")
    db.session.commit()
    day = today().isoformat()

    _sign_in(page, coordinator)
    audit(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="サポーター", exact=True
    ).click()
    expect(page.locator("h1")).to_have_text("美園のサポーター")
    expect(page.locator(f"#supporter-{supporter.id}")).to_contain_text("未認定")
    audit(page)

    page.get_by_role("link", name="さくら").click()
    expect(page.locator("h1")).to_have_text("さくら")
    expect(page.locator("#certify-missing li")).to_have_count(4)
    expect(page.get_by_role("button", name="サポーターとして認定する")).to_have_count(0)
    audit(page)

    # Sent without choosing a training: the error says what to do, the date stays.
    page.locator("#training form").first.get_by_label("修了した日").fill(day)
    page.locator("#training form").first.get_by_role("button", name="研修を記録する").click()
    expect(page.locator("#training .error-summary")).to_contain_text("修了した研修を選んでください")
    expect(page.locator("#training form").first.get_by_label("修了した日")).to_have_value(day)
    if not js:
        expect(page).to_have_title(re.compile("^エラー："))
    audit(page)  # with JavaScript, axe checks the section htmx put in place

    for module in MODULES[:3]:
        _record(page, module, day, js)
        audit(page)
    expect(page.locator("#certify-missing")).to_have_text("相談窓口の実習")
    _record(page, MODULES[3], day, js)

    until = add_months(today(), 24)
    until_text = f"{until.year}年{until.month}月{until.day}日"
    expect(page.locator("#certify")).to_be_visible()
    page.get_by_role("button", name="サポーターとして認定する").click()
    expect(page.locator(".flash")).to_contain_text(
        f"さくらさんを認定しました。認定の期限は{until_text}"
    )
    expect(page.locator("h1 .badge--certified")).to_have_text("認定サポーター")
    expect(page.locator("#supporter-certification")).to_contain_text(until_text)
    audit(page)
    expect(page.locator("#certify + p")).to_contain_text("更新は、その日の60日前からできます")

    page.get_by_role("link", name="美園のサポーター一覧").click()
    row = page.locator(f"#supporter-{supporter.id}")
    expect(row.locator(".badge--certified")).to_be_visible()
    expect(row).to_contain_text("4 / 4")
    expect(row).to_contain_text("認定中")
    audit(page)

    # The audit log: every step is there, in words; filter to the certification.
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="操作の記録"
    ).click()
    expect(page.locator("h1")).to_have_text("操作の記録")
    expect(page.locator(".audit-table tbody tr")).to_have_count(6)  # list set up, 4 records, 1
    audit(page)
    page.get_by_label("なにを").select_option(label="サポーターの認定")
    page.get_by_label("だれがしたか").fill("田中")
    page.get_by_role("button", name="記録を表示する").click()
    expect(page).to_have_url(re.compile(r"action=supporter\.certified"))
    rows = page.locator(".audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"さくらさんをサポーターに認定しました（期限：{until_text}")
    expect(rows.first).to_contain_text("美園 田中")
    audit(page)

    # A wrong date range comes back with the error next to the field.
    page.get_by_label("いつから").fill(day)
    page.get_by_label("いつまで").fill(add_months(today(), -1).isoformat())
    page.get_by_role("button", name="記録を表示する").click()
    expect(page).to_have_title(re.compile("^エラー："))
    expect(page.locator(".error-summary")).to_contain_text(
        "「いつまで」は「いつから」より前にできません"
    )
    audit(page)
