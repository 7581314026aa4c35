"""What the steps of the scale seed share: the random source, the timeline, and what earlier
steps built (areas, households, people, connections) that later steps draw on.

The timeline: everything that has happened happened in the three years before today's
midnight in the town (`midnight`), and everything still to come starts tomorrow or later.
Nothing is placed on today itself, so a data set built this morning is consistent with the
clock all day (an open request never starts earlier today, for instance), and two runs with
the same seed on the same day build the same rows.
"""

import itertools
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..clock import TOWN_TZ

YEARS = 3
SCALE_PASSWORD = "otagai-scale"  # noqa: S105  (benchmark data only; printed by the command)


@dataclass(slots=True)
class PersonInfo:
    id: int
    household_id: int | None
    area: int  # index in Seed.areas
    created_at: datetime
    member_number: str | None
    name: str
    kana: str
    phone: str | None


@dataclass(slots=True)
class ChildInfo:
    id: int
    birth_year: int
    birth_month: int

    def born_by(self, day: date) -> bool:
        return (self.birth_year, self.birth_month) <= (day.year, day.month)

    def age_on(self, day: date) -> int:
        return day.year - self.birth_year - (day.month < self.birth_month)


@dataclass(slots=True)
class HouseholdInfo:
    id: int
    area: int
    created_at: datetime
    adults: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    children: list[ChildInfo] = field(default_factory=list)


@dataclass(slots=True)
class SupporterInfo:
    person_id: int
    certified_from: date | None
    certified_until: date | None

    def certified_on(self, day: date) -> bool:
        return self.certified_from is not None and self.certified_from <= day <= (
            self.certified_until or day
        )


@dataclass(slots=True)
class AreaInfo:
    index: int
    id: int
    name: str
    name_en: str
    district: str
    size: int  # households
    audience: str  # RequestAudience value
    hourly: tuple[int, int]
    certification_months: int
    created_at: datetime
    help_phone: str
    postal_prefix: str
    coordinator_id: int = 0
    households: list[int] = field(default_factory=list)
    # Residents with an account, in order of registration (for "registered by then").
    residents: list[int] = field(default_factory=list)
    resident_times: list[datetime] = field(default_factory=list)
    supporters: list[SupporterInfo] = field(default_factory=list)
    offers: list[tuple] = field(default_factory=list)  # (id, person_id, kind, created_at)

    def residents_by(self, moment: datetime) -> int:
        """How many of `residents` had registered by `moment`."""
        return bisect_left(self.resident_times, moment)


@dataclass(slots=True)
class EventInfo:
    area: int
    id: int
    starts_at: datetime
    minutes: int
    capacity: int
    people: bool  # places counted per person (人), not per family (組)
    published_at: datetime | None
    closes: datetime  # signups taken until then (the deadline, or the start)


@dataclass
class Seed:
    """The state of one run of the scale seed, passed to every step."""

    households: int
    seed: int
    today: date
    conn: object  # the one Connection of the seed's transaction
    writer: object  # bulk.BulkWriter
    rng: random.Random = field(init=False)
    midnight: datetime = field(init=False)
    begin: datetime = field(init=False)
    last_moment: datetime = field(init=False)
    areas: list[AreaInfo] = field(default_factory=list)
    household_info: dict[int, HouseholdInfo] = field(default_factory=dict)
    people: dict[int, PersonInfo] = field(default_factory=dict)
    connections: dict[int, list[tuple[int, datetime]]] = field(default_factory=dict)
    # Pairs who have done a pick-up or childcare together (no pre-meeting needed again).
    care_pairs: set[tuple[int, int]] = field(default_factory=set)
    events: list["EventInfo"] = field(default_factory=list)
    code_counter: itertools.count = field(default_factory=itertools.count)
    code_offset: int = 0
    staff: dict[int, str] = field(default_factory=dict)  # staff person id -> member number
    # Requesters of the benchmark's area -> [(messages, request id, thread id)].
    conversations: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    admin_id: int = 0
    member_numbers: object = None  # an iterator of unused 8-digit numbers
    bench: dict = field(default_factory=dict)  # what the benchmark is told

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.midnight = datetime.combine(self.today, time(0), tzinfo=TOWN_TZ)
        self.begin = self.midnight - timedelta(days=365 * YEARS + 1)
        # The latest moment anything has happened: just before today.
        self.last_moment = self.midnight - timedelta(minutes=1)

    # Time ----------------------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end], to the second."""
        seconds = max((end - start).total_seconds(), 0)
        return start + timedelta(seconds=int(seconds * self.rng.random()))

    def grown(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end], more of them towards the end (use grows over time)."""
        seconds = max((end - start).total_seconds(), 0)
        return start + timedelta(seconds=int(seconds * self.rng.random() ** 0.5))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time in the town."""
        return datetime.combine(day, time(hour, minute), tzinfo=TOWN_TZ)

    def after_today(self, day: date) -> date:
        """Days that would fall on today move to tomorrow (see the module docstring)."""
        return day + timedelta(days=1) if day == self.today else day

    # Chance --------------------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # Three times quicker than `randrange`: the seed draws many millions of numbers.
    def pick(self, options):
        return options[int(self.rng.random() * len(options))]

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def number(self, low: int, high: int) -> int:
        """low <= number < high, like randrange(low, high)."""
        return low + int(self.rng.random() * (high - low))

    def weighted(self, options: tuple, weights: tuple):
        """One of `options`, in proportion to `weights` (both tuples: the table is cached)."""
        table = _CUMULATIVE.get((options, weights))
        if table is None:
            cumulative = list(itertools.accumulate(weights))
            table = _CUMULATIVE[(options, weights)] = (cumulative, cumulative[-1])
        return options[bisect_right(table[0], self.rng.random() * table[1])]


_CUMULATIVE: dict[tuple, tuple[list, float]] = {}
