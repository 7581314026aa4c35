"""Journeys: the rest of running events. A member finds an event through the list and signs
up with their household in one step. A coordinator takes a phone signup, cancels one after
being asked, lets a supporter help, changes and copies the event, looks at cancelling it,
prints previews; after an earlier event, keys in attendance from the paper sheet and writes
the note. With JavaScript on and off; every page is audited."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import (
    add_membership,
    make_area,
    make_child,
    make_event,
    make_household,
    make_person,
    make_signup,
)
from webapp import clock
from webapp.areas.models import Role
from webapp.events.models import Event, Signup, SignupSource, SignupStatus
from webapp.extensions import db


def _sign_in(page, person):
    page.goto("/sign-in")
    page.get_by_label("会員番号、電話番号、またはメールアドレス").fill(person.member_number)
    page.get_by_label("パスワード").fill("password123")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".signed-in")).to_be_visible()


@pytest.fixture
def town():
    misono = make_area(name="美園", help_phone="0488781234")
    coordinator = make_person(with_household=False, role=None, display_name="美園 田中")
    add_membership(coordinator, misono, Role.coordinator)
    supporter = make_person(area=misono, role=Role.supporter, display_name="支援 佐藤")
    household = make_household(misono)
    member = make_person(household, area=misono, display_name="はなこ")
    make_child(household, birth_year=clock.today().year - 2)
    upcoming = make_event(misono, title="絵本の会", capacity=2)
    make_signup(upcoming, name="山田 一郎", kana="ヤマダ イチロウ")
    past_start = clock.now() - timedelta(days=3)
    past = make_event(
        misono,
        title="先週の交流会",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=2),
    )
    make_signup(past, name="来た 人", kana="キタ ヒト")
    make_signup(past, name="来ない 人", kana="コナイ ヒト")
    db.session.commit()
    return {
        "coordinator": coordinator,
        "supporter": supporter,
        "member": member,
        "upcoming": upcoming,
        "past": past,
    }


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_member_finds_an_event_and_signs_up_the_household(request, audit, town, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    page.goto("/")
    page.get_by_role("link", name="これからの交流イベントを見る").click()
    expect(page.locator("h1")).to_have_text("地域の交流イベント")
    audit(page)
    page.get_by_label("地域").select_option(label="美園")
    if not js:
        page.get_by_role("button", name="イベントを表示する").click()
    expect(page).to_have_url(re.compile(r"area="))
    expect(page.locator("#events-list")).to_contain_text("絵本の会")
    audit(page)
    _sign_in(page, town["member"])
    page.goto(f"/events/{town['upcoming'].id}")
    expect(page.locator("main")).to_contain_text("大人 1人・子ども 1人")
    audit(page)
    page.get_by_role("button", name="世帯で申し込む").click()
    expect(page.locator("h1")).to_have_text("参加が決まりました")
    audit(page)
    page.get_by_role("link", name="イベントに戻る").click()
    expect(page.locator(".notice")).to_contain_text("申し込み済みです")
    audit(page)


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_coordinator_runs_the_rest(request, audit, town, js):
    page = request.getfixturevalue("page" if js else "page_nojs")
    upcoming, past = town["upcoming"], town["past"]
    _sign_in(page, town["coordinator"])
    page.goto("/manage/events")
    audit(page)

    # A phone signup.
    page.get_by_role("link", name="絵本の会").click()
    expect(page.locator("h1")).to_have_text("絵本の会")
    audit(page)
    page.get_by_role("link", name="電話・窓口の申し込みを入力").click()
    audit(page)
    page.get_by_label("氏名").fill("伊藤 勝")
    page.get_by_label("電話番号").fill("048-800-1234")
    page.get_by_label("大人の人数").fill("2")
    page.get_by_label("電話で").check()
    page.get_by_role("button", name="申し込みを登録する").click()
    expect(page.locator(".flash")).to_contain_text("伊藤 勝さん：参加決定")
    audit(page)

    # Cancel the first signup, after being asked.
    page.get_by_role("link", name="山田 一郎さんの申し込みをキャンセルする").click()
    expect(page.locator("h1")).to_have_text("この申し込みをキャンセルしますか？")
    audit(page)
    page.get_by_role("button", name="はい、この申し込みをキャンセルします").click()
    expect(page.locator(".flash").first).to_contain_text(
        "山田 一郎さんの申し込みをキャンセルしました"
    )
    audit(page)

    # Let a supporter help; a member number that is not a supporter's first.
    page.get_by_label("サポーターの会員番号または電話番号").fill(town["member"].member_number)
    page.get_by_role("button", name="このサポーターに手伝ってもらう").click()
    expect(page.locator(".error-summary")).to_contain_text("サポーターではありません")
    audit(page)
    page.get_by_label("サポーターの会員番号または電話番号").fill(town["supporter"].member_number)
    page.get_by_role("button", name="このサポーターに手伝ってもらう").click()
    expect(page.locator("#event-staff-" + str(town["supporter"].id))).to_contain_text("支援 佐藤")
    audit(page)

    # Change the details, then copy the event for next month.
    page.get_by_role("link", name="内容を変更する").click()
    expect(page.get_by_label("タイトル")).to_have_value("絵本の会")
    audit(page)
    page.get_by_label("持ち物").fill("タオル")
    page.get_by_role("button", name="変更を保存する").click()
    expect(page.locator(".flash")).to_contain_text("変更を保存しました")
    page.get_by_role("link", name="コピーして次回のイベントを作る").click()
    audit(page)
    next_month = upcoming.starts_at.astimezone(clock.TOWN_TZ).date() + timedelta(days=28)
    page.get_by_label("新しいイベントの日にち").fill(next_month.isoformat())
    page.get_by_role("button", name="コピーする").click()
    expect(page.locator(".flash")).to_contain_text("下書きとしてコピーしました")
    audit(page)
    db.session.commit()
    assert db.session.scalar(select(Event).where(Event.copied_from_id == upcoming.id))

    # Looking at cancelling (without doing it), and the printed sheets' previews.
    page.goto(f"/manage/events/{upcoming.id}")
    page.get_by_role("link", name="イベントを中止する…").click()
    expect(page.locator(".warning-text")).to_contain_text("元に戻せません")
    audit(page)
    page.get_by_role("link", name="いいえ、イベントに戻る").click()
    page.get_by_role("link", name="画面で確認").nth(1).click()
    expect(page.locator("h1")).to_contain_text("参加者名簿")
    audit(page)
    page.goto("/manage/events")
    page.get_by_role("button", name="画面で確認").first.click()
    expect(page.locator("h1")).to_contain_text("美園の交流イベント")
    audit(page)

    # After last week's event: attendance from the paper sheet, and the note.
    page.goto("/manage/events?past=1")
    audit(page)
    page.get_by_role("link", name="先週の交流会").click()
    expect(page.locator("#after-event")).to_be_visible()
    audit(page)
    page.get_by_role("link", name="紙の名簿から出席を入力する").click()
    audit(page)
    page.get_by_label("来た 人").check()
    page.get_by_role("button", name="出席を保存する").click()
    expect(page.locator(".flash")).to_contain_text("追加 1件")
    page.get_by_label("イベント後のメモ").fill("2組中1組が参加。")
    page.get_by_role("button", name="メモを保存する").click()
    expect(page.locator(".flash")).to_contain_text("メモを保存しました")
    audit(page)

    db.session.commit()
    rows = {s.name: s for s in db.session.scalars(select(Signup))}
    assert rows["伊藤 勝"].source is SignupSource.phone
    assert rows["伊藤 勝"].entered_by_id == town["coordinator"].id
    assert rows["山田 一郎"].status is SignupStatus.cancelled
    assert rows["来た 人"].check_in_method == "paper" and not rows["来ない 人"].is_checked_in
    db.session.refresh(past)
    assert past.post_event_note == "2組中1組が参加。"
