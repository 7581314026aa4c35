"""Step: exchange events (交流イベント) and their signups.

About three events for every ten households over the three years and the next two months,
more in large areas and more recently. Signups keep the rules of events/signups.py: in order
of arrival a signup is confirmed while its places fit and nobody is waiting, otherwise it
waits; cancelled ones never count; one active signup per member, household and phone number
for an event. Past events have their check-ins (most confirmed families came; a few walk-ins
were added at the door); events still to come have only the signups taken so far. Drafts and
cancelled events have none.
"""

from datetime import date, timedelta

from ..builders import event_values, signup_values
from ..events.models import CapacityUnit, Event, EventStatus, Signup, SignupSource, SignupStatus
from ..events.signups import CODE_ALPHABET, CODE_LENGTH
from .names import ADULT_GIVEN, EVENT_TITLES, FAMILY, VENUES
from .world import AreaInfo, EventInfo, Seed

EVENTS_PER_HOUSEHOLD = 0.3
FUTURE_DAYS = 60
SLOTS = ((10, 0, 90), (10, 30, 120), (13, 30, 90))  # start hour, minute, length in minutes
SOURCES = (
    (SignupSource.member, SignupSource.online, SignupSource.phone, SignupSource.desk),
    (40, 35, 15, 10),
)
CODE_STEP = 48_271  # coprime with 26**6: i -> (i * step + offset) % 26**6 never repeats


def seed_events(s: Seed) -> None:
    s.code_offset = s.rng.randrange(len(CODE_ALPHABET) ** CODE_LENGTH)
    weights = [area.size**0.7 for area in s.areas]
    total = EVENTS_PER_HOUSEHOLD * s.households
    for area, weight in zip(s.areas, weights, strict=True):
        for _ in range(max(3, round(total * weight / sum(weights)))):
            event_day(s, area)


def event_day(s: Seed, area: AreaInfo) -> None:
    first = area.created_at + timedelta(days=30)
    day = s.after_today(s.grown(first, s.midnight + timedelta(days=FUTURE_DAYS)).date())
    hour, minute, length = s.pick(SLOTS)
    starts_at = s.at(day, hour, minute)
    past = day < s.today
    if past:
        status = (
            EventStatus.cancelled
            if s.chance(0.04)
            else s.rng.choice((EventStatus.closed, EventStatus.published))
        )
    else:
        status = s.weighted(tuple(EventStatus), (10, 83, 5, 2))
    people = s.chance(0.2)
    capacity = s.number(20, 81) if people else s.number(10, 41)
    event = add_event(
        s, area, starts_at, minutes=length, status=status, capacity=capacity, people=people
    )
    if status in (EventStatus.draft, EventStatus.cancelled):
        return
    groups = capacity / 2.6 if people else capacity
    wanted = groups * s.rng.uniform(0.45, 1.3) * _share_so_far(s, starts_at)
    add_signups(s, area, event, wanted=round(wanted))


def _share_so_far(s: Seed, starts_at) -> float:
    """Events still to come have only part of their signups yet."""
    days_left = (starts_at - s.midnight).days
    return 1.0 if days_left < 0 else max(0.1, 1 - days_left / FUTURE_DAYS)


def add_event(
    s: Seed, area, starts_at, *, minutes: int, status, capacity: int, people=False, **extra
) -> EventInfo:
    """An event of `area` (organised by its coordinator); `extra` columns override."""
    event_id = s.writer.next_id(Event)
    created_at = max(starts_at - timedelta(days=s.number(14, 61)), area.created_at)
    created_at = min(created_at, s.between(s.midnight - timedelta(days=20), s.last_moment))
    published = status is not EventStatus.draft
    row = event_values(
        area.id,
        id=event_id,
        status=status,
        title=s.pick(EVENT_TITLES),
        description="子育て中の方ならどなたでも参加できます。",
        venue=f"{area.district}{s.pick(VENUES)}",
        address=f"{area.name}1-2-3",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        audience="0〜6歳の子どもと保護者",
        capacity=capacity,
        capacity_unit=CapacityUnit.people if people else CapacityUnit.groups,
        fee_yen=s.rng.choice((100, 300, 500)) if s.chance(0.15) else 0,
        childcare_available=s.chance(0.3),
        what_to_bring="飲み物、タオル" if s.chance(0.5) else None,
        signup_deadline=starts_at.date() - timedelta(days=2) if s.chance(0.4) else None,
        contact_phone=area.help_phone,
        organiser=f"{area.district}子育てネットワーク",
        post_event_note=None,
        created_at=created_at,
        created_by_id=area.coordinator_id,
        updated_at=None,
        published_at=s.between(created_at, min(created_at + timedelta(days=3), s.last_moment))
        if published
        else None,
    )
    row.update(extra)
    s.writer.add(Event, row)
    deadline = row["signup_deadline"]
    event = EventInfo(
        area=area.index,
        id=event_id,
        starts_at=starts_at,
        minutes=minutes,
        capacity=capacity,
        people=people,
        published_at=row["published_at"],
        closes=s.at(deadline + timedelta(days=1), 0) if deadline else starts_at,
    )
    s.events.append(event)
    return event


