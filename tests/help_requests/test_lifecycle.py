"""A request's life: offers, choosing, first offer wins, the pre-meeting, the report and its
confirmation, cancellation and expiry; every transition tells the people concerned."""

from datetime import timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from tests.factories import make_connection, make_help_request
from webapp.audit import AuditEntry
from webapp.clock import now as clock_now
from webapp.extensions import db
from webapp.help_requests import lifecycle
from webapp.help_requests.errors import HelpRequestError
from webapp.help_requests.models import (
    Audience,
    HelpOffer,
    HelpRequest,
    OfferStatus,
    RequestKind,
    RequestStatus,
)
from webapp.notifications.models import Notification
from webapp.threads.models import Message, Thread


def notices(person=None, kind=None):
    query = db.select(Notification).order_by(Notification.id)
    if person is not None:
        query = query.where(Notification.person_id == person.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return [(n.person_id, n.kind) for n in db.session.scalars(query)]


@pytest.fixture
def request_open(town):
    return make_help_request(town["hanako"], children=[town["child"]])


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_offer_then_choose(town, request_open):
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    make_connection(hanako, jiro)
    now = clock_now()
    lifecycle.offer_to_help(request_open, helper=taro, now=now, message="行けます！")
    lifecycle.offer_to_help(request_open, helper=jiro, now=now)
    assert sorted(kind for _pid, kind in notices(hanako)) == [
        "help_request.offered",
        "help_request.offered",
        "thread.message",
    ]
    thread = db.session.scalar(db.select(Thread).where(Thread.helper_id == taro.id))
    assert [m.body for m in db.session.scalars(db.select(Message))] == ["行けます！"]
    assert thread.help_request_id == request_open.id

    taro_offer = next(o for o in request_open.offers if o.helper_id == taro.id)
    lifecycle.choose_helper(request_open, taro_offer, actor=hanako, now=now)
    assert request_open.status is RequestStatus.matched and request_open.helper_id == taro.id
    statuses = {o.helper_id: o.status for o in request_open.offers}
    assert statuses == {taro.id: OfferStatus.chosen, jiro.id: OfferStatus.not_chosen}
    assert (taro.id, "help_request.chosen") in notices(taro)
    assert notices(jiro) == [(jiro.id, "help_request.not_chosen")]
    assert "help_request.matched" in _actions()


def test_first_offer_wins(town):
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    make_connection(hanako, jiro)
    request = make_help_request(hanako, first_offer_wins=True)
    lifecycle.offer_to_help(request, helper=taro, now=clock_now())
    assert request.status is RequestStatus.matched and request.helper_id == taro.id
    assert notices(hanako, "help_request.accepted") == [(hanako.id, "help_request.accepted")]
    with pytest.raises(HelpRequestError) as error:
        lifecycle.offer_to_help(request, helper=jiro, now=clock_now())
    assert error.value.code == "already_matched"
    assert db.session.scalar(db.select(db.func.count(HelpOffer.id))) == 1


def test_a_stale_copy_cannot_match_twice(town):
    """Two helpers loaded the request as open; the second conditional update finds it taken."""
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    make_connection(hanako, jiro)
    request = make_help_request(hanako, first_offer_wins=True)
    request_id = request.id
    db.session.commit()
    lifecycle.offer_to_help(request, helper=taro, now=clock_now())
    # The second helper's copy was read before the first match: open, without a helper.
    set_committed_value(request, "status", RequestStatus.open)
    set_committed_value(request, "helper_id", None)
    with pytest.raises(HelpRequestError) as error:
        lifecycle._match(request, jiro, actor=jiro, now=clock_now())
    assert error.value.code == "already_matched"
    db.session.rollback()
    assert db.session.get(HelpRequest, request_id).helper_id == taro.id


def test_only_the_audience_may_offer(town, request_open):
    for who, code in (("jiro", "not_found"), ("outsider", "not_found"), ("hanako", "own_request")):
        with pytest.raises(HelpRequestError) as error:
            lifecycle.offer_to_help(request_open, helper=town[who], now=clock_now())
        assert error.value.code == code


def test_offer_twice_and_withdraw(town, request_open):
    taro, hanako = town["taro"], town["hanako"]
    lifecycle.offer_to_help(request_open, helper=taro, now=clock_now())
    with pytest.raises(HelpRequestError) as error:
        lifecycle.offer_to_help(request_open, helper=taro, now=clock_now())
    assert error.value.code == "already_offered"
    lifecycle.withdraw_offer(request_open, helper=taro, now=clock_now())
    assert request_open.offers[0].status is OfferStatus.withdrawn
    assert notices(hanako)[-1] == (hanako.id, "help_request.offer_withdrawn")
    # Offering again is possible after withdrawing.
    lifecycle.offer_to_help(request_open, helper=taro, now=clock_now())
    assert request_open.offers[0].status is OfferStatus.offered


def test_only_the_requester_chooses(town, request_open):
    offer = lifecycle.offer_to_help(request_open, helper=town["taro"], now=clock_now())
    with pytest.raises(HelpRequestError) as error:
        lifecycle.choose_helper(request_open, offer, actor=town["taro"], now=clock_now())
    assert error.value.code == "not_requester"


def _matched(town, **overrides):
    request = make_help_request(town["hanako"], children=[town["child"]], **overrides)
    offer = lifecycle.offer_to_help(request, helper=town["taro"], now=clock_now())
    lifecycle.choose_helper(request, offer, actor=town["hanako"], now=clock_now())
    return request


def test_first_care_together_needs_a_premeeting_then_report_and_confirm(town):
    hanako, taro = town["hanako"], town["taro"]
    request = _matched(town)
    assert request.premeeting_required and not request.premeeting_done
    assert (hanako.id, "help_request.premeeting") in notices(hanako)
    assert (taro.id, "help_request.premeeting") in notices(taro)
    started = request.start_at + timedelta(minutes=5)
    after = request.end_at + timedelta(minutes=10)

    with pytest.raises(HelpRequestError) as error:
        lifecycle.file_report(
            request,
            actor=taro,
            started_at=request.start_at,
            ended_at=request.end_at,
            thank_you_yen=1000,
            notes=None,
            now=clock_now(),
        )
    assert error.value.code == "too_early"
    with pytest.raises(HelpRequestError) as error:
        lifecycle.file_report(
            request,
            actor=taro,
            started_at=started,
            ended_at=request.end_at,
            thank_you_yen=1000,
            notes=None,
            now=after,
        )
    assert error.value.code == "premeeting_pending"

    lifecycle.tick_premeeting(request, actor=hanako, now=clock_now())
    assert notices(taro)[-1] == (taro.id, "help_request.premeeting_done")
    with pytest.raises(HelpRequestError) as error:
        lifecycle.tick_premeeting(request, actor=hanako, now=clock_now())
    assert error.value.code == "already_ticked"
    with pytest.raises(HelpRequestError):
        lifecycle.tick_premeeting(request, actor=town["jiro"], now=clock_now())
    lifecycle.tick_premeeting(request, actor=taro, now=clock_now())
    assert request.premeeting_done

    with pytest.raises(HelpRequestError) as error:
        lifecycle.file_report(
            request,
            actor=hanako,
            started_at=started,
            ended_at=request.end_at,
            thank_you_yen=1000,
            notes=None,
            now=after,
        )
    assert error.value.code == "not_helper"
    report = lifecycle.file_report(
        request,
        actor=taro,
        started_at=started,
        ended_at=request.end_at,
        thank_you_yen=1200,
        notes="元気に遊びました",
        now=after,
    )
    assert notices(hanako)[-1] == (hanako.id, "help_request.reported")
    assert request.status is RequestStatus.matched  # not completed until she confirms
    with pytest.raises(HelpRequestError) as error:
        lifecycle.confirm_report(request, actor=taro, now=after)
    assert error.value.code == "not_requester"

    lifecycle.confirm_report(request, actor=hanako, now=after)
    assert request.status is RequestStatus.completed and request.completed_at == after
    assert report.confirmed_by_id == hanako.id and report.thank_you_yen == 1200
    assert notices(taro)[-1] == (taro.id, "help_request.completed")
    with pytest.raises(HelpRequestError) as error:
        lifecycle.confirm_report(request, actor=hanako, now=after)
    assert error.value.code == "already_confirmed"
    assert "help_request.completed" in _actions()

    # The second time these two do childcare, no pre-meeting is needed.
    second = _matched(town)
    assert not second.premeeting_required and second.premeeting_done


def test_no_premeeting_for_lending(town):
    request = _matched(town, kind=RequestKind.lend, audience=Audience.connections)
    assert not request.premeeting_required
    with pytest.raises(HelpRequestError) as error:
        lifecycle.tick_premeeting(request, actor=town["hanako"], now=clock_now())
    assert error.value.code == "not_needed"


def test_requester_cancels_and_everyone_waiting_is_told(town, request_open):
    hanako, taro, jiro = town["hanako"], town["taro"], town["jiro"]
    make_connection(hanako, jiro)
    lifecycle.offer_to_help(request_open, helper=taro, now=clock_now())
    lifecycle.offer_to_help(request_open, helper=jiro, now=clock_now())
    with pytest.raises(HelpRequestError) as error:
        lifecycle.cancel_request(request_open, actor=hanako, reason="  ", now=clock_now())
    assert error.value.code == "reason_required"
    lifecycle.cancel_request(
        request_open, actor=hanako, reason="予定が変わりました", now=clock_now()
    )
    assert request_open.status is RequestStatus.cancelled
    assert request_open.cancelled_by_id == hanako.id
    assert request_open.cancel_reason == "予定が変わりました"
    told = {pid for pid, kind in notices(kind="help_request.cancelled")}
    assert told == {taro.id, jiro.id}
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "help_request.cancelled")
    )
    assert entry.actor_id == hanako.id


