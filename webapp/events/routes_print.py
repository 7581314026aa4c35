"""Printed documents: the event flyer, the signup sheet and an area's monthly flyer (PDF,
or HTML with ?format=html)."""

from flask import Blueprint, request

from .. import clock
from ..areas.models import Area, Role
from ..extensions import db
from ..web.auth import require_area_role, role_required
from . import printing
from .paging import parse_month
from .routes_staff import managed_event

bp = Blueprint("event_print", __name__, url_prefix="/manage/events")


@bp.get("/<int:event_id>/flyer.pdf")
@role_required(Role.supporter)
def flyer(event_id: int):
    """The A4 flyer: readable from two metres, with a QR code to the event page."""
    return printing.flyer(managed_event(event_id))


@bp.get("/<int:event_id>/signup-sheet.pdf")
@role_required(Role.supporter)
def signup_sheet(event_id: int):
    """The list for the door: confirmed, waiting, then blank rows for walk-ins."""
    return printing.signup_sheet(managed_event(event_id))


@bp.get("/areas/<int:area_id>/month-flyer.pdf")
@role_required(Role.coordinator)
def month_flyer(area_id: int):
    """All published events of an area in one month, on one page for notice boards."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.coordinator)
    today = clock.today()
    year, month = parse_month(request.args.get("month")) or (today.year, today.month)
    return printing.month_flyer(area, year, month)
