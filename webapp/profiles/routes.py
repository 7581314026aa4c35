"""Profile pages: one's own details, household and children, password, data and deletion.

The household pages also serve supporters acting for a resident at the help desk
(/help-desk/people/<id>/...): the same views, with the resident as the subject, the banner,
and audit entries naming both.
"""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from ..accounts.services import may_stay_signed_in
from ..clock import now
from ..extensions import db
from ..households.models import Child, Household, Person
from ..registration import assist
from ..registration.forms import BIRTH_MESSAGES, AdultForm, ChildForm
from ..text import format_phone, format_postal_code
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import erasure, export, services
from .forms import ChangePasswordForm, DeleteForm, DetailsForm, NewPasswordForm

bp = Blueprint("profiles", __name__)
add_nav_item("profiles.show", _l("Profile"), order=10)

DESK = "/help-desk/people/<int:person_id>"
ERRORS = {
    "email_taken": ("email", _l("Another account already uses this e-mail address")),
    "contact_missing": ("phone", _l("Enter a phone number or an e-mail address")),
    "wrong_password": ("current", _l("The current password is not right")),
    "password_too_short": ("password", _l("Enter at least 8 characters")),
    "too_many_children": ("name", _l("A household can have up to 10 children")),
    "too_many_adults": ("name", _l("A household can have up to 6 other adults")),
    **{code: ("birth_year", message) for code, message in BIRTH_MESSAGES.items()},
}


def _subject(person_id: int | None) -> Person:
    """The member themselves, or (at the help desk) a resident the supporter may assist."""
    if person_id is None:
        if not current_user.is_authenticated:
            abort(401)
        person_id = current_user.id
    else:
        assist.load_resident(person_id)  # 404 unless the supporter serves their area
    return db.session.get(
        Person,
        person_id,
        options=[
            selectinload(Person.memberships),
            selectinload(Person.household).selectinload(Household.adults),
            selectinload(Person.household).selectinload(Household.children),
        ],
    )


def _context(person: Person, person_id: int | None) -> dict:
    context = {"person": person, "person_id": person_id}
    if person_id is not None:
        context["on_behalf_name"] = person.name
    return context


def _field_error(form, error: services.ProfileError) -> None:
    name, message = ERRORS.get(error.code, ("name", _l("This could not be saved")))
    form[name].errors = [*form[name].errors, message]


def _back(person_id):
    return redirect(url_for("profiles.show", person_id=person_id))


@bp.get("/profile")
@bp.get(DESK + "/profile")
@login_required
def show(person_id: int | None = None):
    """Your details, household and children (or a resident's, at the help desk)."""
    person = _subject(person_id)
    return render("profiles/show.html", **_context(person, person_id))


