"""At the door, on a phone or tablet: search and check in (htmx, or plain forms), undo,
walk-ins, live counts, and attendance keyed in from the paper sheet afterwards."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..areas.models import Role
from ..i18n import current_lang
from ..web.auth import require_or_404, role_required
from ..web.htmx import is_partial, render
from . import checkin, queries
from .door_list import DoorList
from .errors import EventError
from .forms import WalkInForm
from .messages import apply_error, error_message
from .models import Event, Signup
from .routes_staff import event_signup, managed_event

bp = Blueprint("event_door", __name__, url_prefix="/manage/events")


@bp.get("/<int:event_id>/check-in")
@role_required(Role.supporter)
def check_in_page(event_id: int):
    """Find people by name, reading (kana), code or phone, and check them in."""
    event = managed_event(event_id)
    q = request.args.get("q", "").strip()
    rows, more = queries.search_signups(event, q)
    return render(
        "events/door/check_in.html",
        "events/door/_results.html",
        event=event,
        q=q,
        rows=rows,
        more=more,
        door=DoorList(event),
        counts=queries.counts(event),
    )


@bp.get("/<int:event_id>/check-in/counts")
@role_required(Role.supporter)
def counts(event_id: int):
    """The live counts alone (refreshed every few seconds while the door is open)."""
    event = managed_event(event_id)
    return render_template("events/door/_counts.html", event=event, counts=queries.counts(event))


def _posted_signup(event: Event) -> Signup:
    """The signup whose button was pressed in the list's form."""
    signup_id = request.form.get("signup", type=int)
    require_or_404(signup_id is not None)
    return event_signup(event, signup_id)


def _door_answer(event: Event, signup: Signup, message: str, category: str = "success"):
    """htmx: the changed row, the counts and the message; otherwise back to the list."""
    if is_partial():
        return render_template(
            "events/door/_checked.html",
            event=event,
            rows=[queries.door_row(signup)],
            door=DoorList(event),
            counts=queries.counts(event),
            message=message,
            category=category,
        )
    flash(message, category)
    target = url_for("event_door.check_in_page", event_id=event.id, q=request.form.get("q") or None)
    return redirect(f"{target}#event-signup-{signup.id}")


@bp.post("/<int:event_id>/check-in")
@role_required(Role.supporter)
def check_in(event_id: int):
    """Check a family in (twice is harmless)."""
    event = managed_event(event_id)
    signup = _posted_signup(event)
    try:
        changed = checkin.check_in(signup, actor=current_user)
    except EventError as error:
        return _door_answer(event, signup, error_message(error), "error")
    if changed:
        return _door_answer(event, signup, _("%(name)s checked in.", name=signup.name))
    return _door_answer(event, signup, _("%(name)s was already checked in.", name=signup.name))


@bp.post("/<int:event_id>/undo-check-in")
@role_required(Role.supporter)
def undo_check_in(event_id: int):
    """Take back a check-in made by mistake."""
    event = managed_event(event_id)
    signup = _posted_signup(event)
    checkin.undo_check_in(signup, actor=current_user)
    return _door_answer(event, signup, _("Check-in of %(name)s undone.", name=signup.name))


@bp.route("/<int:event_id>/walk-in", methods=["GET", "POST"])
@role_required(Role.supporter)
def walk_in(event_id: int):
    """Add someone who came without signing up; they are checked in at once."""
    event = managed_event(event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        try:
            signup = checkin.add_walk_in(
                event, party=form.party(locale=current_lang()), actor=current_user
            )
        except EventError as error:
            if error.code == "already_signed_up" and "signup" in error.details:
                known = error.details["signup"]
                form.phone.errors.append(
                    _(
                        "%(name)s already signed up with this phone number (code %(code)s): "
                        "check them in from the list",
                        name=known.name,
                        code=known.code,
                    )
                )
            else:
                apply_error(form, error)
        else:
            flash(_("%(name)s added and checked in.", name=signup.name), "success")
            target = url_for("event_door.check_in_page", event_id=event.id)
            return redirect(f"{target}#event-signup-{signup.id}")
    status = 422 if form.errors else 200
    return render("events/door/walk_in.html", event=event, form=form, status=status)


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@role_required(Role.supporter)
def attendance(event_id: int):
    """Key in who came from the ticked boxes of the paper signup sheet."""
    event = managed_event(event_id)
    form = FlaskForm()
    if form.validate_on_submit():
        attended = set(request.form.getlist("attended", type=int))
        added, removed = checkin.key_in_attendance(event, attended, actor=current_user)
        flash(
            _(
                "Attendance saved: %(added)s added, %(removed)s removed.",
                added=added,
                removed=removed,
            ),
            "success",
        )
        return redirect(url_for("event_staff.show", event_id=event.id) + "#after-event")
    rows = queries.sheet_rows(event, with_walk_ins=True)
    return render("events/door/attendance.html", event=event, form=form, **rows)
