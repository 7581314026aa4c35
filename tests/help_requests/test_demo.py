"""The demo town comes with connections, offers, open requests and a completed one."""

from webapp.clock import TOWN_TZ
from webapp.connections.models import Connection
from webapp.demo import seed_demo
from webapp.extensions import db
from webapp.help_requests.models import HelpRequest, RequestStatus
from webapp.help_requests.stats import resolution_rate
from webapp.offers.models import Offer


def test_demo_seed_has_asking_and_helping():
    assert seed_demo()
    assert db.session.scalar(db.select(db.func.count(Connection.id))) > 10
    assert db.session.scalar(db.select(db.func.count(Offer.id))) >= 4
    statuses = db.session.scalars(db.select(HelpRequest.status)).all()
    assert RequestStatus.open in statuses and RequestStatus.completed in statuses
    completed = db.session.scalar(
        db.select(HelpRequest).where(
            HelpRequest.status == RequestStatus.completed, HelpRequest.title == "先週の託児"
        )
    )
    assert completed.report.thank_you_yen == 1200
    month = completed.created_at.astimezone(TOWN_TZ)
    rate = resolution_rate(area_id=completed.area_id, year=month.year, month=month.month)
    assert rate.completed >= 1
    assert seed_demo() is False  # safe to run twice


def test_demo_town_has_a_year_of_history_for_the_dashboard():
    from webapp.reports.models import AreaMonth

    assert seed_demo()
    months = db.session.execute(
        db.select(AreaMonth.month, AreaMonth.households_joined, AreaMonth.requests_posted)
    ).all()
    assert len({m for m, joined, _ in months if joined}) >= 8  # families joined over the year
    assert len({m for m, _, posted in months if posted}) >= 4
    past = db.session.scalars(
        db.select(HelpRequest).where(HelpRequest.status == RequestStatus.completed)
    ).all()
    assert all(r.helper_id and r.report and r.report.confirmed_at for r in past)
