"""Journey: a coordinator creates and publishes an event and prints its flyer; a guest opens
the address decoded from the flyer's QR code and joins the waiting list; the family holding
the only place cancels with its code and phone, so the guest is promoted; at the door staff
check the guest in and add a walk-in. With JavaScript on and off; every page is audited."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import add_membership, make_area, make_person, make_signup
from tests.pdf_tools import pdf_qr_codes
from webapp import clock
from webapp.areas.models import Role
from webapp.events.models import Event, Signup, SignupStatus
from webapp.extensions import db
from webapp.notifications.models import FollowUpCall


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


@pytest.fixture
def coordinator():
    area = make_area(name="美園", help_phone="0488781234")
    person = make_person(with_household=False, role=None, display_name="美園コーディネーター")
    add_membership(person, area, Role.coordinator)
    db.session.commit()
    return person


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_event_from_flyer_to_the_door(request, new_page, audit, coordinator, js):
    staff = request.getfixturevalue("page" if js else "page_nojs")
    day = clock.today() + timedelta(days=10)

    # The coordinator creates the event: first with a mistake, then properly.
    _sign_in(staff, coordinator)
    audit(staff)
    staff.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="イベント運営"
    ).click()
    expect(staff.locator("h1")).to_have_text("イベント運営")
    audit(staff)
    staff.get_by_role("link", name="イベントを作る").click()
    expect(staff.locator("h1")).to_have_text("イベントを作る")
    audit(staff)
    staff.get_by_label("会場", exact=True).fill("美園コミュニティセンター")
    staff.get_by_role("button", name="下書きとして保存する").click()
    expect(staff).to_have_title(re.compile("^エラー："))
    expect(staff.locator(".error-summary")).to_contain_text("タイトルを入力してください")
    expect(staff.get_by_label("会場", exact=True)).to_have_value("美園コミュニティセンター")
    audit(staff)
    staff.get_by_label("タイトル").fill("親子ふれあい交流会")
    staff.get_by_label("日にち", exact=True).fill(day.isoformat())
    staff.get_by_label("開始時刻").fill("10:00")
    staff.get_by_label("終了時刻").fill("12:00")
    staff.get_by_label("定員", exact=True).fill("1")
    staff.get_by_label("対象").fill("0〜3歳の子どもと保護者")
    staff.get_by_role("button", name="下書きとして保存する").click()
    expect(staff.locator(".flash")).to_contain_text("下書きとして作りました")
    audit(staff)
    staff.get_by_role("button", name="公開する（申し込みを受け付ける）").click()
    expect(staff.locator(".flash")).to_contain_text("公開中")
    audit(staff)
    db.session.commit()  # end the test's read transaction: see what the server wrote
    event = db.session.scalar(select(Event))
    staff_url = staff.url

    # The flyer: its preview, then the PDF, whose QR code is read back.
    staff.get_by_role("link", name="画面で確認").first.click()
    expect(staff.locator("h1")).to_have_text("親子ふれあい交流会")
    audit(staff)
    flyer = staff.request.get(f"/manage/events/{event.id}/flyer.pdf")
    assert flyer.headers["content-type"] == "application/pdf"
    (event_url,) = pdf_qr_codes(flyer.body())
    assert event_url.endswith(f"/events/{event.id}")

    # Someone already holds the only place (signed up on the phone).
    holder = make_signup(event, name="先に 申込", phone="09011112222")
    db.session.commit()

    # A guest scans the QR code and signs up: the event is full, so they wait.
    guest = new_page(javascript=js)
    guest.goto(event_url)
    expect(guest.locator("h1")).to_have_text("親子ふれあい交流会")
    expect(guest.locator("main")).to_contain_text("満員です")
    audit(guest)
    guest.get_by_role("link", name="申し込む", exact=True).click()
    expect(guest.locator("h1")).to_have_text("申し込み：親子ふれあい交流会")
    audit(guest)
    guest.get_by_label("氏名").fill("山田 花子")
    guest.get_by_label("ふりがな").fill("やまだ はなこ")
    guest.get_by_label("電話番号").fill("０９０－３３３３－４４４４")
    guest.get_by_label("子どもの人数").fill("1")
    guest.get_by_label("子どもの年齢").fill("2")
    guest.get_by_role("button", name="申し込む").click()
    expect(guest.locator("h1")).to_have_text("キャンセル待ちで受け付けました")
    expect(guest.locator("main")).to_contain_text("1番目")
    code = guest.locator("#signup-code").inner_text().strip()
    audit(guest)

    # The family with the place cancels with its code and phone (a wrong phone first).
    other = new_page(javascript=js)
    other.goto(event_url)
    other.get_by_role("link", name="申込番号でキャンセルする").click()
    expect(other.locator("h1")).to_have_text("申し込みのキャンセル")
    audit(other)
    other.get_by_label("申込番号").fill(holder.code.lower())
    other.get_by_label("申し込んだときの電話番号").fill("090-9999-9999")
    other.get_by_role("button", name="申し込みを探す").click()
    expect(other.locator(".error-summary")).to_contain_text("一致する申し込みがありません")
    audit(other)
    other.get_by_label("申し込んだときの電話番号").fill("090-1111-2222")
    other.get_by_role("button", name="申し込みを探す").click()
    expect(other.locator("h1")).to_have_text("この申し込みをキャンセルしますか？")
    audit(other)
    other.get_by_role("button", name="はい、キャンセルします").click()
    expect(other.locator(".flash")).to_contain_text("申し込みをキャンセルしました")
    audit(other)

    # The guest was first in line: the place is theirs, and a supporter will phone them.
    guest.reload()
    expect(guest.locator("h1")).to_have_text("参加が決まりました")
    audit(guest)
    db.session.commit()
    call = db.session.scalar(select(FollowUpCall))
    assert (call.phone, call.kind, call.data["code"]) == ("09033334444", "event.promoted", code)

    # At the door: find the guest by the reading in hiragana and check them in.
    staff.goto(staff_url)
    staff.get_by_role("link", name="当日の受付").click()
    expect(staff.locator("h1")).to_contain_text("受付：親子ふれあい交流会")
    audit(staff)
    staff.get_by_label("名前・ふりがな・申込番号・電話番号").fill("やまだ")
    if not js:
        staff.get_by_role("button", name="探す").click()
        expect(staff).to_have_url(re.compile(r"q=%E3%82%84"))
        audit(staff)
    row = staff.locator(".door-row", has_text="山田 花子")
    expect(row).to_have_count(1)
    expect(staff.locator(".door-row", has_text="先に 申込")).to_have_count(0)
    row.get_by_role("button", name="山田 花子さんを受付する").click()
    expect(staff.locator(".door-row", has_text="山田 花子")).to_contain_text("受付済み")
    expect(staff.locator("#event-door-counts")).to_contain_text("1 / 1 組が受付済み")
    expect(staff.locator("#flash-messages")).to_contain_text("山田 花子さんを受付しました。")
    audit(staff)
    # A mistake: undo it, then check in again. With htmx the swapped row's button keeps
    # the keyboard focus.
    undo = staff.get_by_role("button", name="山田 花子さんの受付を取り消す")
    undo.click()
    flash = staff.locator("#flash-messages")
    expect(flash).to_contain_text("山田 花子さんの受付を取り消しました。")
    expect(staff.locator("#event-door-counts")).to_contain_text("0 / 1 組が受付済み")
    check_in = staff.get_by_role("button", name="山田 花子さんを受付する")
    if js:
        expect(check_in).to_be_focused()
    else:
        expect(staff).to_have_url(re.compile(r"q=%E3%82%84.*#event-signup-"))
    check_in.click()
    expect(staff.locator(".door-row", has_text="山田 花子")).to_contain_text("受付済み")
    expect(staff.locator("#event-door-counts")).to_contain_text("1 / 1 組が受付済み")

    # A walk-in who would like to become a member.
    staff.get_by_role("link", name="当日参加の人を追加").click()
    expect(staff.locator("h1")).to_contain_text("当日参加の追加")
    audit(staff)
    staff.get_by_label("氏名").fill("高橋 和子")
    staff.get_by_label("ふりがな").fill("たかはし かずこ")
    staff.get_by_label("子どもの人数").fill("1")
    staff.get_by_label("会員登録を希望する").check()
    staff.get_by_role("button", name="追加して受付する").click()
    expect(staff.locator(".flash")).to_contain_text("高橋 和子さんを当日参加として受付しました")
    expect(staff.locator("#event-door-counts")).to_contain_text("2 / 2 組が受付済み")
    audit(staff)

    db.session.commit()
    statuses = {s.name: (s.status, s.is_checked_in) for s in db.session.scalars(select(Signup))}
    assert statuses == {
        "先に 申込": (SignupStatus.cancelled, False),
        "山田 花子": (SignupStatus.confirmed, True),
        "高橋 和子": (SignupStatus.walk_in, True),
    }
