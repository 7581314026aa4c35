"""Staff pages: the events one runs, creating and editing them, publishing, closing,
cancelling and copying, the picture, phone and desk signups, event staff, and the page of an
event with its signups, waitlist and what happened afterwards."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..areas.models import Area, Role
from ..extensions import db
from ..households.models import Person
from ..i18n import current_lang
from ..web.auth import require_or_404, role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import managing, queries, signups
from .errors import EventError
from .forms import CopyForm, EventForm, NoteForm, PictureForm, StaffMemberForm, StaffSignupForm
from .messages import apply_error, error_message
from .models import Event, EventStatus, Signup, SignupSource
from .paging import cursor_text, next_months, parse_cursor
from .permissions import can_manage, is_coordinator_of

bp = Blueprint("event_staff", __name__, url_prefix="/manage/events")
add_nav_item("event_staff.index", _l("Run events"), role=Role.supporter, order=60)


def managed_event(event_id: int, *, coordinator: bool = False) -> Event:
    """The event, when the signed-in person runs it (403 otherwise)."""
    # Its staff list is loaded only when a supporter's permission needs it.
    event = queries.event_with_area(event_id)
    require_or_404(event is not None)
    allowed = is_coordinator_of if coordinator else can_manage
    if not allowed(current_user, event):
        abort(403)
    return event


def event_signup(event: Event, signup_id: int) -> Signup:
    signup = db.session.get(Signup, signup_id)
    require_or_404(signup is not None and signup.event_id == event.id)
    return signup


def _coordinator_areas() -> list[Area]:
    query = select(Area).order_by(Area.name)
    if not current_user.is_admin:
        query = query.where(Area.id.in_(current_user.area_ids_with(Role.coordinator)))
    return list(db.session.scalars(query))


@bp.get("")
@role_required(Role.supporter)
def index():
    """The events one runs: upcoming first, or the past ones."""
    past = request.args.get("past") == "1"
    events, cursor = queries.staff_events(
        current_user, past=past, after=parse_cursor(request.args.get("after"))
    )
    return render(
        "events/staff/index.html",
        events=events,
        places=queries.places_for(events),
        past=past,
        next_cursor=cursor_text(cursor),
        areas=_coordinator_areas(),
        months=next_months(7, start=-1),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.coordinator)
def new():
    """Create an event (as a draft) in one of one's areas."""
    areas = _coordinator_areas()
    if not areas:
        abort(403)
    form = EventForm(area_id=request.args.get("area_id", type=int))
    form.area_id.choices = [(a.id, a.display_name(current_lang())) for a in areas]
    if form.validate_on_submit():
        area = next(a for a in areas if a.id == form.area_id.data)
        event = managing.create_event(area, actor=current_user, **form.values())
        flash(_("Event created as a draft. Publish it when it is ready."), "success")
        return redirect(url_for("event_staff.show", event_id=event.id))
    return render("events/staff/new.html", form=form, status=422 if form.errors else 200)


def show_page(event: Event, *, status: int = 200, **forms):
    """The staff page of an event (also re-rendered with a form's errors)."""
    forms.setdefault("picture_form", PictureForm())
    forms.setdefault("staff_form", StaffMemberForm())
    forms.setdefault("note_form", NoteForm(note=event.post_event_note))
    started = clock.now() >= event.starts_at
    return render(
        "events/staff/show.html",
        event=event,
        counts=queries.counts(event),
        places=queries.places_for([event])[event.id],
        groups=queries.signups_by_status(event),
        staff_people=_staff_people(event),
        after=queries.after_event(event) if started else None,
        transitions=[s for s in managing.BUTTON_ORDER if s in managing.TRANSITIONS[event.status]],
        coordinator=is_coordinator_of(current_user, event),
        status=status,
        **forms,
    )


def _staff_people(event: Event) -> list[Person]:
    ids = [s.person_id for s in event.staff]
    if not ids:
        return []
    query = select(Person).options(selectinload(Person.memberships)).where(Person.id.in_(ids))
    return list(db.session.scalars(query.order_by(Person.display_name)))


@bp.get("/<int:event_id>")
@role_required(Role.supporter)
def show(event_id: int):
    """An event for its staff: signups, waitlist, actions, and afterwards what happened."""
    return show_page(managed_event(event_id))


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.supporter)
def edit(event_id: int):
    """Change an event's details (more places promote the waitlist)."""
    event = managed_event(event_id)
    form = EventForm()
    del form.area_id  # an event stays in its area
    if request.method == "GET":
        form.fill_from(event)
    if form.validate_on_submit():
        try:
            promoted = managing.update_event(event, actor=current_user, **form.values())
        except EventError as error:
            apply_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            if promoted:
                flash(_("%(n)s signups moved from the waiting list.", n=len(promoted)), "success")
            return redirect(url_for("event_staff.show", event_id=event.id))
    status = 422 if form.errors else 200
    return render("events/staff/edit.html", event=event, form=form, status=status)


@bp.post("/<int:event_id>/status")
@role_required(Role.supporter)
def change_status(event_id: int):
    """Publish, close or reopen signups, or cancel the event (cancelling: coordinators)."""
    wanted = request.form.get("to", "")
    # Authorize before reading the form, so that people who do not run it learn nothing.
    event = managed_event(event_id, coordinator=wanted == EventStatus.cancelled.value)
    try:
        to = EventStatus(wanted)
    except ValueError:
        abort(400)
    try:
        managing.change_status(event, to, actor=current_user)
    except EventError as error:
        flash(error_message(error), "error")
    else:
        flash(_("The event is now: %(status)s", status=to.label), "success")
    return redirect(url_for("event_staff.show", event_id=event.id))


