"""A request's life: open → matched → completed, or cancelled / expired.

Every change of status goes through `_transition`, which checks the table of allowed moves and
applies the change with a conditional UPDATE (`... WHERE status = <the status we saw>`), so that
of two people pressing at the same moment exactly one wins, on SQLite and PostgreSQL alike.
An open request whose start has passed is expired: that is derived when read
(`HelpRequest.status_on`) and written back by `refresh_status` whenever the request is touched;
there is no scheduled job.

Error codes (HelpRequestError.code): `not_found` (the person may not see it), `own_request`,
`expired`, `not_open`, `already_matched`, `already_offered`, `not_offered`,
`offer_not_available`, `not_requester`, `not_helper`, `not_matched`, `not_needed`,
`already_ticked`, `too_early`, `premeeting_pending`, `no_report`, `already_confirmed`,
`reason_required`, `not_allowed`.
"""

from datetime import datetime

from sqlalchemy import and_, or_, select, update

from ..audit import log_action
from ..clock import TOWN_TZ
from ..extensions import db
from ..reports import tally
from ..threads.services import ensure_thread, post_first_message
from .errors import HelpRequestError
from .models import (
    CARE_KINDS,
    ActivityReport,
    HelpOffer,
    HelpRequest,
    OfferStatus,
    RequestStatus,
)
from .notices import tell
from .visibility import audience_includes

S = RequestStatus
TRANSITIONS = {
    (S.open, S.matched),
    (S.open, S.cancelled),
    (S.open, S.expired),
    (S.matched, S.completed),
    (S.matched, S.cancelled),
}


def _transition(
    help_request: HelpRequest, to: RequestStatus, *, actor, now, conditions=(), **values
):
    """Move the request from the status we saw to `to`, or raise if someone moved it first."""
    seen = help_request.status
    if (seen, to) not in TRANSITIONS:
        raise HelpRequestError("not_allowed")
    result = db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.status == seen, *conditions)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(help_request)
        if help_request.status is S.matched:
            raise HelpRequestError("already_matched")
        if help_request.status_on(now) is S.expired:
            raise HelpRequestError("expired")
        raise HelpRequestError("not_open")
    db.session.refresh(help_request)
    tally.request_status_changed(help_request, seen, to)
    log_action(
        actor,
        f"help_request.{to.value}",
        help_request,
        area_id=help_request.area_id,
        **{"from": seen.value},
    )


def refresh_status(help_request: HelpRequest, *, now: datetime) -> bool:
    """Write back an expiry that has happened since the request was last touched.

    Returns True when the request expired just now (and the requester was told).
    """
    if help_request.status is not S.open or help_request.start_at > now:
        return False
    try:
        _transition(
            help_request, S.expired, actor=None, now=now, conditions=[HelpRequest.start_at <= now]
        )
    except HelpRequestError:
        return False
    tell(
        help_request.requester,
        "help_request.expired",
        help_request,
        name=help_request.requester.display_name,
    )
    return True


def _ensure_open(help_request: HelpRequest, *, now: datetime) -> None:
    if refresh_status(help_request, now=now):
        db.session.commit()
        raise HelpRequestError("expired")
    if help_request.status is S.expired:
        raise HelpRequestError("expired")
    if help_request.status is S.matched:
        raise HelpRequestError("already_matched")
    if help_request.status is not S.open:
        raise HelpRequestError("not_open")


def _offer_of(help_request: HelpRequest, person_id: int) -> HelpOffer | None:
    return next((o for o in help_request.offers if o.helper_id == person_id), None)


def _first_time_together(help_request: HelpRequest, helper_id: int) -> bool:
    """No earlier pick-up or childcare of these two (either way round) that got as far as a
    pre-meeting or completion."""
    a, b = help_request.requester_id, helper_id
    earlier = db.session.scalar(
        select(HelpRequest.id)
        .where(
            HelpRequest.id != help_request.id,
            HelpRequest.kind.in_(list(CARE_KINDS)),
            or_(
                and_(HelpRequest.requester_id == a, HelpRequest.helper_id == b),
                and_(HelpRequest.requester_id == b, HelpRequest.helper_id == a),
            ),
            or_(
                HelpRequest.status == S.completed,
                and_(
                    HelpRequest.premeeting_requester_at.is_not(None),
                    HelpRequest.premeeting_helper_at.is_not(None),
                ),
            ),
        )
        .limit(1)
    )
    return earlier is None


