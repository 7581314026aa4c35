"""Public event pages: the list by area and month, an event's page, its calendar file and
picture, signing up with or without an account, the confirmation, cancelling by code."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..areas.models import Area
from ..extensions import db, limiter
from ..i18n import current_lang
from ..web.auth import require_or_404
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import (
    erasure,  # noqa: F401  (registers the account-deletion eraser)
    ical,
    pictures,
    queries,
    signups,
)
from .errors import EventError
from .forms import CancelForm, SignupForm
from .messages import apply_error, error_message
from .models import Event, Signup, SignupSource, SignupStatus
from .paging import cursor_text, next_months, parse_cursor, parse_month
from .permissions import can_manage, can_view

bp = Blueprint("events", __name__, url_prefix="/events")
add_nav_item("events.index", _l("Events"), order=20)

SESSION_CODES = "event_signup_codes"  # codes this browser signed up with (confirmation page)


def _load(event_id: int) -> Event:
    event = queries.event_with_area(event_id)
    require_or_404(event is not None and can_view(current_user, event))
    return event


def _remember(code: str) -> None:
    codes = [c for c in session.get(SESSION_CODES, []) if c != code][-9:]
    session[SESSION_CODES] = [*codes, code]


def _my_signup(event: Event) -> Signup | None:
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(
        select(Signup).where(
            Signup.event_id == event.id,
            Signup.person_id == current_user.id,
            Signup.status.in_([SignupStatus.confirmed, SignupStatus.waitlisted]),
        )
    )


@bp.get("")
def index():
    """Upcoming events, by area and month."""
    area_id = request.args.get("area", type=int)
    month = parse_month(request.args.get("month"))
    events, cursor = queries.public_events(
        area_id=area_id, month=month, after=parse_cursor(request.args.get("after"))
    )
    return render(
        "events/index.html",
        "events/_list.html",
        events=events,
        places=queries.places_for(events),
        next_cursor=cursor_text(cursor),
        areas=list(db.session.scalars(select(Area).order_by(Area.name))),
        area_id=area_id,
        month=month,
        months=next_months(12),
    )


@bp.get("/<int:event_id>")
def show(event_id: int):
    """An event: what, when, where, places left, how to sign up."""
    event = _load(event_id)
    household = None
    if current_user.is_authenticated:
        household = signups.party_for_member(current_user, event, locale=current_lang())
    return render(
        "events/show.html",
        event=event,
        places=queries.places_for([event])[event.id],
        taking_signups=signups.signups_open(event),
        mine=_my_signup(event),
        household=household,
        staff=can_manage(current_user, event),
    )


@bp.get("/<int:event_id>/calendar.ics")
def calendar(event_id: int):
    """The event as an iCalendar file (add it to a phone's calendar)."""
    event = db.get_or_404(Event, event_id)
    require_or_404(event.is_visible_to_public())
    return _ics(ical.event_calendar(event), f"event-{event.id}.ics")


@bp.get("/areas/<int:area_id>/calendar.ics")
def area_calendar(area_id: int):
    """Every public event of an area, as a calendar feed."""
    area = db.get_or_404(Area, area_id)
    return _ics(ical.area_calendar(area), f"events-{area.id}.ics")


def _ics(body: bytes, filename: str):
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<int:event_id>/picture/<name>")
def picture(event_id: int, name: str):
    """The event's picture (as re-encoded on upload)."""
    event = _load(event_id)
    path = pictures.path_of(event.picture_file)
    if path is None or name != event.picture_file:
        abort(404)
    return send_file(path, mimetype=pictures.mimetype_of(name), max_age=30 * 24 * 3600)


@bp.route("/<int:event_id>/sign-up", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("EVENT_SIGNUP_LIMIT", "300 per hour"),
    key_func=get_remote_address,
    scope="event-sign-up",
    methods=["POST"],
)
def sign_up(event_id: int):
    """Sign up a family, with or without an account."""
    event = _load(event_id)
    if not signups.signups_open(event):
        flash(_("This event is not taking signups."), "warning")
        return redirect(url_for("events.show", event_id=event.id))
    form = SignupForm()
    member = current_user if current_user.is_authenticated else None
    if request.method == "GET" and member is not None:
        party = signups.party_for_member(member, event)
        form.process(
            data={**vars(party), "children_ages": ", ".join(map(str, party.children_ages))}
        )
    if form.validate_on_submit():
        try:
            signup = signups.sign_up(
                event,
                party=form.party(locale=current_lang()),
                source=SignupSource.member if member else SignupSource.online,
                actor=member,
                person=member,
            )
        except EventError as error:
            apply_error(form, error)
        else:
            _remember(signup.code)
            return redirect(url_for("events.signed_up", code=signup.code))
    status = 422 if form.errors else 200
    staff = can_manage(current_user, event)
    return render("events/sign_up.html", event=event, form=form, staff=staff, status=status)


@bp.post("/<int:event_id>/sign-up-household")
@login_required
def sign_up_household(event_id: int):
    """A member signs up their whole household in one step."""
    event = _load(event_id)
    party = signups.party_for_member(current_user, event, locale=current_lang())
    try:
        signup = signups.sign_up(
            event, party=party, source=SignupSource.member, actor=current_user, person=current_user
        )
    except EventError as error:
        flash(error_message(error), "error")
        return redirect(url_for("events.show", event_id=event.id))
    _remember(signup.code)
    return redirect(url_for("events.signed_up", code=signup.code))


@bp.get("/signups/<code>")
def signed_up(code: str):
    """The confirmation: the signup code, and whether the place is confirmed or waiting."""
    signup = db.session.scalar(
        select(Signup)
        .options(selectinload(Signup.event).selectinload(Event.staff))
        .where(Signup.code == signups.normalize_code(code))
    )
    if signup is None:
        abort(404)
    own = signup.code in session.get(SESSION_CODES, []) or (
        current_user.is_authenticated and signup.person_id == current_user.id
    )
    require_or_404(own or can_manage(current_user, signup.event))
    return render(
        "events/signed_up.html",
        signup=signup,
        event=signup.event,
        position=signups.waitlist_position(signup),
    )


def _failed_cancel(_response) -> bool:
    return bool(g.get("cancel_failed"))


@bp.route("/cancel", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("EVENT_CANCEL_LIMIT", "20 per hour"),
    key_func=get_remote_address,
    scope="event-cancel",
    methods=["POST"],
    deduct_when=_failed_cancel,
)
def cancel():
    """Cancel a signup with its code and phone number (no account needed); asks first."""
    form = CancelForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            signup = signups.find_for_cancelling(form.code.data, form.phone.phone)
        except EventError as error:
            g.cancel_failed = error.code == "not_found"
            apply_error(form, error)
        else:
            if request.form.get("confirm") != "yes":
                return render("events/cancel_confirm.html", form=form, signup=signup)
            signups.cancel_signup(signup, actor=signup.person)
            flash(_("Your signup is cancelled. Thank you for letting us know."), "success")
            return redirect(url_for("events.show", event_id=signup.event_id))
    status = 422 if form.errors else 200
    return render("events/cancel.html", form=form, status=status)


@bp.post("/<int:event_id>/cancel-mine")
@login_required
def cancel_mine(event_id: int):
    """A member cancels their own signup for the event."""
    event = _load(event_id)
    signup = _my_signup(event)
    require_or_404(signup is not None)
    try:
        signups.cancel_signup(signup, actor=current_user)
    except EventError as error:
        flash(error_message(error), "error")
    else:
        flash(_("Your signup is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for("events.show", event_id=event.id))
