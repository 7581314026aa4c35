"""Supporter pages: each area's supporters, one supporter's training and certification, and a
supporter's own page. Coordinators of the area (and admins) run them; a supporter sees their
own page."""

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from .. import clock
from ..areas.models import Area, Role
from ..clock import today
from ..extensions import db
from ..households.models import Person
from ..i18n import current_lang, format_date_long
from ..web.auth import require_area_role, require_or_404, role_required
from ..web.htmx import is_partial, render
from ..web.templating import add_nav_item
from . import queries, services
from .forms import AppointSupporterForm, ModuleForm, PeriodForm, TrainingRecordForm
from .models import LAPSING_SOON_DAYS, TrainingModule, TrainingRecord, certification_status

bp = Blueprint("supporters", __name__)
add_nav_item("supporters.index", _l("Supporters"), role=Role.coordinator, order=60)
add_nav_item(
    "supporters.mine",
    _l("My supporter page"),
    order=55,
    when=lambda person: any(m.role == Role.supporter for m in person.memberships),
)

ERRORS = {
    "person_not_found": lambda: _("No member of this area found: check the number or address"),
    "person_ambiguous": lambda: _(
        "Several people share this phone number: enter their member number instead"
    ),
    "already_supporter": lambda: _("This person is already a supporter here"),
    "module_not_found": lambda: _("Choose the training they completed"),
    "date_in_future": lambda: _("The date cannot be in the future"),
    "module_name_taken": lambda: _("This training is already on the list"),
}


def coordinated_area(area_id: int) -> Area:
    """The area, for its coordinators and admins only (403 for everyone else)."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.coordinator)
    return area


def supporter_in(area: Area, person_id: int) -> Person:
    """A supporter of the area, or 404."""
    person = db.get_or_404(Person, person_id, options=[selectinload(Person.memberships)])
    require_or_404(person.role_in(area.id) == Role.supporter)
    return person


@bp.get("/supporters")
@role_required(Role.coordinator)
def index():
    """Supporters by area: how many are certified, due for renewal, lapsed."""
    ids = None if current_user.is_admin else current_user.area_ids_with(Role.coordinator)
    rows = queries.areas_summary(ids, today=today())
    if len(rows) == 1:
        return redirect(url_for("supporters.area", area_id=rows[0]["area"].id))
    return render("supporters/index.html", rows=rows)


@bp.get("/supporters/me")
@role_required(Role.supporter)
def mine():
    """A supporter's own page: straight to it when they support one area."""
    memberships = [m for m in current_user.memberships if m.role == Role.supporter]
    if len(memberships) == 1:
        return redirect(url_for(".show", area_id=memberships[0].area_id, person_id=current_user.id))
    day = today()
    statuses = {m.area_id: certification_status(m.certified_until, day) for m in memberships}
    return render("supporters/mine.html", memberships=memberships, statuses=statuses)


@bp.route("/areas/<int:area_id>/supporters", methods=["GET", "POST"])
@role_required(Role.coordinator)
def area(area_id: int):
    """An area's supporters with their certification; making a member a supporter."""
    area = coordinated_area(area_id)
    form = AppointSupporterForm()
    if form.validate_on_submit():
        try:
            person = services.appoint_supporter(area, form.identifier.data, actor=current_user)
        except services.SupporterError as error:
            form.identifier.errors.append(ERRORS[error.code]())
        else:
            flash(_("%(name)s is now a supporter.", name=person.display_name), "success")
            return redirect(url_for(".show", area_id=area.id, person_id=person.id))
    rows, module_count = queries.supporters_of(area, today=today())
    status = 422 if form.errors else 200
    return render(
        "supporters/area.html", area=area, rows=rows, modules=module_count, form=form, status=status
    )


def _training_page(area, person, *, form=None, certify_error=None, done=None, status=200):
    """The supporter page, or its training section alone for htmx."""
    day = today()
    lines, history = queries.training_record(area, person, today=day)
    may_manage = current_user.has_role(Role.coordinator, area.id)
    if form is None and may_manage:
        form = TrainingRecordForm(formdata=None, completed_on=day)
    if form is not None:
        form.set_modules([line.module for line in lines], current_lang())
    membership = next(m for m in person.memberships if m.area_id == area.id)
    return render(
        "supporters/show.html",
        "supporters/_training.html",
        area=area,
        person=person,
        membership=membership,
        certification=certification_status(membership.certified_until, day),
        lines=lines,
        history=history,
        form=form,
        may_manage=may_manage,
        certify_error=certify_error,
        certify_until=services.add_months(day, area.certification_months),
        lapsing_days=LAPSING_SOON_DAYS,
        done_message=done,
        desk=queries.desk_registrations(person, viewer=current_user, today=day),
        activity=queries.helps_and_events(person, now=clock.now()),
        status=status,
    )


