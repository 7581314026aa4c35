"""Steps: areas with their staff, then households with their adults and children.

Areas differ in size the way towns do (a few large ones, many small ones: the weight of the
i-th area is 1 / i^0.7); the first and largest is the one the benchmark uses. Households
register over the three years, more of them recently; each has one to four adults (the first
always with an account, the others often without: grandparents, partners who never signed up)
and usually children.
"""

from datetime import timedelta

from ..areas.models import Area, RequestAudience
from ..builders import area_values, child_values, household_values, person_values
from ..households.models import Child, Household, Person
from .names import ADULT_GIVEN, CARE_NOTES, CHILD_GIVEN, CITIES, DISTRICTS, FAMILY
from .world import SCALE_PASSWORD, AreaInfo, ChildInfo, HouseholdInfo, PersonInfo, Seed

HOUSEHOLDS_PER_AREA = 200
AREA_SIZE_EXPONENT = 0.7
ADULTS = ((1, 2, 3, 4), (10, 45, 30, 15))  # about 2.5 adults a household
CHILDREN = ((0, 1, 2, 3), (14, 33, 41, 12))  # about 1.5 children a household
OTHER_ADULT_HAS_ACCOUNT = 0.6
VIA = (("self", "online"), ("desk", "in_person"), ("paper", "paper"))
VIA_WEIGHTS = (65, 20, 15)


def area_sizes(households: int, count: int) -> list[int]:
    """Households per area, largest first, adding up to `households`."""
    weights = [1 / (i + 1) ** AREA_SIZE_EXPONENT for i in range(count)]
    total = sum(weights)
    sizes = [max(1, int(households * w / total)) for w in weights]
    for i in range(households - sum(sizes)):
        sizes[i % count] += 1
    return sizes


def _area_names(s: Seed, count: int) -> list[tuple[str, str, str]]:
    combos = [(c, d) for c in CITIES for d in DISTRICTS]
    s.rng.shuffle(combos)
    names = []
    for i in range(count):
        (city, city_en), (district, district_en) = combos[i % len(combos)]
        lap = f" {i // len(combos) + 1}" if i >= len(combos) else ""
        names.append((f"{city}{district}{lap}", f"{city_en} {district_en}{lap}", district))
    return names


def _staff(s: Seed, name: str, kana: str, display: str, **extra) -> int:
    person_id = s.writer.next_id(Person)
    row = person_values(
        None,
        password=SCALE_PASSWORD,
        id=person_id,
        member_number=next(s.member_numbers),
        name=name,
        kana=kana,
        display_name=display,
        phone=None,
        email=None,
        locale=None,
        is_admin=False,
        created_at=s.begin,
        created_by_id=None,
        last_signed_in_at=s.between(s.midnight - timedelta(days=7), s.last_moment),
        registered_via=None,
        consent_method=None,
        consented_at=None,
    )
    row.update(extra)
    s.writer.add(Person, row)
    s.staff[person_id] = row["member_number"]
    return person_id


