"""Connection pages: my code and QR, typing someone's code, confirming, removing; and the
supporters' form that connects two people who are both present."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..accounts.services import people_for_identifier
from ..areas.models import Role
from ..db import write_transaction
from ..events.models import Event
from ..extensions import db, limiter
from ..web.auth import require_or_404, role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import services
from .forms import CodeForm, StaffConnectForm
from .models import Connection, ConnectionInvite

bp = Blueprint("connections", __name__, url_prefix="/connections")
add_nav_item("connections.index", _l("People I know"), order=40)
add_nav_item("connections.staff", _l("Connect at the desk"), role=Role.supporter, order=70)

CODE_ERRORS = {
    "code_not_found": _l("No one has this code. Check the 6 digits, or ask for a new code."),
    "own_code": _l("This is your own code. Enter the code of the person you met."),
    "already_connected": _l("You are already connected with this person."),
    "already_invited": _l("You have already asked this person. They need to confirm."),
}
STAFF_ERRORS = {
    "same_person": ("second", _l("Enter two different people")),
    "not_in_your_area": ("second", _l("Both people must be members of an area you support")),
    "already_connected": ("second", _l("These two people are already connected")),
}


def _me():
    """The signed-in Person itself (services record it as the subject of audit entries)."""
    return current_user._get_current_object()


def _my_key() -> str:
    return f"connect:{current_user.id}"


def _index(form: CodeForm, status: int = 200):
    now = clock.now()
    code = services.current_code(current_user, now=now)
    if code is None:
        with write_transaction():
            code = services.renew_code(_me(), now=now)
    base = current_app.config.get("SITE_URL", "").rstrip("/") or request.host_url.rstrip("/")
    return render(
        "connections/index.html",
        code=code,
        code_url=f"{base}{url_for('connections.index', code=code.code)}",
        expires_at=services.code_expires_at(code),
        form=form,
        invites=services.invites_for(current_user),
        sent=services.invites_sent_by(current_user),
        connections=services.connections_of(current_user),
        status=status,
    )


@bp.get("")
@login_required
def index():
    """My code and QR, invitations to confirm, and the people I know."""
    form = CodeForm(formdata=None, code=request.args.get("code", ""))
    return _index(form)


@bp.post("/ask")
@login_required
@limiter.limit("20 per hour", key_func=_my_key)
def ask():
    """Type someone's code: they are asked to confirm."""
    form = CodeForm()
    if form.validate():
        try:
            made = services.invite_by_code(form.code.data, actor=current_user, now=clock.now())
        except services.ConnectionError as error:
            form.code.errors.append(CODE_ERRORS[error.code])
        else:
            if isinstance(made, Connection):
                flash(_("You are now connected."), "success")
            else:
                flash(
                    _("We asked %(name)s to confirm.", name=made.to_person.display_name), "success"
                )
            return redirect(url_for("connections.index"))
    return _index(form, status=422)


@bp.post("/code")
@login_required
def renew():
    """Make a new code (the old one stops working)."""
    services.renew_code(_me(), now=clock.now())
    flash(_("Your new code is ready. The old one no longer works."), "success")
    return redirect(url_for("connections.index"))


def _invite(invite_id: int) -> ConnectionInvite:
    invite = db.get_or_404(ConnectionInvite, invite_id)
    require_or_404(current_user.id in (invite.to_person_id, invite.from_person_id))
    return invite


@bp.post("/invites/<int:invite_id>/confirm")
@login_required
def confirm(invite_id: int):
    """Confirm that I know the person who typed my code."""
    invite = _invite(invite_id)
    name = invite.from_person.display_name
    try:
        services.confirm_invite(invite, actor=current_user)
    except services.ConnectionError:
        abort(404)
    flash(_("You and %(name)s are now connected.", name=name), "success")
    return redirect(url_for("connections.index"))


@bp.post("/invites/<int:invite_id>/decline")
@login_required
def decline(invite_id: int):
    """Decline an invitation, or take back one I sent."""
    services.decline_invite(_invite(invite_id), actor=current_user)
    flash(_("Done. No connection was made."), "success")
    return redirect(url_for("connections.index"))


@bp.route("/<int:connection_id>/remove", methods=["GET", "POST"])
@login_required
def remove(connection_id: int):
    """Remove a connection (after a confirmation page)."""
    connection = db.get_or_404(Connection, connection_id)
    require_or_404(connection.involves(current_user.id))
    other = connection.other(current_user.id)
    if request.method == "POST":
        services.remove_connection(connection, actor=current_user)
        flash(_("You are no longer connected with %(name)s.", name=other.display_name), "success")
        return redirect(url_for("connections.index"))
    return render("connections/remove.html", connection=connection, other=other)


def _one_person(field):
    people = people_for_identifier(field.data or "")
    if len(people) != 1:
        field.errors.append(
            _l("Several people share this phone number: enter the member number")
            if people
            else _l("No account found: check the number")
        )
        return None
    return people[0]


@bp.route("/staff", methods=["GET", "POST"])
@role_required(Role.supporter)
def staff():
    """Supporters and coordinators connect two people who are both present."""
    form = StaffConnectForm(event_id=request.args.get("event_id", ""))
    if form.event() is not None:  # connections made at an exchange event count for it
        db.get_or_404(Event, form.event())
    if form.validate_on_submit():
        first, second = _one_person(form.first), _one_person(form.second)
        if first and second:
            try:
                services.connect_by_staff(first, second, actor=current_user, event_id=form.event())
            except services.ConnectionError as error:
                field, message = STAFF_ERRORS[error.code]
                getattr(form, field).errors.append(message)
            else:
                names = {"first": first.display_name, "second": second.display_name}
                flash(_("%(first)s and %(second)s are now connected.", **names), "success")
                return redirect(url_for("connections.staff", event_id=form.event() or None))
    status = 422 if form.errors else 200
    return render("connections/staff.html", form=form, status=status)