@bp.get("/areas/<int:area_id>/supporters/<int:person_id>")
@login_required
def show(area_id: int, person_id: int):
    """One supporter: training, certification and help-desk activity."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.supporter)
    person = supporter_in(area, person_id)
    require_or_404(person.id == current_user.id or current_user.has_role(Role.coordinator, area.id))
    return _training_page(area, person)


@bp.post("/areas/<int:area_id>/supporters/<int:person_id>/training")
@role_required(Role.coordinator)
def record(area_id: int, person_id: int):
    """Record a completed training module (htmx: the training section comes back)."""
    area = coordinated_area(area_id)
    person = supporter_in(area, person_id)
    form = TrainingRecordForm().set_modules(services.training_modules(area), current_lang())
    if form.validate_on_submit():
        try:
            services.record_training(
                area,
                person,
                module_id=form.module.data,
                completed_on=form.completed_on.data,
                actor=current_user,
                today=today(),
            )
        except services.SupporterError as error:
            field = form.completed_on if error.code == "date_in_future" else form.module
            field.errors.append(ERRORS[error.code]())
        else:
            if is_partial():  # the section is replaced in place: say so there
                return _training_page(area, person, done=_("Training recorded."))
            flash(_("Training recorded."), "success")
            return redirect(url_for(".show", area_id=area.id, person_id=person.id) + "#training")
    return _training_page(area, person, form=form, status=422)


@bp.post("/areas/<int:area_id>/supporters/<int:person_id>/training/<int:record_id>/remove")
@role_required(Role.coordinator)
def remove_record(area_id: int, person_id: int, record_id: int):
    """Remove a training record keyed in by mistake."""
    area = coordinated_area(area_id)
    person = supporter_in(area, person_id)
    record = db.get_or_404(TrainingRecord, record_id)
    require_or_404(record.person_id == person.id and record.module.area_id == area.id)
    services.remove_training_record(area, record, actor=current_user)
    flash(_("Training record removed."), "success")
    return redirect(url_for(".show", area_id=area.id, person_id=person.id) + "#training")


@bp.post("/areas/<int:area_id>/supporters/<int:person_id>/certify")
@role_required(Role.coordinator)
def certify(area_id: int, person_id: int):
    """Certify (or renew) a supporter whose training is complete."""
    area = coordinated_area(area_id)
    person = supporter_in(area, person_id)
    try:
        membership = services.certify(area, person, actor=current_user, today=today())
    except services.SupporterError as error:
        return _training_page(area, person, certify_error=error.modules, status=422)
    flash(
        _(
            "%(name)s is certified until %(date)s.",
            name=person.display_name,
            date=format_date_long(membership.certified_until),
        ),
        "success",
    )
    return redirect(url_for(".show", area_id=area.id, person_id=person.id))


@bp.post("/areas/<int:area_id>/supporters/<int:person_id>/end")
@role_required(Role.coordinator)
def end_role(area_id: int, person_id: int):
    """Stop being a supporter here (back to member; the certification ends)."""
    area = coordinated_area(area_id)
    person = supporter_in(area, person_id)
    services.end_supporter_role(area, person, actor=current_user)
    flash(_("%(name)s is no longer a supporter.", name=person.display_name), "success")
    return redirect(url_for(".area", area_id=area.id))


# The area's training list and certification period --------------------------------------


def _training_list(area, *, module_form=None, period_form=None, status=200):
    return render(
        "supporters/training.html",
        area=area,
        modules=services.training_modules(area),
        module_form=module_form or ModuleForm(formdata=None),
        period_form=period_form or PeriodForm(formdata=None, months=area.certification_months),
        status=status,
    )


@bp.get("/areas/<int:area_id>/training")
@role_required(Role.coordinator)
def training(area_id: int):
    """The area's training modules and how long a certification lasts."""
    return _training_list(coordinated_area(area_id))


@bp.post("/areas/<int:area_id>/training")
@role_required(Role.coordinator)
def add_module(area_id: int):
    """Add a training module to the area's list."""
    area = coordinated_area(area_id)
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            module = services.add_module(
                area, name=form.name.data, name_en=form.name_en.data or None, actor=current_user
            )
        except services.SupporterError as error:
            form.name.errors.append(ERRORS[error.code]())
        else:
            flash(_("%(name)s added to the training.", name=module.name), "success")
            return redirect(url_for(".training", area_id=area.id))
    return _training_list(area, module_form=form, status=422)


def _module_of(area: Area, module_id: int) -> TrainingModule:
    module = db.get_or_404(TrainingModule, module_id)
    require_or_404(module.area_id == area.id and module.is_active)
    return module


@bp.route("/areas/<int:area_id>/training/<int:module_id>/edit", methods=["GET", "POST"])
@role_required(Role.coordinator)
def edit_module(area_id: int, module_id: int):
    """Rename a training module."""
    area = coordinated_area(area_id)
    module = _module_of(area, module_id)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        try:
            services.update_module(
                module, name=form.name.data, name_en=form.name_en.data or None, actor=current_user
            )
        except services.SupporterError as error:
            form.name.errors.append(ERRORS[error.code]())
        else:
            flash(_("Training saved."), "success")
            return redirect(url_for(".training", area_id=area.id))
    status = 422 if form.errors else 200
    return render("supporters/edit_module.html", area=area, module=module, form=form, status=status)


@bp.post("/areas/<int:area_id>/training/<int:module_id>/remove")
@role_required(Role.coordinator)
def remove_module(area_id: int, module_id: int):
    """Take a module off the list (people's records of it stay)."""
    area = coordinated_area(area_id)
    module = _module_of(area, module_id)
    services.remove_module(module, actor=current_user)
    flash(_("%(name)s removed from the training.", name=module.name), "success")
    return redirect(url_for(".training", area_id=area.id))


@bp.post("/areas/<int:area_id>/training/period")
@role_required(Role.coordinator)
def set_period(area_id: int):
    """Change how many months a certification lasts."""
    area = coordinated_area(area_id)
    form = PeriodForm()
    if form.validate_on_submit():
        services.set_certification_period(area, months=form.months.data, actor=current_user)
        flash(_("Certification period saved."), "success")
        return redirect(url_for(".training", area_id=area.id))
    return _training_list(area, period_form=form, status=422)


@bp.errorhandler(services.SupporterError)
def _gone_meanwhile(_error):
    """E.g. another coordinator ended the role a moment ago: the supporter is not found."""
    return current_app.handle_http_exception(NotFound())
