"""Journey: a coordinator opens the dashboard, changes the period (a wrong month first),
downloads the CSV and the monthly report PDF, certifies a supporter and sees the count change.
With JavaScript on (the period swaps the figures in place) and off (plain GET forms); axe and
the HTML checker on every page."""

import csv
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import (
    add_membership,
    make_area,
    make_event,
    make_person,
    make_signup,
    make_training_record,
)
from tests.pdf_tools import pdf_text
from tests.reports.conftest import past_request, resident
from webapp.areas.models import Role
from webapp.clock import TOWN_TZ
from webapp.clock import now as clock_now
from webapp.events import checkin
from webapp.extensions import db
from webapp.help_requests.models import RequestStatus
from webapp.reports.periods import add_months
from webapp.supporters.services import training_modules


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


@pytest.fixture
def misono():
    """Misono with a year of history, and a supporter who finished the training."""
    now = clock_now()
    area = make_area(name="美園", kpi_members=150, kpi_supporters=10)
    coordinator = make_person(with_household=False, role=None, display_name="美園 田中")
    add_membership(coordinator, area, Role.coordinator)
    for months_ago in range(1, 13):
        moment = now - timedelta(days=30 * months_ago)
        person = resident(area, moment, display_name=f"会員{months_ago}")
        past_request(person, area, posted=moment, status=RequestStatus.completed)
        if months_ago % 3 == 0:
            past_request(person, area, posted=moment)
    event = make_event(
        area, starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=40, hours=-2)
    )
    signup = make_signup(event, adults=1, children=2)
    supporter = make_person(area=area, role=Role.supporter, display_name="さくら")
    for module in training_modules(area):
        make_training_record(supporter, module)
    db.session.commit()
    checkin.check_in(signup, actor=coordinator)
    return {"area": area, "coordinator": coordinator, "supporter": supporter, "now": now}


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_coordinator_reads_exports_and_certifies(request, audit, misono, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    area = misono["area"]
    this_month = misono["now"].astimezone(TOWN_TZ).date().replace(day=1)
    last_month = add_months(this_month, -1)

    _sign_in(page, misono["coordinator"])
    audit(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="集計").click()
    expect(page.locator("h1")).to_have_text("集計：美園")  # one area: straight to it
    expect(page.locator("#dashboard figure.chart")).to_have_count(3)
    expect(page.locator("#dashboard figure.chart table")).to_have_count(3)  # each has its table
    expect(page.locator(".kpi").first).to_contain_text("目標 150 のうち 14")
    expect(page.locator(".figures-glance")).to_contain_text("今日の時点で 0人")
    audit(page)

    # A month that does not exist: the error is next to the field, what was typed stays.
    page.get_by_label("最初の月").fill("2026-13")
    page.get_by_role("button", name="数字を見る").click()
    expect(page.locator(".error-summary")).to_contain_text("2026-04のように月を入力してください")
    expect(page.get_by_label("最初の月")).to_have_value("2026-13")
    if not js:
        expect(page).to_have_title(re.compile("^エラー："))
    audit(page)

    # The last three months, typed in full-width digits.
    first = add_months(this_month, -2)
    page.get_by_label("最初の月").fill(f"{first.year}年{first.month}月".translate(FULL_WIDTH))
    page.get_by_label("最後の月").fill(f"{this_month:%Y-%m}")
    page.get_by_role("button", name="数字を見る").click()
    expect(page).to_have_url(re.compile(rf"from=.*&to={this_month:%Y-%m}"))
    expect(page.locator("#glance-title")).to_have_text(
        f"{first.year}年{first.month}月から{this_month.year}年{this_month.month}月のまとめ"
    )
    expect(page.locator("#chart-requests table tbody tr")).to_have_count(3)
    audit(page)

    # The CSV: one row per month and the total, for Excel.
    with page.expect_download() as download:
        page.get_by_role("link", name="この数字を月ごとに（Excel用CSV）").click()
    body = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]][-1] == "期間の合計"
    assert len(rows) == 1 + 3 + 1

    # The monthly report for the town: last month, as a PDF to print.
    page.get_by_label("報告する月").fill(f"{last_month:%Y-%m}")
    with page.expect_download() as download:
        page.get_by_role("button", name="月次報告をダウンロード").click()
    text = pdf_text(open(download.value.path(), "rb").read())  # noqa: SIM115
    assert f"月次報告：美園、{last_month.year}年{last_month.month}月" in text.replace(" ", "")
    assert "会員1" not in text and "さくら" not in text  # counts only

    # Certify the supporter; the dashboard counts her.
    page.goto(f"/areas/{area.id}/supporters/{misono['supporter'].id}")
    audit(page)
    page.get_by_role("button", name="サポーターとして認定する").click()
    expect(page.locator(".flash")).to_contain_text("さくらさんを認定しました。")
    audit(page)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="集計").click()
    expect(page.locator(".figures-glance")).to_contain_text("今日の時点で 1人")
    expect(page.locator(".kpi").nth(1)).to_contain_text("目標 10 のうち 1")
    audit(page)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
