"""A small, believable town for trying Otagai: `flask seed-demo`.

Two areas, an admin, a coordinator per area, three supporters and thirty households with
children of mixed ages. Every demo account has the password DEMO_PASSWORD; the sign-in page
lists them when the site runs in demo mode (OTAGAI_DEMO=1).
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from . import clock
from .areas.models import Area, Membership, RequestAudience, Role
from .builders import (
    add_membership,
    make_area,
    make_child,
    make_event,
    make_household,
    make_person,
    make_signup,
)
from .events.models import EventStatus
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
        postal_code_prefixes="33609",
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
        postal_code_prefixes="191",
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
    now = clock.now()
    for i in range(households):
        area = areas[0] if i % 3 else areas[1]
        family, family_kana = FAMILY[i % len(FAMILY)]
        # Families joined over the past year, so that the dashboard has a history to show.
        joined = now - timedelta(days=(households - i) * 330 // households, hours=i)
        household = make_household(
            area,
            postal_code="3360967" if area is misono else "1910011",
            address=None,
            created_at=joined,
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
                created_at=joined,
            )
            if has_account:
                number += 1
        for k in range(rng.randrange(0, 4)):
            given, given_kana = CHILD_GIVEN[(i + k * 5) % len(CHILD_GIVEN)]
            make_child(
                household,
                name=f"{family} {given}",
                kana=f"{family_kana} {given_kana}",
                # Born in the last sixteen years, whatever year the demo is built in.
                birth_year=clock.today().year - 1 - rng.randrange(0, 16),
                birth_month=rng.randrange(1, 13),
                care_notes="卵アレルギーがあります。" if (i + k) % 7 == 0 else None,
            )
    _seed_supporter_training(misono)
    _seed_events(misono, hino)
    db.session.flush()
    from .help_requests.demo import seed_asking_and_helping

    seed_asking_and_helping(rng, clock.now())
    from .help_requests.demo import seed_past_year

    seed_past_year(rng, clock.now())
    _seed_past_event(misono)
    db.session.commit()
    return True


def _seed_supporter_training(area: Area) -> None:
    """Misono's training list; one supporter certified, one half-way through the training."""
    from datetime import timedelta

    from .builders import make_training_module, make_training_record
    from .clock import today
    from .supporters.services import DEFAULT_MODULES, add_months

    modules = [
        make_training_module(area, name=name, name_en=name_en, position=n)
        for n, (name, name_en) in enumerate(DEFAULT_MODULES, start=1)
    ]
    supporters = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.area_id == area.id, Membership.role == Role.supporter)
            .order_by(Membership.id)
        )
    )
    day = today() - timedelta(days=40)
    for n, membership in enumerate(supporters[:2]):
        person = db.session.get(Person, membership.person_id)
        for module in modules if n == 0 else modules[:2]:
            make_training_record(person, module, completed_on=day)
        if n == 0:
            membership.certified_until = add_months(day, area.certification_months)


def _seed_events(misono: Area, hino: Area) -> None:
    """An exchange event in 美園 on the Saturday after next with six families signed up, and a
    draft in 日野."""
    today = clock.today()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    upcoming = make_event(
        misono,
        title="親子ふれあい交流会",
        description="手遊びや絵本の読み聞かせのあと、おしゃべりの時間があります。",
        starts_at=datetime.combine(saturday, time(10, 0), tzinfo=clock.TOWN_TZ),
        ends_at=datetime.combine(saturday, time(11, 30), tzinfo=clock.TOWN_TZ),
        capacity=10,
        childcare_available=True,
        what_to_bring="飲み物、タオル",
        organiser="美園子育てネットワーク",
        signup_deadline=saturday - timedelta(days=2),
    )
    for i in range(6):
        family, family_kana = FAMILY[i + 10]
        given, given_kana = ADULT_GIVEN[i]
        make_signup(
            upcoming,
            name=f"{family} {given}",
            kana=f"{family_kana} {given_kana}",
            phone=f"0803000{i:04d}",
            children=1 + i % 2,
            children_ages=[1, 3][: 1 + i % 2],
        )
    make_event(
        hino,
        status=EventStatus.draft,
        title="子育てサロン",
        venue="日野市多摩平の森ふれあい館",
        address=None,
        audience="未就学児と保護者",
        starts_at=datetime.combine(
            saturday + timedelta(days=7), time(13, 30), tzinfo=clock.TOWN_TZ
        ),
        ends_at=datetime.combine(saturday + timedelta(days=7), time(15, 0), tzinfo=clock.TOWN_TZ),
    )


def _seed_past_event(misono: Area) -> None:
    """Last month's exchange event in 美園: eight families signed up, six came."""
    day = clock.today().replace(day=1) - timedelta(days=12)
    starts = datetime.combine(day, time(10, 0), tzinfo=clock.TOWN_TZ)
    past = make_event(
        misono,
        status=EventStatus.closed,
        title="絵本と手遊びの会",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        capacity=8,
        post_event_note="6組が参加。次回は季節の工作をしたいという声がありました。",
    )
    for i in range(8):
        family, family_kana = FAMILY[i + 20]
        given, given_kana = ADULT_GIVEN[i + 3 if i < 9 else 0]
        make_signup(
            past,
            name=f"{family} {given}",
            kana=f"{family_kana} {given_kana}",
            phone=f"0803100{i:04d}",
            children=1,
            children_ages=[2],
            checked_in_at=starts + timedelta(minutes=5) if i < 6 else None,
        )


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