def add_signups(s: Seed, area, event: EventInfo, *, wanted: int) -> None:
    """`wanted` signups in order of arrival, with the places, the waitlist and the door."""
    event_id, starts_at, length = event.id, event.starts_at, event.minutes
    capacity, people, past = event.capacity, event.people, starts_at < s.midnight
    closes = min(starts_at - timedelta(hours=1), event.closes, s.last_moment)
    moments = sorted(s.between(event.published_at, closes) for _ in range(max(wanted, 0)))
    taken, waiting = 0, False
    phones, households = set(), set()
    for moment in moments:
        row = signup_row(s, area, event_id, starts_at.date(), moment, phones, households)
        if row is None:
            continue
        seats = row["adults"] + row["children"] if people else 1
        if s.chance(0.08):
            _cancelled(s, area, row, moment, starts_at)
        elif not waiting and taken + seats <= capacity:
            taken += seats
            row["status"] = SignupStatus.confirmed
            if past and s.chance(0.85):
                _checked_in(s, area, row, starts_at, length)
        else:
            waiting = True
            row["status"] = SignupStatus.waitlisted
        s.writer.add(Signup, row)
    if past:
        for _ in range(s.below(4)):
            row = signup_row(
                s, area, event_id, starts_at.date(), starts_at, phones, set(), guest=True
            )
            if row is None:
                continue
            row.update(status=SignupStatus.walk_in, source=SignupSource.walk_in)
            row.update(entered_by_id=area.coordinator_id, wants_membership=s.chance(0.3))
            _checked_in(s, area, row, starts_at, length, at_door=True)
            s.writer.add(Signup, row)


def signup_row(s: Seed, area, event_id, day: date, moment, phones, households, *, guest=False):
    """One family's signup, confirmed: a member's household (when `households` has none of
    theirs yet) or a guest. None when the phone number already signed up for the event."""
    source = SignupSource.online if guest else s.weighted(*SOURCES)
    person = _member(s, area, moment, households) if source is SignupSource.member else None
    if person is not None:
        household = s.household_info[person.household_id]
        ages = sorted(c.age_on(day) for c in household.children if c.born_by(day))
        name, kana, phone, adults = person.name, person.kana, person.phone, len(household.adults)
    else:
        source = SignupSource.online if source is SignupSource.member else source
        name, kana, phone, adults, ages = _guest(s)
    if phone is not None and phone in phones:
        return None
    phones.add(phone)
    staff = source in (SignupSource.phone, SignupSource.desk)
    return signup_values(
        event_id,
        id=s.writer.next_id(Signup),
        code=_code(s),
        status=SignupStatus.confirmed,
        source=source,
        person_id=person.id if person else None,
        name=name,
        kana=kana,
        phone=phone,
        email=None,
        adults=max(adults, 1),
        children=len(ages),
        children_ages=ages,
        childcare_needed=bool(ages) and s.chance(0.2),
        allergies="卵" if ages and s.chance(0.05) else None,
        accessibility=None,
        wants_membership=False,
        locale="ja",
        entered_by_id=area.coordinator_id if staff else None,
        created_at=moment,
        promoted_at=None,
        cancelled_at=None,
        cancelled_by_id=None,
        checked_in_at=None,
        checked_in_by_id=None,
        check_in_method=None,
    )


def _guest(s: Seed) -> tuple:
    """Someone without an account: name, reading, phone, adults, children's ages."""
    family, family_kana = s.pick(FAMILY)
    given, given_kana = s.pick(ADULT_GIVEN)
    ages = sorted(s.number(0, 7) for _ in range(s.number(0, 3)))
    phone = f"080{s.below(100_000_000):08d}"
    return f"{family} {given}", f"{family_kana} {given_kana}", phone, 1 + s.chance(0.3), ages


def _member(s: Seed, area: AreaInfo, moment, households: set):
    """A member of the area, registered by then, whose household has no signup yet."""
    registered = area.residents_by(moment)
    for _ in range(3):
        if not registered:
            return None
        person = s.people[area.residents[s.below(registered)]]
        if person.household_id not in households:
            households.add(person.household_id)
            return person
    return None


def _cancelled(s: Seed, area, row: dict, moment, starts_at) -> None:
    row["status"] = SignupStatus.cancelled
    row["cancelled_at"] = s.between(moment, min(starts_at, s.last_moment))
    if row["person_id"] is not None:
        row["cancelled_by_id"] = row["person_id"]
    elif row["entered_by_id"] is not None:
        row["cancelled_by_id"] = area.coordinator_id


def _checked_in(s: Seed, area, row: dict, starts_at, length, *, at_door=False) -> None:
    staff = area.supporters[0].person_id if area.supporters and s.chance(0.5) else None
    if at_door or s.chance(0.8):
        at = starts_at + timedelta(minutes=s.number(-15, 41))
        method = "door"
    else:  # ticked on the paper sheet, keyed in afterwards
        ended = starts_at + timedelta(minutes=length)
        at, method = min(ended + timedelta(hours=s.number(1, 49)), s.last_moment), "paper"
    row.update(
        checked_in_at=min(at, s.last_moment),
        checked_in_by_id=staff or area.coordinator_id,
        check_in_method=method,
    )
    if at_door:
        row["created_at"] = row["checked_in_at"]


def _code(s: Seed) -> str:
    """A signup code nobody else has (distinct for the first 26**6 signups of a run)."""
    number = (next(s.code_counter) * CODE_STEP + s.code_offset) % len(CODE_ALPHABET) ** CODE_LENGTH
    letters = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)
