"""Area pages: admins create areas and appoint coordinators; coordinators keep their settings."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..households.models import Person
from ..web.auth import admin_required, require_area_role, role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import services
from .forms import AppointForm, AreaForm, NewCoordinatorForm
from .models import Area, Role

bp = Blueprint("areas", __name__, url_prefix="/areas")
add_nav_item("areas.index", _l("Areas"), role=Role.coordinator, order=90)

AREA_ERRORS = {
    "name_taken": ("name", lambda: _("An area with this name already exists")),
    "person_not_found": ("identifier", lambda: _("No account found: check the number or address")),
    "person_ambiguous": (
        "identifier",
        lambda: _("Several people share this phone number: enter their member number instead"),
    ),
    "email_taken": ("email", lambda: _("Another account already uses this e-mail address")),
}


def _field_error(form, error: services.AreaError) -> None:
    field_name, message = AREA_ERRORS[error.code]
    getattr(form, field_name).errors.append(message())


@bp.get("")
@role_required(Role.coordinator)
def index():
    """Areas: all of them for admins, one's own for coordinators."""
    ids = None if current_user.is_admin else current_user.area_ids_with(Role.coordinator)
    return render("areas/index.html", "areas/_rows.html", rows=services.area_overview(ids))


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    """Create an area with its settings."""
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = services.create_area(actor=current_user, **form.settings())
        except services.AreaError as error:
            _field_error(form, error)
        else:
            flash(_("Area %(name)s created.", name=area.name), "success")
            return redirect(url_for("areas.show", area_id=area.id))
    return render("areas/new.html", form=form, status=422 if form.errors else 200)


@bp.get("/<int:area_id>")
@role_required(Role.coordinator)
def show(area_id: int):
    """An area's settings and coordinators."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.coordinator)
    return render(
        "areas/show.html",
        area=area,
        coordinators=services.coordinators_of(area),
        form=AppointForm(),
    )


@bp.route("/<int:area_id>/edit", methods=["GET", "POST"])
@role_required(Role.coordinator)
def edit(area_id: int):
    """Change an area's settings (its coordinators and admins)."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.coordinator)
    form = AreaForm(obj=area)
    if form.validate_on_submit():
        try:
            services.update_area(area, actor=current_user, **form.settings())
        except services.AreaError as error:
            _field_error(form, error)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("areas.show", area_id=area.id))
    return render("areas/edit.html", area=area, form=form, status=422 if form.errors else 200)


@bp.post("/<int:area_id>/coordinators")
@admin_required
def appoint_coordinator(area_id: int):
    """Appoint a person with an account as a coordinator of the area."""
    area = db.get_or_404(Area, area_id)
    form = AppointForm()
    if form.validate_on_submit():
        try:
            person = services.appoint_coordinator(area, form.identifier.data, actor=current_user)
        except services.AreaError as error:
            _field_error(form, error)
        else:
            flash(_("%(name)s is now a coordinator.", name=person.display_name), "success")
            return redirect(url_for("areas.show", area_id=area.id))
    coordinators = services.coordinators_of(area)
    return render("areas/show.html", area=area, coordinators=coordinators, form=form, status=422)


@bp.route("/<int:area_id>/coordinators/new", methods=["GET", "POST"])
@admin_required
def new_coordinator(area_id: int):
    """Create an account for a member of staff and make them a coordinator."""
    area = db.get_or_404(Area, area_id)
    form = NewCoordinatorForm()
    if form.validate_on_submit():
        try:
            person = services.create_coordinator(
                area,
                actor=current_user,
                password_hash=generate_password_hash(form.password.data),
                name=form.name.data,
                kana=form.kana.data or None,
                display_name=form.display_name.data,
                phone=form.phone.phone,
                email=form.email.data or None,
            )
        except services.AreaError as error:
            _field_error(form, error)
        else:
            flash(
                _("Account created. Member number: %(number)s", number=person.member_number),
                "success",
            )
            return redirect(url_for("areas.show", area_id=area.id))
    status = 422 if form.errors else 200
    return render("areas/new_coordinator.html", area=area, form=form, status=status)


@bp.post("/<int:area_id>/coordinators/<int:person_id>/remove")
@admin_required
def remove_coordinator(area_id: int, person_id: int):
    """Stop a person being a coordinator of the area."""
    area = db.get_or_404(Area, area_id)
    person = db.get_or_404(Person, person_id)
    try:
        services.remove_coordinator(area, person, actor=current_user)
    except services.AreaError:
        abort(404)
    flash(_("%(name)s is no longer a coordinator.", name=person.display_name), "success")
    return redirect(url_for("areas.show", area_id=area.id))
