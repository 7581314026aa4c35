"""Offer pages: offers near me, my offers, listing and changing one, and asking its owner."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..households.models import Person
from ..web.auth import require_or_404
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import services
from .forms import OfferFilterForm, OfferForm
from .models import Offer

bp = Blueprint("offers", __name__, url_prefix="/offers")
add_nav_item("offers.index", _l("What neighbours can do"), order=30)


def _my_areas():
    return [m.area for m in current_user.memberships]


@bp.get("")
@login_required
def index():
    """Offers near me: what people in my areas can do, newest first; filter and search."""
    filters = OfferFilterForm(request.args)
    valid = filters.validate()
    page = services.offers_near_me(
        current_user,
        kind=filters.kind_value(),
        day=filters.day.data if valid else None,
        words=filters.q.data if valid else None,
        after=request.args.get("after"),
    )
    return render(
        "offers/index.html", "offers/_results.html",
        filters=filters, results=page, action=request.path, hidden={}, status=200 if valid else 422,
    )  # fmt: skip


@bp.get("/mine")
@login_required
def mine():
    """The offers I listed, shown or hidden."""
    return render("offers/mine.html", offers=services.offers_of(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """List something I can do."""
    form = OfferForm(areas=_my_areas())
    if form.validate_on_submit():
        try:
            offer = services.create_offer(
                person=current_user, actor=current_user, area_id=form.area_id.data,
                now=clock.now(), **form.fields(),
            )  # fmt: skip
        except services.OfferError:
            form.area_id.errors.append(_l("Choose one of your areas"))
        else:
            flash(_("Thank you! Your offer is listed."), "success")
            return redirect(url_for("offers.show", offer_id=offer.id))
    return render("offers/new.html", form=form, status=422 if form.errors else 200)


def _load(offer_id: int) -> Offer:
    offer = db.get_or_404(
        Offer,
        offer_id,
        options=[selectinload(Offer.person).selectinload(Person.memberships)],
    )
    require_or_404(services.can_view(current_user, offer))
    return offer


@bp.get("/<int:offer_id>")
@login_required
def show(offer_id: int):
    """An offer, with a button to ask its owner."""
    return render("offers/show.html", offer=_load(offer_id))


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(offer_id: int):
    """Change my offer."""
    offer = _load(offer_id)
    require_or_404(offer.person_id == current_user.id)
    form = OfferForm(obj=offer, areas=_my_areas())
    if not form.is_submitted():
        form.days.data = offer.weekdays
        form.kind.data = offer.kind.value
    if form.validate_on_submit():
        try:
            services.update_offer(
                offer, actor=current_user, area_id=form.area_id.data, now=clock.now(),
                **form.fields(),
            )  # fmt: skip
        except services.OfferError:
            form.area_id.errors.append(_l("Choose one of your areas"))
        else:
            flash(_("Your offer is saved."), "success")
            return redirect(url_for("offers.show", offer_id=offer.id))
    return render("offers/edit.html", form=form, offer=offer, status=422 if form.errors else 200)


@bp.post("/<int:offer_id>/visibility")
@login_required
def visibility(offer_id: int):
    """Hide my offer from others, or show it again."""
    offer = _load(offer_id)
    require_or_404(offer.person_id == current_user.id)
    active = request.form.get("active") == "1"
    services.set_active(offer, active, actor=current_user, now=clock.now())
    flash(_("Your offer is shown again.") if active else _("Your offer is hidden."), "success")
    return redirect(url_for("offers.show", offer_id=offer.id))