def test_helper_cancels_a_match(town):
    hanako, taro = town["hanako"], town["taro"]
    request = _matched(town)
    lifecycle.cancel_request(request, actor=taro, reason="熱が出ました", now=clock_now())
    assert request.status is RequestStatus.cancelled and request.cancelled_by_id == taro.id
    assert notices(hanako)[-1] == (hanako.id, "help_request.cancelled")
    with pytest.raises(HelpRequestError) as error:
        lifecycle.cancel_request(request, actor=hanako, reason="x", now=clock_now())
    assert error.value.code == "not_open"


def test_helper_who_only_offered_cannot_cancel(town, request_open):
    lifecycle.offer_to_help(request_open, helper=town["taro"], now=clock_now())
    with pytest.raises(HelpRequestError) as error:
        lifecycle.cancel_request(request_open, actor=town["taro"], reason="x", now=clock_now())
    assert error.value.code == "not_found"


def test_expiry_without_a_job(town, request_open):
    hanako, taro = town["hanako"], town["taro"]
    later = request_open.start_at + timedelta(minutes=1)
    # Derived when read: nobody has touched it, yet it reads as expired.
    assert request_open.status is RequestStatus.open
    assert request_open.status_on(later) is RequestStatus.expired
    assert request_open.status_on(clock_now()) is RequestStatus.open
    # Written back when touched, and the requester is told.
    with pytest.raises(HelpRequestError) as error:
        lifecycle.offer_to_help(request_open, helper=taro, now=later)
    assert error.value.code == "expired"
    db.session.expire_all()
    stored = db.session.get(HelpRequest, request_open.id)
    assert stored.status is RequestStatus.expired
    assert notices(hanako) == [(hanako.id, "help_request.expired")]
    assert lifecycle.refresh_status(stored, now=later) is False  # only once
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "help_request.expired")
    )
    assert entry.actor_id is None


def test_choosing_after_the_start_expires_instead(town, request_open):
    offer = lifecycle.offer_to_help(request_open, helper=town["taro"], now=clock_now())
    later = request_open.start_at + timedelta(hours=1)
    with pytest.raises(HelpRequestError) as error:
        lifecycle.choose_helper(request_open, offer, actor=town["hanako"], now=later)
    assert error.value.code == "expired"
    assert db.session.get(HelpRequest, request_open.id).status is RequestStatus.expired
