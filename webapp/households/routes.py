"""Household pages."""

from flask import Blueprint
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..clock import today
from ..extensions import db
from ..web.auth import require_or_404
from ..web.htmx import render
from .models import Household
from .services import can_view_household

bp = Blueprint("households", __name__, url_prefix="/households")


@bp.get("/<int:household_id>")
@login_required
def show(household_id: int):
    """A household's adults and children."""
    household = db.get_or_404(
        Household,
        household_id,
        options=[selectinload(Household.adults), selectinload(Household.children)],
    )
    require_or_404(can_view_household(current_user, household))
    return render("households/show.html", household=household, today=today())
