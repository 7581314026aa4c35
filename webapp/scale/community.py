"""Steps: memberships (coordinators, supporters with their training and certification, members,
some of whom also joined a neighbouring area), connections between acquaintances, and the
standing offers (できること) members list."""

from datetime import date, timedelta

from ..areas.models import Membership, Role
from ..builders import (
    connection_values,
    membership_values,
    offer_values,
    training_module_values,
    training_record_values,
)
from ..connections.models import Connection
from ..offers.models import Offer
from ..supporters.models import TrainingModule, TrainingRecord
from ..supporters.services import DEFAULT_MODULES, add_months
from .names import OFFER_TEMPLATES
from .world import AreaInfo, Seed, SupporterInfo

SUPPORTERS_PER_HOUSEHOLDS = 150  # a few per area: 2 in a small one, up to 8 in the largest
NEIGHBOUR_AREA_SHARE = 0.04
CONNECTIONS_MADE = ((1, 2, 3, 4), (30, 35, 25, 10))  # each member starts 1-4: about 4 each
LISTS_AN_OFFER = 0.12


def seed_memberships(s: Seed) -> None:
    """Every adult's home membership, supporters' roles and training, coordinators."""
    supporters = {}
    for area in s.areas:
        _coordinate(s, area, area)
        if area.index % 10 == 9 and area.index + 1 < len(s.areas):
            _coordinate(s, area, s.areas[area.index + 1])  # covers the neighbouring area too
        area.supporters = _supporters(s, area)
        supporters.update((info.person_id, info) for info in area.supporters)
    for person in s.people.values():
        area = s.areas[person.area]
        info = supporters.get(person.id)
        row = membership_values(
            person.id,
            area.id,
            Role.supporter if info else Role.member,
            id=s.writer.next_id(Membership),
            certified_until=info.certified_until if info else None,
            created_at=person.created_at,
            created_by_id=None,
        )
        s.writer.add(Membership, row)
        if person.member_number and s.chance(NEIGHBOUR_AREA_SHARE):
            neighbour = s.areas[area.index + 1 if area.index + 1 < len(s.areas) else 0]
            row = dict(row, id=s.writer.next_id(Membership), area_id=neighbour.id, role=Role.member)
            row.update(certified_until=None, created_at=s.between(person.created_at, s.last_moment))
            s.writer.add(Membership, row)


def _coordinate(s: Seed, coordinator_of: AreaInfo, area: AreaInfo) -> None:
    s.writer.add(
        Membership,
        membership_values(
            coordinator_of.coordinator_id,
            area.id,
            Role.coordinator,
            id=s.writer.next_id(Membership),
            certified_until=None,
            created_at=area.created_at,
            created_by_id=s.admin_id,
        ),
    )


def _supporters(s: Seed, area: AreaInfo) -> list[SupporterInfo]:
    """The area's training list and its supporters: most certified, some whose certification
    lapsed, some half-way through the training."""
    modules = []
    for position, (name, name_en) in enumerate(DEFAULT_MODULES, start=1):
        module_id = s.writer.next_id(TrainingModule)
        s.writer.add(
            TrainingModule,
            training_module_values(
                area.id,
                id=module_id,
                name=name,
                name_en=name_en,
                position=position,
                created_at=area.created_at,
            ),
        )
        modules.append(module_id)
    settled = area.residents[: area.residents_by(s.midnight - timedelta(days=120))]
    pool = settled or area.residents
    count = min(max(2, area.size // SUPPORTERS_PER_HOUSEHOLDS), 8, len(pool))
    chosen = [pool[i] for i in sorted(s.rng.sample(range(len(pool)), count))]
    return [_train(s, area, person_id, modules) for person_id in chosen]


def _train(s: Seed, area: AreaInfo, person_id: int, modules: list[int]) -> SupporterInfo:
    joined = s.people[person_id].created_at.date() + timedelta(days=1)
    yesterday = s.today - timedelta(days=1)
    months = area.certification_months
    kind = s.weighted(("certified", "lapsed", "training"), (70, 15, 15))
    lapsed_by = add_months(yesterday, -months) - timedelta(days=s.number(10, 200))
    if kind == "lapsed" and lapsed_by <= joined:
        kind = "certified"
    if kind == "lapsed":
        last = lapsed_by
    else:
        earliest = max(joined, add_months(yesterday, -months) + timedelta(days=30))
        last = min(earliest + timedelta(days=s.number(0, 300)), yesterday)
    done = modules if kind != "training" else modules[:2]
    for n, module_id in enumerate(done):
        day = max(last - timedelta(days=14 * (len(done) - 1 - n)), joined)
        _record(s, area, person_id, module_id, day)
    if kind == "training":
        return SupporterInfo(person_id, None, None)
    return SupporterInfo(person_id, last, add_months(last, months))


def _record(s: Seed, area: AreaInfo, person_id: int, module_id: int, day: date) -> None:
    s.writer.add(
        TrainingRecord,
        training_record_values(
            person_id,
            module_id,
            id=s.writer.next_id(TrainingRecord),
            completed_on=day,
            recorded_by_id=area.coordinator_id,
            recorded_at=min(s.at(day, 17), s.last_moment),
        ),
    )


def seed_connections(s: Seed) -> None:
    """Acquaintances inside each area: each member with an account connects with a few others
    (at an event, at the desk, or by typing a code) some weeks after both had joined."""
    for area in s.areas:
        residents = area.residents
        if len(residents) < 2:
            continue
        made = set()
        for person_id in residents:
            for _ in range(s.weighted(*CONNECTIONS_MADE)):
                other = s.pick(residents)
                pair = (min(person_id, other), max(person_id, other))
                if other == person_id or pair in made or _same_household(s, person_id, other):
                    continue
                made.add(pair)
                _connect(s, area, pair)


def _same_household(s: Seed, a: int, b: int) -> bool:
    return s.people[a].household_id == s.people[b].household_id


def _connect(s: Seed, area: AreaInfo, pair: tuple[int, int]) -> None:
    a, b = pair
    both = max(s.people[a].created_at, s.people[b].created_at)
    created_at = both + timedelta(days=s.rng.expovariate(1 / 30))
    if created_at > s.last_moment:
        created_at = s.between(both, s.last_moment)
    staff = s.chance(0.2)
    s.writer.add(
        Connection,
        connection_values(
            a,
            b,
            id=s.writer.next_id(Connection),
            method="staff" if staff else "code",
            event_id=None,
            created_at=created_at,
            created_by_id=area.coordinator_id if staff else b,
        ),
    )
    s.connections.setdefault(a, []).append((b, created_at))
    s.connections.setdefault(b, []).append((a, created_at))


def seed_member_offers(s: Seed) -> None:
    """Some members list what they can do (できること); most offers are still active."""
    for area in s.areas:
        for person_id in area.residents:
            if not s.chance(LISTS_AN_OFFER):
                continue
            for _ in range(2 if s.chance(0.3) else 1):
                _offer(s, area, person_id)


def _offer(s: Seed, area: AreaInfo, person_id: int) -> None:
    kind, title, times, days = s.pick(OFFER_TEMPLATES)
    offer_id = s.writer.next_id(Offer)
    created_at = s.grown(s.people[person_id].created_at, s.last_moment)
    active = s.chance(0.85)
    s.writer.add(
        Offer,
        offer_values(
            person_id,
            area.id,
            id=offer_id,
            kind=kind,
            title=title,
            description="お気軽にご相談ください。",
            days=days,
            times=times,
            active=active,
            created_at=created_at,
            updated_at=None,
        ),
    )
    if active:
        area.offers.append((offer_id, person_id, kind, created_at))
