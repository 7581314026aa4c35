"""State-changing request routes: offer to help, withdraw, choose, pre-meeting, report,
confirm, cancel. Each loads the request (404 unless the person may see it), calls one service,
and redirects back to the request (PRG); service errors become a message on the page."""

from datetime import datetime

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..clock import TOWN_TZ
from ..extensions import db
from ..web.htmx import render
from . import lifecycle
from .errors import HelpRequestError
from .forms import CancelForm, OfferToHelpForm, PremeetingForm, ReportForm
from .models import HelpOffer
from .posting import town_datetime
from .routes import _now, bp, load_request, show_page
from .visibility import can_view

MESSAGES = {
    "own_request": _l("This is your own request."),
    "expired": _l("This request has ended: its start time has passed."),
    "not_open": _l("This request is no longer looking for a helper."),
    "already_matched": _l("Someone else is already helping with this request. Thank you!"),
    "already_offered": _l("You have already offered to help."),
    "not_offered": _l("You have no offer to withdraw."),
    "offer_not_available": _l("That person is no longer offering to help."),
    "not_matched": _l("This request has no helper yet."),
    "not_needed": _l("No pre-meeting is needed for this request."),
    "already_ticked": _l("You have already ticked the pre-meeting checklist."),
    "too_early": _l("You can file the report once the help has started."),
    "premeeting_pending": _l("Please both tick the pre-meeting checklist first."),
    "no_report": _l("The helper has not filed a report yet."),
    "already_confirmed": _l("The report is already confirmed."),
}
NOT_FOUND = {"not_found", "not_requester", "not_helper"}


def _fail(help_request, error: HelpRequestError):
    db.session.rollback()
    if error.code in NOT_FOUND:
        abort(404)
    flash(str(MESSAGES.get(error.code, _l("That could not be done."))), "error")
    db.session.refresh(help_request)
    if not can_view(current_user, help_request, now=_now(), today=clock.today()):
        return redirect(url_for("help_requests.index"))  # e.g. someone else was quicker
    return redirect(url_for("help_requests.show", request_id=help_request.id))


def _back(help_request, message: str):
    flash(message, "success")
    return redirect(url_for("help_requests.show", request_id=help_request.id))


@bp.post("/<int:request_id>/offer")
@login_required
def offer(request_id: int):
    """Offer to help (with a first message); with "first offer wins" this is a yes."""
    help_request = load_request(request_id, or_audience=True)
    form = OfferToHelpForm()
    if not form.validate():
        return show_page(help_request, offer_form=form, status=422)
    try:
        made = lifecycle.offer_to_help(
            help_request, helper=current_user, now=_now(), message=form.message.data
        )
    except HelpRequestError as error:
        return _fail(help_request, error)
    if made.status == "chosen":
        return _back(help_request, _("Thank you! You are the helper for this request."))
    return _back(help_request, _("Thank you! We told them you offered to help."))


@bp.post("/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    """Take back one's offer before being chosen."""
    help_request = load_request(request_id)
    try:
        lifecycle.withdraw_offer(help_request, helper=current_user, now=_now())
    except HelpRequestError as error:
        return _fail(help_request, error)
    return _back(help_request, _("Your offer is withdrawn."))


@bp.post("/<int:request_id>/offers/<int:offer_id>/choose")
@login_required
def choose(request_id: int, offer_id: int):
    """The requester chooses one of the people who offered."""
    help_request = load_request(request_id)
    chosen = db.get_or_404(HelpOffer, offer_id)
    if chosen.help_request_id != help_request.id:
        abort(404)
    try:
        lifecycle.choose_helper(help_request, chosen, actor=current_user, now=_now())
    except HelpRequestError as error:
        return _fail(help_request, error)
    return _back(
        help_request, _("You chose %(name)s. We told them.", name=chosen.helper.display_name)
    )


def _require_side(help_request, *sides):
    is_requester = current_user.id == help_request.requester_id
    is_helper = help_request.helper_id is not None and current_user.id == help_request.helper_id
    if not (("requester" in sides and is_requester) or ("helper" in sides and is_helper)):
        abort(404)


@bp.route("/<int:request_id>/pre-meeting", methods=["GET", "POST"])
@login_required
def premeeting(request_id: int):
    """The pre-meeting checklist, ticked by the requester and by the helper."""
    help_request = load_request(request_id)
    _require_side(help_request, "requester", "helper")
    form = PremeetingForm()
    if form.validate_on_submit():
        try:
            lifecycle.tick_premeeting(help_request, actor=current_user, now=_now())
        except HelpRequestError as error:
            return _fail(help_request, error)
        return _back(help_request, _("Thank you. The pre-meeting checklist is ticked."))
    status = 422 if form.errors else 200
    return render(
        "help_requests/premeeting.html", help_request=help_request, form=form, status=status
    )


def _at(help_request, moment) -> datetime:
    """A time typed in the report, on the day of the request."""
    return town_datetime(help_request.start_at.astimezone(TOWN_TZ).date(), moment)


@bp.route("/<int:request_id>/report", methods=["GET", "POST"])
@login_required
def report(request_id: int):
    """The helper's activity report: actual times, thank-you received, anything to report."""
    help_request = load_request(request_id)
    _require_side(help_request, "helper")
    form = ReportForm()
    if form.validate_on_submit():
        try:
            lifecycle.file_report(
                help_request,
                actor=current_user,
                started_at=_at(help_request, form.started.data),
                ended_at=_at(help_request, form.ended.data),
                thank_you_yen=form.thank_you_yen.data,
                notes=(form.notes.data or "").strip(),
                now=_now(),
            )
        except HelpRequestError as error:
            return _fail(help_request, error)
        return _back(help_request, _("Thank you. We asked them to confirm your report."))
    if not form.is_submitted():
        form.started.process_data(help_request.start_at.astimezone(TOWN_TZ).time())
        form.ended.process_data(help_request.end_at.astimezone(TOWN_TZ).time())
        if help_request.thank_you_yen is not None:
            form.thank_you_yen.data = help_request.thank_you_yen
    status = 422 if form.errors else 200
    return render("help_requests/report.html", help_request=help_request, form=form, status=status)


@bp.post("/<int:request_id>/confirm")
@login_required
def confirm(request_id: int):
    """The requester confirms the report: the request is completed."""
    help_request = load_request(request_id)
    try:
        lifecycle.confirm_report(help_request, actor=current_user, now=_now())
    except HelpRequestError as error:
        return _fail(help_request, error)
    return _back(help_request, _("Thank you. This request is completed."))


@bp.route("/<int:request_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(request_id: int):
    """Cancel, saying why; shows the area's cancellation rule."""
    help_request = load_request(request_id)
    _require_side(help_request, "requester", "helper")
    form = CancelForm()
    if form.validate_on_submit():
        try:
            lifecycle.cancel_request(
                help_request, actor=current_user, reason=form.reason.data, now=_now()
            )
        except HelpRequestError as error:
            return _fail(help_request, error)
        return _back(help_request, _("The request is cancelled. We told the people concerned."))
    status = 422 if form.errors else 200
    return render("help_requests/cancel.html", help_request=help_request, form=form, status=status)