@bp.get("/<int:event_id>/cancel")
@role_required(Role.coordinator)
def confirm_cancel(event_id: int):
    """Ask before cancelling the event: everyone signed up or waiting will be told."""
    event = managed_event(event_id, coordinator=True)
    if EventStatus.cancelled not in managing.TRANSITIONS[event.status]:
        abort(404)
    counts = queries.counts(event)
    return render("events/staff/cancel_event.html", event=event, counts=counts)


@bp.route("/<int:event_id>/copy", methods=["GET", "POST"])
@role_required(Role.coordinator)
def copy(event_id: int):
    """Make the next event from this one: same details, another day."""
    event = managed_event(event_id, coordinator=True)
    a_week_later = event.starts_at.astimezone(clock.TOWN_TZ).date() + timedelta(days=7)
    form = CopyForm(starts_on=a_week_later)
    if form.validate_on_submit():
        new_event = managing.copy_event(event, actor=current_user, starts_on=form.starts_on.data)
        flash(_("Copy made as a draft: check the details, then publish it."), "success")
        return redirect(url_for("event_staff.edit", event_id=new_event.id))
    status = 422 if form.errors else 200
    return render("events/staff/copy.html", event=event, form=form, status=status)


@bp.post("/<int:event_id>/picture")
@role_required(Role.supporter)
def upload_picture(event_id: int):
    """Add or replace the event's picture (re-encoded; anything else is refused)."""
    event = managed_event(event_id)
    form = PictureForm()
    if form.validate_on_submit():
        try:
            managing.set_picture(event, form.picture.data.read(), actor=current_user)
        except EventError as error:
            apply_error(form, error)
        else:
            flash(_("Picture saved."), "success")
            return redirect(url_for("event_staff.show", event_id=event.id))
    return show_page(event, status=422, picture_form=form)


@bp.post("/<int:event_id>/picture/remove")
@role_required(Role.supporter)
def remove_picture(event_id: int):
    """Take the picture off the event."""
    event = managed_event(event_id)
    managing.remove_picture(event, actor=current_user)
    flash(_("Picture removed."), "success")
    return redirect(url_for("event_staff.show", event_id=event.id))


@bp.route("/<int:event_id>/signups/new", methods=["GET", "POST"])
@role_required(Role.supporter)
def add_signup(event_id: int):
    """Enter a signup taken on the phone or at a help desk (recorded as entered by staff)."""
    event = managed_event(event_id)
    form = StaffSignupForm()
    if form.validate_on_submit():
        try:
            signup = signups.sign_up(
                event,
                party=form.party(locale=current_lang()),
                source=SignupSource(form.source.data),
                actor=current_user,
            )
        except EventError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "%(name)s: %(status)s. Signup code %(code)s.",
                    name=signup.name,
                    status=signup.status.label,
                    code=signup.code,
                ),
                "success",
            )
            return redirect(url_for("event_staff.show", event_id=event.id) + "#signups")
    status = 422 if form.errors else 200
    return render("events/staff/add_signup.html", event=event, form=form, status=status)


@bp.route("/<int:event_id>/signups/<int:signup_id>/cancel", methods=["GET", "POST"])
@role_required(Role.supporter)
def cancel_signup(event_id: int, signup_id: int):
    """Cancel a signup for someone (e.g. they phoned), after asking; the waitlist moves up."""
    event = managed_event(event_id)
    signup = event_signup(event, signup_id)
    if request.method == "GET":
        return render("events/staff/cancel_signup.html", event=event, signup=signup)
    try:
        promoted = signups.cancel_signup(signup, actor=current_user)
    except EventError as error:
        flash(error_message(error), "error")
    else:
        flash(_("Signup of %(name)s cancelled.", name=signup.name), "success")
        for person in promoted:
            flash(_("%(name)s moved from the waiting list.", name=person.name), "success")
    return redirect(url_for("event_staff.show", event_id=event.id) + "#signups")


@bp.post("/<int:event_id>/staff")
@role_required(Role.coordinator)
def add_staff(event_id: int):
    """Let a supporter help run this event."""
    event = managed_event(event_id, coordinator=True)
    form = StaffMemberForm()
    if form.validate_on_submit():
        try:
            person = managing.add_staff(event, form.identifier.data, actor=current_user)
        except EventError as error:
            apply_error(form, error)
        else:
            flash(_("%(name)s can now help run this event.", name=person.display_name), "success")
            return redirect(url_for("event_staff.show", event_id=event.id) + "#event-staff")
    return show_page(event, status=422, staff_form=form)


@bp.post("/<int:event_id>/staff/<int:person_id>/remove")
@role_required(Role.coordinator)
def remove_staff(event_id: int, person_id: int):
    """Stop a supporter helping with this event."""
    event = managed_event(event_id, coordinator=True)
    person = db.get_or_404(Person, person_id)
    try:
        managing.remove_staff(event, person, actor=current_user)
    except EventError:
        abort(404)
    flash(_("%(name)s no longer helps with this event.", name=person.display_name), "success")
    return redirect(url_for("event_staff.show", event_id=event.id) + "#event-staff")


@bp.post("/<int:event_id>/note")
@role_required(Role.supporter)
def save_note(event_id: int):
    """Save the note written after the event."""
    event = managed_event(event_id)
    form = NoteForm()
    if form.validate_on_submit():
        managing.save_note(event, form.note.data, actor=current_user)
        flash(_("Note saved."), "success")
        return redirect(url_for("event_staff.show", event_id=event.id) + "#after-event")
    return show_page(event, status=422, note_form=form)