def _match(help_request: HelpRequest, helper, *, actor, now: datetime) -> None:
    """open → matched with `helper`; only if still open and not yet started."""
    premeeting = help_request.kind in CARE_KINDS and _first_time_together(help_request, helper.id)
    _transition(
        help_request,
        S.matched,
        actor=actor,
        now=now,
        conditions=[HelpRequest.start_at > now, HelpRequest.helper_id.is_(None)],
        helper_id=helper.id,
        matched_at=now,
        premeeting_required=premeeting,
    )
    if premeeting:
        requester = help_request.requester
        tell(requester, "help_request.premeeting", help_request, name=helper.display_name)
        tell(helper, "help_request.premeeting", help_request, name=requester.display_name)


def offer_to_help(help_request: HelpRequest, *, helper, now: datetime, message: str | None = None):
    """`helper` offers to help. With "first offer wins" this matches them at once. Commits.

    Returns the HelpOffer.
    """
    if helper.id == help_request.requester_id:
        raise HelpRequestError("own_request")
    today = now.astimezone(TOWN_TZ).date()
    if not audience_includes(helper, help_request, today=today):
        raise HelpRequestError("not_found")
    _ensure_open(help_request, now=now)
    offer = _offer_of(help_request, helper.id)
    if offer is not None and offer.status is not OfferStatus.withdrawn:
        raise HelpRequestError("already_offered")
    requester = help_request.requester
    if help_request.first_offer_wins:
        _match(help_request, helper, actor=helper, now=now)
        status = OfferStatus.chosen
    else:
        status = OfferStatus.offered
    if offer is None:
        offer = HelpOffer(help_request=help_request, helper_id=helper.id)
        db.session.add(offer)
    offer.status, offer.withdrawn_at, offer.created_at = status, None, now
    thread = ensure_thread(help_request, helper)
    if message:
        post_first_message(thread, author=helper, body=message, now=now)
    log_action(helper, "help_request.offered", help_request, area_id=help_request.area_id)
    kind = "help_request.accepted" if status is OfferStatus.chosen else "help_request.offered"
    tell(requester, kind, help_request, name=helper.display_name)
    db.session.commit()
    return offer


def withdraw_offer(help_request: HelpRequest, *, helper, now: datetime) -> None:
    """Take back an offer not yet chosen (a chosen helper cancels instead). Commits."""
    offer = _offer_of(help_request, helper.id)
    if offer is None or offer.status is not OfferStatus.offered:
        raise HelpRequestError("not_offered")
    offer.status, offer.withdrawn_at = OfferStatus.withdrawn, now
    log_action(helper, "help_request.offer_withdrawn", help_request, area_id=help_request.area_id)
    tell(
        help_request.requester,
        "help_request.offer_withdrawn",
        help_request,
        name=helper.display_name,
    )
    db.session.commit()


def choose_helper(help_request: HelpRequest, offer: HelpOffer, *, actor, now: datetime) -> None:
    """The requester picks one of the people who offered. Commits."""
    if actor.id != help_request.requester_id:
        raise HelpRequestError("not_requester")
    if offer.help_request_id != help_request.id or offer.status is not OfferStatus.offered:
        raise HelpRequestError("offer_not_available")
    _ensure_open(help_request, now=now)
    helper = offer.helper
    _match(help_request, helper, actor=actor, now=now)
    for other in help_request.offers:
        if other.id == offer.id:
            other.status = OfferStatus.chosen
        elif other.status is OfferStatus.offered:
            other.status = OfferStatus.not_chosen
            tell(other.helper, "help_request.not_chosen", help_request, name=actor.display_name)
    tell(helper, "help_request.chosen", help_request, name=actor.display_name)
    db.session.commit()


def _side(help_request: HelpRequest, person) -> str:
    if person.id == help_request.requester_id:
        return "requester"
    if help_request.helper_id is not None and person.id == help_request.helper_id:
        return "helper"
    raise HelpRequestError("not_found")


