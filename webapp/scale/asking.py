"""Step: about ten requests (お願い) per household over the three years, with what followed
each of them (see helping.py).

Who asks: households ask in proportion to how long they have been members and how active
they are (some ask often, most now and then), so requests grow over time with the
membership. What: pick-ups and childcare when the household has children born by then,
otherwise lending, giving away, errands. When: posted some days ahead, on a time of day that
suits the kind; nothing starts today (world.py). To whom: what the area allows (pick-ups and
childcare stay among connections and certified supporters where the area says so), a few
straight to someone's listed offer (できること).

Statuses follow the clock: a request whose start has passed was completed (a helper chosen
before it, a report filed and confirmed after it), expired without a helper, or cancelled;
one still to come is open (perhaps with offers waiting) or matched.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..areas.models import RequestAudience
from ..builders import help_request_values
from ..clock import TOWN_TZ
from ..help_requests.models import Audience, HelpRequest, RequestKind, RequestStatus
from .helping import follow_up
from .names import NURSERIES, REQUESTS
from .world import AreaInfo, HouseholdInfo, Seed

REQUESTS_PER_HOUSEHOLD = 10
K = RequestKind
CARE = ((K.pickup, K.childcare, K.pickup_childcare), (45, 40, 15))
OTHER = ((K.lend, K.give_away, K.errand, K.other), (25, 30, 25, 20))
START_HOURS = {K.pickup: (15, 18), K.childcare: (9, 17), K.pickup_childcare: (15, 16)}
S = RequestStatus
PAST_CARE = ((S.completed, S.expired, S.cancelled), (78, 11, 11))
PAST_OTHER = ((S.completed, S.expired, S.cancelled), (68, 22, 10))
FROM_AN_OFFER = 0.03


@dataclass(slots=True)
class Asked:
    """One request as planned: the row, and who could have helped with it."""

    row: dict
    household: HouseholdInfo
    children: list
    helpers: list[int]


def seed_requests(s: Seed) -> None:
    counts = _requests_per_household(s)
    for area in s.areas:
        moments = []
        for household_id in area.households:
            household = s.household_info[household_id]
            for _ in range(counts[household_id]):
                moments.append((s.between(household.created_at, s.last_moment), household_id))
        moments.sort()
        for created_at, household_id in moments:
            asked = _plan(s, area, s.household_info[household_id], created_at)
            follow_up(s, area, asked)


def _requests_per_household(s: Seed) -> dict[int, int]:
    """About REQUESTS_PER_HOUSEHOLD a household, weighted by membership time and activity."""
    weights = {
        h.id: (s.midnight - h.created_at).total_seconds() * s.rng.lognormvariate(0, 0.75)
        for h in s.household_info.values()
    }
    scale = REQUESTS_PER_HOUSEHOLD * len(weights) / sum(weights.values())
    counts = {}
    for household_id, weight in weights.items():
        expected = weight * scale
        counts[household_id] = int(expected) + (s.rng.random() < expected % 1)
    return counts


def _plan(s: Seed, area: AreaInfo, household: HouseholdInfo, created_at: datetime) -> Asked:
    accounts = household.accounts
    requester = accounts[0] if len(accounts) == 1 or s.chance(0.7) else s.rng.choice(accounts)
    day = created_at.astimezone(TOWN_TZ).date()
    children = [c for c in household.children if c.born_by(day)]
    offer = _offer_asked(s, area, household, requester, created_at, bool(children))
    if offer is not None:
        kind = offer[2]
    else:
        kind = s.weighted(*CARE) if children and s.chance(0.65) else s.weighted(*OTHER)
    title, details, hours, start_at = _what_and_when(s, kind, day)
    audience, helpers = _audience_and_helpers(
        s, area, household, requester, kind, created_at, offer
    )
    row = help_request_values(
        requester,
        area_id=area.id,
        household_id=household.id,
        start_at=start_at,
        id=s.writer.next_id(HelpRequest),
        kind=kind,
        title=title,
        details=details,
        place_from=s.pick(NURSERIES) if kind in CARE_PICKUPS else None,
        place_to="自宅" if kind.is_care else None,
        end_at=start_at + timedelta(hours=hours),
        audience=audience,
        addressed_to_id=offer[1] if offer else None,
        offer_id=offer[0] if offer else None,
        thank_you_yen=_thank_you(s, area, kind, hours),
        thank_you_note="お礼にお菓子をお渡しします。" if s.chance(0.05) else None,
        first_offer_wins=s.chance(0.1),
        status=_status(s, kind, start_at, helpers),
        created_at=created_at,
        created_by_id=_typed_by(s, area, requester),
        **UNDECIDED,
    )
    return Asked(row, household, children, helpers)


# Filled in by helping.py according to the status.
UNDECIDED = dict.fromkeys(
    (
        "helper_id", "matched_at", "premeeting_requester_at", "premeeting_helper_at",
        "completed_at", "cancelled_at", "cancelled_by_id", "cancel_reason",
    )
) | {"premeeting_required": False}  # fmt: skip


def _what_and_when(s: Seed, kind: RequestKind, day) -> tuple:
    """Title, details, hours and start: some days after posting, at a time suiting the kind."""
    rng = s.rng
    title, details, hours = s.pick(REQUESTS[kind])
    if kind is K.childcare:
        hours = s.number(2, 5)
    lead = 1 + int(rng.expovariate(1 / 3 if kind.is_care else 1 / 6))
    start_day = s.after_today(day + timedelta(days=min(lead, 30)))
    first, last = START_HOURS.get(kind, (10, 18))
    start_at = s.at(start_day, s.number(first, last + 1), rng.choice((0, 30)))
    return title, details, hours, start_at


def _audience_and_helpers(s, area, household, requester, kind, created_at, offer):
    audience = Audience.person if offer else _audience(s, area, kind)
    helpers = _helpers(s, area, household, requester, audience, created_at, offer)
    if not helpers and audience is Audience.connections:
        # Newcomers without connections yet ask the supporters, or the area where allowed.
        for wider in _wider(area, kind):
            helpers = _helpers(s, area, household, requester, wider, created_at, None)
            if helpers:
                return wider, helpers
    return audience, helpers


CARE_PICKUPS = (K.pickup, K.pickup_childcare)


def _audience(s: Seed, area: AreaInfo, kind: RequestKind) -> Audience:
    if not kind.is_care:
        return s.weighted((Audience.area, Audience.connections, Audience.supporters), (80, 15, 5))
    if area.audience == RequestAudience.connections.value:
        return Audience.connections if s.chance(0.85) else Audience.supporters
    return s.weighted((Audience.area, Audience.connections, Audience.supporters), (50, 40, 10))


def _wider(area: AreaInfo, kind: RequestKind) -> list[Audience]:
    if kind.is_care and area.audience == RequestAudience.connections.value:
        return [Audience.supporters]
    return [Audience.supporters, Audience.area]


def _offer_asked(s: Seed, area, household, requester, created_at, has_children):
    """Now and then a request goes straight to someone's listed offer (できること)."""
    if not area.offers or not s.chance(FROM_AN_OFFER):
        return None
    offer = s.pick(area.offers)
    _id, owner, kind, listed_at = offer
    if listed_at >= created_at or owner in household.adults or (kind.is_care and not has_children):
        return None
    if kind.is_care and area.audience == RequestAudience.connections.value:
        if owner not in _connections_by(s, requester, created_at):
            return None
    return offer


