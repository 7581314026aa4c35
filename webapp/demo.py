"""A small, believable town for trying Otagai: `flask seed-demo`.

Two areas, an admin, a coordinator per area, three supporters and thirty households with
children of mixed ages. Every demo account has the password DEMO_PASSWORD; the sign-in page
lists them when the site runs in demo mode (OTAGAI_DEMO=1).
"""

import random

from sqlalchemy import select

from .areas.models import Area, RequestAudience, Role
from .builders import add_membership, make_area, make_child, make_household, make_person
from .extensions import db
from .households.models import Person

DEMO_PASSWORD = "otagai-demo"  # noqa: S105  (published on purpose: demo data only)

FAMILY = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
]
ADULT_GIVEN = [
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("健太", "ケンタ"),
    ("直樹", "ナオキ"),
    ("由美", "ユミ"),
    ("真由美", "マユミ"),
    ("大輔", "ダイスケ"),
    ("恵", "メグミ"),
    ("翔", "ショウ"),
    ("綾", "アヤ"),
    ("和子", "カズコ"),
    ("勝", "マサル"),
]
CHILD_GIVEN = [
    ("陽翔", "ハルト"),
    ("結菜", "ユイナ"),
    ("蓮", "レン"),
    ("葵", "アオイ"),
    ("湊", "ミナト"),
    ("陽葵", "ヒマリ"),
    ("樹", "イツキ"),
    ("凛", "リン"),
    ("悠真", "ユウマ"),
    ("芽依", "メイ"),
    ("大和", "ヤマト"),
    ("紬", "ツムギ"),
]

# (member number, name, kana, display name, role key) — listed on the sign-in page in demo mode.
STAFF = [
    ("10000001", "管理 太郎", "カンリ タロウ", "管理者（市役所）", "admin", None),
    ("20000001", "田中 恵子", "タナカ ケイコ", "美園コーディネーター 田中", "coordinator", 0),
    ("20000002", "日野 誠", "ヒノ マコト", "日野コーディネーター 日野", "coordinator", 1),
]


def _demo_accounts_exist() -> bool:
    return (
        db.session.scalar(select(Person.id).where(Person.member_number == "10000001")) is not None
    )


def seed_demo(*, households: int = 30, seed: int = 2026) -> bool:
    """Build the demo town; does nothing (returns False) when it is already there."""
    if _demo_accounts_exist():
        return False
    rng = random.Random(seed)
    misono = make_area(
        name="美園",
        name_en="Misono",
        help_phone="0488781234",
        cancellation_note="前日までのキャンセルは無料です。当日は必ず電話で連絡してください。",
        kpi_households=150,
        kpi_members=150,
        kpi_supporters=10,
        kpi_events=48,
        kpi_completed_requests=100,
    )
    hino = make_area(
        name="日野（一般）",
        name_en="Hino (general)",
        help_phone="0425140000",
        request_audience=RequestAudience.area,
        kpi_members=226,
        kpi_completed_requests=40,
    )
    areas = [misono, hino]
    for number, name, kana, display, role, area_index in STAFF:
        person = make_person(
            with_household=False,
            role=None,
            password=DEMO_PASSWORD,
            member_number=number,
            name=name,
            kana=kana,
            display_name=display,
            phone=None,
            is_admin=role == "admin",
        )
        if area_index is not None:
            add_membership(person, areas[area_index], Role.coordinator)

    number = 30000001
    for i in range(households):
        area = areas[0] if i % 3 else areas[1]
        family, family_kana = FAMILY[i % len(FAMILY)]
        household = make_household(
            area, postal_code="3360967" if area is misono else "1910011", address=None
        )
        for j in range(1 + (i % 2)):
            given, given_kana = ADULT_GIVEN[(i * 2 + j) % len(ADULT_GIVEN)]
            role = Role.supporter if i in (1, 2, 3) and j == 0 else Role.member
            has_account = j == 0 or i % 4 == 0
            make_person(
                household,
                area=area,
                role=role,
                password=DEMO_PASSWORD if has_account else None,
                member_number=str(number) if has_account else None,
                name=f"{family} {given}",
                kana=f"{family_kana} {given_kana}",
                display_name=f"{given}（{family}）",
                phone=f"090{rng.randrange(10_000_000, 99_999_999)}",
            )
            if has_account:
                number += 1
        for k in range(rng.randrange(0, 4)):
            given, given_kana = CHILD_GIVEN[(i + k * 5) % len(CHILD_GIVEN)]
            make_child(
                household,
                name=f"{family} {given}",
                kana=f"{family_kana} {given_kana}",
                birth_year=rng.randrange(2010, 2026),
                birth_month=rng.randrange(1, 13),
                care_notes="卵アレルギーがあります。" if (i + k) % 7 == 0 else None,
            )
    db.session.flush()
    from .clock import now
    from .help_requests.demo import seed_asking_and_helping

    seed_asking_and_helping(rng, now())
    db.session.commit()
    return True


def demo_accounts() -> list[dict]:
    """The accounts to try, for the sign-in page in demo mode."""
    numbers = ["10000001", "20000001", "20000002", "30000002", "30000005", "30000001"]
    people = {
        p.member_number: p
        for p in db.session.scalars(select(Person).where(Person.member_number.in_(numbers)))
    }
    return [
        {"member_number": n, "person": people[n], "password": DEMO_PASSWORD}
        for n in numbers
        if n in people
    ]


def area_names() -> list[str]:
    return list(db.session.scalars(select(Area.name).order_by(Area.id)))