def tick_premeeting(help_request: HelpRequest, *, actor, now: datetime) -> None:
    """The requester or the helper confirms the pre-meeting checklist. Commits."""
    side = _side(help_request, actor)
    if help_request.status is not S.matched:
        raise HelpRequestError("not_matched")
    if not help_request.premeeting_required:
        raise HelpRequestError("not_needed")
    column = f"premeeting_{side}_at"
    if getattr(help_request, column) is not None:
        raise HelpRequestError("already_ticked")
    setattr(help_request, column, now)
    log_action(
        actor,
        "help_request.premeeting_ticked",
        help_request,
        area_id=help_request.area_id,
        side=side,
    )
    other = help_request.helper if side == "requester" else help_request.requester
    tell(other, "help_request.premeeting_done", help_request, name=actor.display_name)
    db.session.commit()


def file_report(
    help_request: HelpRequest,
    *,
    actor,
    started_at: datetime,
    ended_at: datetime,
    thank_you_yen: int,
    notes: str | None,
    now: datetime,
) -> ActivityReport:
    """The helper reports what happened (again, to correct it, until it is confirmed). Commits."""
    if _side(help_request, actor) != "helper":
        raise HelpRequestError("not_helper")
    if help_request.status is not S.matched:
        raise HelpRequestError("not_matched")
    if now < help_request.start_at:
        raise HelpRequestError("too_early")
    if not help_request.premeeting_done:
        raise HelpRequestError("premeeting_pending")
    if ended_at <= started_at:
        raise HelpRequestError("end_before_start")
    report = help_request.report
    if report is None:
        report = ActivityReport(help_request=help_request)
        db.session.add(report)
    report.started_at, report.ended_at = started_at, ended_at
    report.thank_you_yen, report.notes = thank_you_yen, notes or None
    report.filed_at, report.filed_by_id = now, actor.id
    log_action(
        actor,
        "help_request.reported",
        help_request,
        area_id=help_request.area_id,
        thank_you_yen=thank_you_yen,
    )
    tell(help_request.requester, "help_request.reported", help_request, name=actor.display_name)
    db.session.commit()
    return report


def confirm_report(help_request: HelpRequest, *, actor, now: datetime) -> None:
    """The requester confirms the helper's report: the request is completed. Commits."""
    if actor.id != help_request.requester_id:
        raise HelpRequestError("not_requester")
    report = help_request.report
    if report is None:
        raise HelpRequestError("no_report")
    if report.confirmed_at is not None:
        raise HelpRequestError("already_confirmed")
    _transition(help_request, S.completed, actor=actor, now=now, completed_at=now)
    report.confirmed_at, report.confirmed_by_id = now, actor.id
    tell(help_request.helper, "help_request.completed", help_request, name=actor.display_name)
    db.session.commit()


def cancel_request(help_request: HelpRequest, *, actor, reason: str, now: datetime) -> None:
    """The requester cancels (open or matched), or the chosen helper cancels (matched).

    Who and why are recorded; the other side, and anyone still waiting on an offer, is told.
    Commits.
    """
    side = _side(help_request, actor)
    if refresh_status(help_request, now=now):
        db.session.commit()
        raise HelpRequestError("expired")
    if not (reason or "").strip():
        raise HelpRequestError("reason_required")
    if side == "helper" and help_request.status is not S.matched:
        raise HelpRequestError("not_matched")
    if help_request.status not in (S.open, S.matched):
        raise HelpRequestError("not_open")
    _transition(
        help_request,
        S.cancelled,
        actor=actor,
        now=now,
        cancelled_at=now,
        cancelled_by_id=actor.id,
        cancel_reason=reason.strip(),
    )
    told = set()
    others = [help_request.requester] if side == "helper" else []
    if side == "requester":
        if help_request.helper is not None:
            others.append(help_request.helper)
        others += [o.helper for o in help_request.offers if o.status is OfferStatus.offered]
    for person in others:
        if person.id not in told:
            told.add(person.id)
            tell(
                person,
                "help_request.cancelled",
                help_request,
                name=actor.display_name,
                reason=reason.strip(),
            )
    db.session.commit()