def seed_areas(s: Seed) -> None:
    """The admin, the areas and one coordinator (a staff account without a household) each."""
    numbers = s.rng.sample(range(10_000_000, 100_000_000), 5 * s.households + 999)
    s.member_numbers = map(str, numbers)
    s.admin_id = _staff(s, "管理 太郎", "カンリ タロウ", "管理者（本部）", is_admin=True)
    sizes = area_sizes(s.households, max(2, s.households // HOUSEHOLDS_PER_AREA))
    for index, (size, (name, name_en, district)) in enumerate(
        zip(sizes, _area_names(s, len(sizes)), strict=True)
    ):
        wide = index == 0 or s.chance(0.3)  # the benchmark's area lets everyone help
        low, high = s.weighted(((500, 700), (600, 800), (400, 600)), (8, 1, 1))
        area = AreaInfo(
            index=index,
            id=s.writer.next_id(Area),
            name=name,
            name_en=name_en,
            district=district,
            size=size,
            audience=(RequestAudience.area if wide else RequestAudience.connections).value,
            hourly=(low, high),
            certification_months=12 if s.chance(0.2) else 24,
            created_at=s.between(s.begin, s.begin + timedelta(days=30)),
            help_phone=f"048{8_000_000 + index:07d}",
            postal_prefix=f"{10_000 + index:05d}",
        )
        family, family_kana = FAMILY[index % len(FAMILY)]
        area.coordinator_id = _staff(
            s, f"{family} 幸子", f"{family_kana} サチコ", f"{district}コーディネーター {family}"
        )
        s.areas.append(area)
    s.writer.flush()  # the areas name the admin as their creator
    for area in s.areas:
        s.writer.add(Area, _area_row(s, area))


def _area_row(s: Seed, area: AreaInfo) -> dict:
    return area_values(
        id=area.id,
        name=area.name,
        name_en=area.name_en,
        help_phone=area.help_phone,
        thank_you_min_yen=area.hourly[0],
        thank_you_max_yen=area.hourly[1],
        request_audience=RequestAudience(area.audience),
        cancellation_note="前日までにご連絡ください。" if area.index % 3 == 0 else None,
        postal_code_prefixes=area.postal_prefix,
        kpi_households=area.size + area.size // 5,
        kpi_members=area.size * 2,
        kpi_supporters=max(2, area.size // 100),
        kpi_events=24,
        kpi_completed_requests=area.size * 2,
        certification_months=area.certification_months,
        created_at=area.created_at,
        created_by_id=s.admin_id,
    )


def seed_households(s: Seed) -> None:
    """Households, their adults (most with an account) and their children."""
    until = s.midnight - timedelta(days=1)
    for area in s.areas:
        for _ in range(area.size):
            _household(s, area, s.grown(area.created_at + timedelta(days=1), until))
        order = sorted(area.residents, key=lambda pid: s.people[pid].created_at)
        area.residents = order
        area.resident_times = [s.people[pid].created_at for pid in order]


def _household(s: Seed, area: AreaInfo, created_at) -> None:
    household = HouseholdInfo(
        id=s.writer.next_id(Household), area=area.index, created_at=created_at
    )
    via, consent = s.weighted(VIA, VIA_WEIGHTS)
    entered_by = area.coordinator_id if via != "self" else None
    block = f"{s.number(1, 10)}-{s.number(1, 30)}-{s.number(1, 9)}"
    s.writer.add(
        Household,
        household_values(
            area.id,
            id=household.id,
            postal_code=f"{area.postal_prefix}{s.below(100):02d}",
            address=f"{area.name}{block}",
            created_at=created_at,
            created_by_id=entered_by,
        ),
    )
    family = s.pick(FAMILY)
    for n in range(s.weighted(*ADULTS)):
        account = n == 0 or s.chance(OTHER_ADULT_HAS_ACCOUNT)
        _adult(s, area, household, family, account, via, consent, entered_by)
    for _ in range(s.weighted(*CHILDREN)):
        _child(s, household, family)
    s.household_info[household.id] = household
    area.households.append(household.id)


def _adult(s: Seed, area, household, family, account, via, consent, entered_by) -> None:
    person_id = s.writer.next_id(Person)
    given, given_kana = s.pick(ADULT_GIVEN)
    created_at = household.created_at + timedelta(minutes=len(household.adults))
    number = next(s.member_numbers) if account else None
    phone = f"090{(person_id * 7919 + 12345) % 100_000_000:08d}" if s.chance(0.9) else None
    signed_in = account and s.chance(0.85)
    row = person_values(
        household.id,
        password=SCALE_PASSWORD if account else None,
        id=person_id,
        member_number=number,
        **({} if account else {"password_hash": None}),
        name=f"{family[0]} {given}",
        kana=f"{family[1]} {given_kana}",
        display_name=f"{given}（{family[0]}）",
        phone=phone,
        email=f"m{number}@example.com" if account and s.chance(0.2) else None,
        locale="en" if s.chance(0.02) else None,
        is_admin=False,
        created_at=created_at,
        created_by_id=entered_by,
        last_signed_in_at=s.grown(created_at, s.last_moment) if signed_in else None,
        registered_via=via,
        consent_method=consent,
        consented_at=created_at,
    )
    s.writer.add(Person, row)
    s.people[person_id] = PersonInfo(
        person_id, household.id, area.index, created_at, number, row["name"], row["kana"], phone
    )
    household.adults.append(person_id)
    if account:
        household.accounts.append(person_id)
        area.residents.append(person_id)


def _child(s: Seed, household: HouseholdInfo, family) -> None:
    rng = s.rng
    age_months = int(156 * rng.random() ** 1.3)  # 0 to 12 years, more little ones
    year, month = divmod(s.today.year * 12 + s.today.month - 1 - age_months, 12)
    given, given_kana = s.pick(CHILD_GIVEN)
    child = ChildInfo(s.writer.next_id(Child), year, month + 1)
    born = s.at(s.today.replace(year=year, month=month + 1, day=1), 12) + timedelta(days=10)
    s.writer.add(
        Child,
        child_values(
            household.id,
            id=child.id,
            name=f"{family[0]} {given}",
            kana=f"{family[1]} {given_kana}",
            birth_year=child.birth_year,
            birth_month=child.birth_month,
            care_notes=s.pick(CARE_NOTES) if s.chance(0.08) else None,
            created_at=min(max(household.created_at, born), s.last_moment),
        ),
    )
    household.children.append(child)