@bp.route("/profile/details", methods=["GET", "POST"])
@bp.route(DESK + "/details", methods=["GET", "POST"])
@login_required
def details(person_id: int | None = None):
    """Change name, reading, display name, phone, e-mail and address."""
    person = _subject(person_id)
    form = DetailsForm(data=_details_data(person) if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {f.name: f.data for f in form if f.name != "csrf_token"}
        values["phone"], values["email"] = form.phone.phone, form.email.data or None
        try:
            services.update_details(person, actor=current_user, **values)
        except services.ProfileError as error:
            _field_error(form, error)
        else:
            flash(_("Saved."), "success")
            return _back(person_id)
    status = 422 if form.errors else 200
    return render("profiles/details.html", form=form, status=status, **_context(person, person_id))


def _details_data(person: Person) -> dict:
    household = person.household
    return {
        "name": person.name,
        "kana": person.kana,
        "display_name": person.display_name,
        "phone": format_phone(person.phone),
        "email": person.email,
        "postal_code": format_postal_code(household.postal_code) if household else "",
        "address": household.address if household else "",
    }


def _child(person: Person, child_id: int) -> Child:
    child = db.get_or_404(Child, child_id)
    if person.household_id is None or child.household_id != person.household_id:
        abort(404)
    return child


@bp.route("/profile/children/new", methods=["GET", "POST"])
@bp.route(DESK + "/children/new", methods=["GET", "POST"])
@bp.route("/profile/children/<int:child_id>/edit", methods=["GET", "POST"])
@bp.route(DESK + "/children/<int:child_id>/edit", methods=["GET", "POST"])
@login_required
def child(person_id: int | None = None, child_id: int | None = None):
    """Add a child, or change one's details (name, reading, birth, care notes)."""
    person = _subject(person_id)
    record = _child(person, child_id) if child_id else None
    form = ChildForm(data=_child_data(record) if record and request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if record is None:
                services.add_child(person, form.entry(), actor=current_user, now=now())
            else:
                services.update_child(person, record, form.entry(), actor=current_user, now=now())
        except services.ProfileError as error:
            _field_error(form, error)
        else:
            flash(_("Saved."), "success")
            return _back(person_id)
    status = 422 if form.errors else 200
    context = _context(person, person_id)
    return render("profiles/child.html", form=form, child=record, status=status, **context)


def _child_data(child: Child) -> dict:
    return {
        "name": child.name,
        "kana": child.kana,
        "birth_year": str(child.birth_year),
        "birth_month": str(child.birth_month),
        "care_notes": child.care_notes,
    }


@bp.post("/profile/children/<int:child_id>/remove")
@bp.post(DESK + "/children/<int:child_id>/remove")
@login_required
def remove_child(child_id: int, person_id: int | None = None):
    """Take a child off the household (e.g. grown up or moved away)."""
    person = _subject(person_id)
    services.remove_child(person, _child(person, child_id), actor=current_user)
    flash(_("Removed."), "success")
    return _back(person_id)


@bp.route("/profile/adults/new", methods=["GET", "POST"])
@bp.route(DESK + "/adults/new", methods=["GET", "POST"])
@login_required
def adult(person_id: int | None = None):
    """Add another adult of the household (without an account of their own)."""
    person = _subject(person_id)
    form = AdultForm()
    if form.validate_on_submit():
        try:
            services.add_adult(person, form.entry(), actor=current_user)
        except services.ProfileError as error:
            _field_error(form, error)
        else:
            flash(_("Saved."), "success")
            return _back(person_id)
    status = 422 if form.errors else 200
    return render("profiles/adult.html", form=form, status=status, **_context(person, person_id))


@bp.post("/profile/adults/<int:adult_id>/remove")
@bp.post(DESK + "/adults/<int:adult_id>/remove")
@login_required
def remove_adult(adult_id: int, person_id: int | None = None):
    """Take an adult without an account off the household."""
    person = _subject(person_id)
    adult = db.get_or_404(Person, adult_id)
    if person.household_id is None or adult.household_id != person.household_id:
        abort(404)
    try:
        services.remove_adult(person, adult, actor=current_user)
    except services.ProfileError:
        abort(404)
    flash(_("Removed."), "success")
    return _back(person_id)


def keep_this_device_signed_in(person: Person) -> None:
    """After a password change the session token rotated: sign this device in again."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    remember = cookie in request.cookies and may_stay_signed_in(person)
    login_user(person, remember=remember)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def password():
    """Change (or choose a first) password. Other devices are signed out."""
    person = current_user._get_current_object()
    form = ChangePasswordForm() if person.password_hash else NewPasswordForm()
    if form.validate_on_submit():
        current = form.current.data if "current" in form else None
        try:
            services.change_password(
                person, form.password.data, actor=person, current_password=current
            )
        except services.ProfileError as error:
            _field_error(form, error)
        else:
            keep_this_device_signed_in(person)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("profiles.show"))
    status = 422 if form.errors else 200
    return render("profiles/password.html", form=form, status=status)


@bp.get("/profile/data.<any(json, csv):fmt>")
@login_required
def download(fmt: str):
    """Everything the site holds about you and your household, as JSON or CSV."""
    data = export.export_data(_subject(None))
    if fmt == "json":
        response = current_app.response_class(
            current_app.json.dumps(data, indent=2, ensure_ascii=False),
            mimetype="application/json",
        )
    else:
        body = "\ufeff" + export.export_csv(data)  # the BOM makes Excel read UTF-8
        response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="otagai-my-data.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete your account and your household's data for good."""
    person = _subject(None)
    form = DeleteForm()
    if form.validate_on_submit():
        erasure.delete_account(person, now=now())
        logout_user()
        flash(
            _("Your account and your data have been deleted. Thank you for taking part."), "success"
        )
        return redirect(url_for("pages.home"))
    status = 422 if form.errors else 200
    return render("profiles/delete.html", form=form, status=status, **_context(person, None))
