"""Notification pages: the in-site list, the unread count in the header (refreshed by htmx,
a plain link without JavaScript), and the supporters' phone follow-up list with its PDF."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..areas.models import Area, Role
from ..db import write_transaction
from ..extensions import db
from ..households.models import Person
from ..pdf import pdf_response
from ..web.auth import require_area_role, require_or_404, role_required
from ..web.htmx import is_partial, render
from ..web.templating import add_nav_item
from ..web.urls import safe_next_url
from . import follow_up, services
from .models import FollowUpCall, Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
add_nav_item("notifications.follow_up_list", _l("Phone follow-up"), role=Role.supporter, order=80)
PAGE_SIZE = 20


@bp.get("")
@login_required
def index():
    """My notifications, newest first (keyset on id)."""
    query = select(Notification).where(Notification.person_id == current_user.id)
    after = request.args.get("after", type=int)
    if after:
        query = query.where(Notification.id < after)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(PAGE_SIZE + 1)))
    next_cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render(
        "notifications/index.html",
        notifications=rows[:PAGE_SIZE],
        next_cursor=next_cursor,
        wording=services.wording,
    )


@bp.get("/count")
@login_required
def count():
    """The header's unread count, for htmx to refresh; a plain visit goes to the list."""
    if not is_partial():
        return redirect(url_for("notifications.index"))
    return render("notifications/index.html", "notifications/_count.html")


@bp.get("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Open a notification: it is marked read, then its page is shown."""
    notification = db.get_or_404(Notification, notification_id)
    require_or_404(notification.person_id == current_user.id)
    if notification.read_at is None:
        with write_transaction():
            services.mark_read(current_user, [notification.id])
    return redirect(safe_next_url(notification.url) or url_for("notifications.index"))


@bp.post("/read")
@login_required
def read_all():
    """Mark every notification as read."""
    services.mark_read(current_user)
    db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


def _follow_up_area() -> Area:
    area_ids = sorted(current_user.area_ids_with(Role.supporter))
    area_id = request.args.get("area", type=int) or (area_ids[0] if area_ids else None)
    if area_id is None:
        abort(404)
    require_area_role(area_id, Role.supporter)
    return db.get_or_404(Area, area_id)


def _follow_up_context(area: Area) -> dict:
    return {
        "area": area,
        "waiting": follow_up.people_to_phone(area.id),
        "calls": follow_up.open_calls(area.id),
        "subject_of": follow_up.subject_of,
        "areas": db.session.scalars(
            select(Area).where(Area.id.in_(current_user.area_ids_with(Role.supporter)))
        ).all()
        if not current_user.is_admin
        else [area],
        "printed_at": clock.now(),
    }


@bp.get("/follow-up")
@role_required(Role.supporter)
def follow_up_list():
    """Supporters: people of the area to phone about what is waiting for them."""
    return render("notifications/follow_up.html", **_follow_up_context(_follow_up_area()))


@bp.get("/follow-up.pdf")
@role_required(Role.supporter)
def follow_up_pdf():
    """The same list, printed (A4 PDF), to phone from."""
    area = _follow_up_area()
    return pdf_response(
        "print/notifications/follow_up.html", "follow-up.pdf", **_follow_up_context(area)
    )


@bp.post("/follow-up/calls/<int:call_id>/done")
@role_required(Role.supporter)
def call_done(call_id: int):
    """Mark a follow-up call as done."""
    call = db.get_or_404(FollowUpCall, call_id)
    require_area_role(call.area_id, Role.supporter)
    follow_up.mark_call_done(call, actor=current_user, now=clock.now())
    flash(_("Marked as phoned: %(name)s.", name=call.name), "success")
    return redirect(url_for("notifications.follow_up_list", area=call.area_id))


@bp.post("/follow-up/people/<int:person_id>/told")
@role_required(Role.supporter)
def told(person_id: int):
    """Mark what was waiting for a person as told by phone."""
    area = _follow_up_area()
    person = db.get_or_404(Person, person_id)
    require_or_404(person.role_in(area.id) is not None)
    up_to = request.form.get("up_to", type=int) or 0
    follow_up.mark_told_by_phone(
        person, area_id=area.id, actor=current_user, up_to_id=up_to, now=clock.now()
    )
    flash(_("Marked as told by phone: %(name)s.", name=person.display_name), "success")
    return redirect(url_for("notifications.follow_up_list", area=area.id))


def unread_notification_count() -> int:
    if not current_user.is_authenticated:
        return 0
    return services.unread_count(current_user)


@bp.record_once
def _register_globals(state) -> None:
    state.app.jinja_env.globals["unread_notification_count"] = unread_notification_count