def _connections_by(s: Seed, person_id: int, moment: datetime) -> list[int]:
    return [other for other, since in s.connections.get(person_id, ()) if since < moment]


def _helpers(s, area, household, requester, audience, created_at, offer) -> list[int]:
    """Some of the people the request went to (who could have offered to help)."""
    if audience is Audience.person:
        return [offer[1]]
    if audience is Audience.connections:
        return _connections_by(s, requester, created_at)
    day = created_at.astimezone(TOWN_TZ).date()
    if audience is Audience.supporters:
        return [
            info.person_id
            for info in area.supporters
            if info.certified_on(day) and info.person_id not in household.adults
        ]
    registered = area.residents_by(created_at)
    picks = {area.residents[s.below(registered)] for _ in range(4)} if registered else ()
    return sorted(p for p in picks if p not in household.adults)


def _status(s: Seed, kind: RequestKind, start_at: datetime, helpers: list[int]) -> RequestStatus:
    if start_at >= s.midnight:
        return S.matched if helpers and s.chance(0.4) else S.open
    status = s.weighted(*(PAST_CARE if kind.is_care else PAST_OTHER))
    if not helpers and status is not S.cancelled:
        return S.expired
    return status


def _thank_you(s: Seed, area: AreaInfo, kind: RequestKind, hours: int) -> int | None:
    if kind.is_care:
        if s.chance(0.2):
            return None
        return round(s.rng.randrange(area.hourly[0], area.hourly[1] + 1, 100) * hours, -2)
    return 500 if s.chance(0.3) else None


def _typed_by(s: Seed, area: AreaInfo, requester: int) -> int:
    """Now and then a supporter keyed the request in at a help desk for the resident."""
    if area.supporters and s.chance(0.05):
        return s.pick(area.supporters).person_id
    return requester
