"""Step: what the benchmark (bench/) loads, in the first and largest area; and the accounts
file that tells it where to find them.

- an event three weeks ahead with exactly 200 confirmed signups (the check-in list and the
  signup sheet);
- an event four weeks ahead with room for every signup the benchmark posts (a town festival
  with 20,000 places);
- a member with connections and a request of theirs with a conversation, who can see many
  open requests of others (the area lets everyone help);
- the area's coordinator and the admin. Every seeded account shares SCALE_PASSWORD.
"""

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..events.models import EventStatus, Signup
from ..extensions import db
from ..help_requests.queries import requests_i_can_help_with
from ..households.models import Person
from .gatherings import add_event, add_signups, signup_row
from .world import SCALE_PASSWORD, Seed

FULL_EVENT_SIGNUPS = 200
OPEN_EVENT_PLACES = 20_000
PAGES_CHECKED = 10


def seed_bench_fixtures(s: Seed) -> None:
    area = s.areas[0]
    day = s.today + timedelta(days=21)
    day += timedelta(days=(5 - day.weekday()) % 7)  # a Saturday
    full = add_event(
        s,
        area,
        s.at(day, 10),
        minutes=120,
        status=EventStatus.published,
        capacity=250,
        title="子育てフェスタ 説明会",
        signup_deadline=None,
    )
    _exactly(s, area, full, FULL_EVENT_SIGNUPS)
    festival = add_event(
        s,
        area,
        s.at(day + timedelta(days=7), 10),
        minutes=300,
        status=EventStatus.published,
        capacity=OPEN_EVENT_PLACES,
        title="おたがいさまフェスタ",
        signup_deadline=None,
    )
    add_signups(s, area, festival, wanted=30)
    s.bench.update(
        admin=s.staff[s.admin_id],
        coordinator=s.staff[area.coordinator_id],
        full_event_id=full.id,
        open_event_id=festival.id,
        area_id=area.id,
        month=day.strftime("%Y-%m"),
        **_member_and_conversation(s),
    )


def _exactly(s: Seed, area, event, count: int) -> None:
    """`count` confirmed signups, members' households and guests, in order of arrival."""
    moments = sorted(s.between(event.published_at, s.last_moment) for _ in range(count * 2))
    phones, households = set(), set()
    day = event.starts_at.date()
    added = 0
    for moment in moments:
        row = signup_row(s, area, event.id, day, moment, phones, households)
        if row is not None:
            s.writer.add(Signup, row)
            added += 1
            if added == count:
                return
    raise RuntimeError("not enough distinct families for the benchmark's event")


def _member_and_conversation(s: Seed) -> dict:
    """The requester with the most connections among those with a conversation; their
    longest conversation (the latest of equals)."""
    if not s.conversations:
        raise RuntimeError("no conversation in the first area: use more households")
    person_id = min(s.conversations, key=lambda p: (-len(s.connections.get(p, ())), p))
    _said, request_id, thread_id = max(s.conversations[person_id])
    return {
        "member": s.people[person_id].member_number,
        "member_person_id": person_id,
        "member_connections": len(s.connections.get(person_id, ())),
        "request_id": request_id,
        "thread_id": thread_id,
    }


def visible_pages(person_id: int, *, most: int = PAGES_CHECKED) -> int:
    """How many pages of "requests I can help with" the member has (up to `most`), read with
    the site's own query after the seed has committed."""
    person = db.session.scalar(
        select(Person).options(selectinload(Person.memberships)).where(Person.id == person_id)
    )
    pages, cursor = 0, None
    while pages < most:
        page = requests_i_can_help_with(person, now=clock.now(), today=clock.today(), after=cursor)
        if not page.items:
            break
        pages, cursor = pages + 1, page.next_cursor
        if cursor is None:
            break
    return pages


def write_accounts(s: Seed, path: Path) -> dict:
    """The accounts file: flat keys the benchmark reads, then a few figures about the set."""
    accounts = {
        "password": SCALE_PASSWORD,
        **s.bench,
        "help_pages": visible_pages(s.bench["member_person_id"]),
        "households": s.households,
        "seed": s.seed,
        "today": s.today.isoformat(),
        "rows": dict(sorted(s.writer.counts.items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(accounts, indent=1, ensure_ascii=False) + "\n")
    return accounts
