"""`flask seed-scale`: refuses a database with people, is repeatable with a seed, and writes an
accounts file whose rows exist and are what the benchmark needs."""

import hashlib
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from tests.factories import make_person
from webapp import clock
from webapp.areas.models import Area, Membership, Role
from webapp.connections.services import connected_ids_query
from webapp.events.models import Event, EventStatus, Signup, SignupStatus
from webapp.extensions import db
from webapp.help_requests.models import HelpRequest
from webapp.households.models import Person
from webapp.scale.seed import MODELS, SeedRefused, seed_scale
from webapp.scale.world import SCALE_PASSWORD
from webapp.threads.models import Message, Thread

from .conftest import TODAY

SECRETS = {"session_token", "password_hash"}  # random on purpose (see seed.py)


def test_refuses_a_database_with_people(runner):
    make_person()
    db.session.commit()
    result = runner.invoke(args=["seed-scale", "--households", "100"])
    assert result.exit_code == 1
    assert "already has people" in result.output
    with pytest.raises(SeedRefused):
        seed_scale(households=100, today=TODAY)
    assert db.session.scalar(select(func.count(Area.id))) == 1  # the person's own area only


def _digest() -> str:
    """Every row the seed writes, secrets aside, in id order."""
    digest = hashlib.sha256()
    for model in MODELS:
        table = getattr(model, "__table__", model)
        columns = [c for c in table.columns if c.name not in SECRETS]
        for row in db.session.execute(select(*columns).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _empty() -> None:
    db.session.rollback()
    tables = [getattr(m, "__table__", m) for m in MODELS]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            if table in tables:
                db.session.execute(table.delete())
    db.session.commit()


def test_same_seed_same_rows_other_seed_other_rows():
    seed_scale(households=100, seed=5, today=TODAY)
    first = _digest()
    _empty()
    seed_scale(households=100, seed=5, today=TODAY)
    assert _digest() == first
    _empty()
    seed_scale(households=100, seed=6, today=TODAY)
    assert _digest() != first


def test_accounts_file_names_rows_that_exist(runner, tmp_path):
    path = tmp_path / "accounts.json"
    args = ["seed-scale", "--households", "300", "--seed", "3", "--accounts-file", str(path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert SCALE_PASSWORD in result.output
    accounts = json.loads(path.read_text())
    assert accounts["password"] == SCALE_PASSWORD
    area_id = accounts["area_id"]

    def person(number: str) -> Person:
        found = db.session.scalar(select(Person).where(Person.member_number == str(number)))
        assert found is not None and check_password_hash(found.password_hash, SCALE_PASSWORD)
        return found

    assert person(accounts["admin"]).is_admin
    assert person(accounts["coordinator"]).role_in(area_id) is Role.coordinator
    member = person(accounts["member"])
    assert member.role_in(area_id) is not None
    assert accounts["member_connections"] >= 1
    assert (
        len(db.session.execute(connected_ids_query(member.id)).all())
        == (accounts["member_connections"])
    )
    request = db.session.get(HelpRequest, accounts["request_id"])
    assert request.requester_id == member.id
    thread = db.session.get(Thread, accounts["thread_id"])
    assert thread.help_request_id == request.id
    assert db.session.scalar(select(func.count()).where(Message.thread_id == thread.id)) >= 2
    assert accounts["help_pages"] >= 1
    _check_events(accounts, area_id)
    newcomer = make_person()  # ids (PostgreSQL: the sequences) continue after the seed's
    assert (
        newcomer.id > member.id
        and db.session.get(Area, area_id).id < newcomer.memberships[0].area_id
    )


def _check_events(accounts: dict, area_id: int) -> None:
    now = clock.now()
    full = db.session.get(Event, accounts["full_event_id"])
    assert (full.area_id, full.status) == (area_id, EventStatus.published) and full.starts_at > now
    statuses = db.session.scalars(select(Signup.status).where(Signup.event_id == full.id)).all()
    assert statuses == [SignupStatus.confirmed] * 200
    open_event = db.session.get(Event, accounts["open_event_id"])
    assert open_event.status is EventStatus.published and open_event.starts_at > now
    taken = db.session.scalar(
        select(func.count()).where(
            Signup.event_id == open_event.id, Signup.status == SignupStatus.confirmed
        )
    )
    assert open_event.capacity - taken >= 10_000
    year, month = map(int, accounts["month"].split("-"))
    start = datetime(year, month, 1, tzinfo=clock.TOWN_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=clock.TOWN_TZ)
    in_month = select(func.count()).where(
        Event.area_id == area_id, Event.starts_at >= start, Event.starts_at < end
    )
    assert db.session.scalar(in_month) >= 2
    assert db.session.get(Area, area_id) is not None
    assert db.session.scalar(select(func.count(Membership.id))) > 0
