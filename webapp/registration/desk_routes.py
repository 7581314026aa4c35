"""The help desk: supporters and coordinators register residents of their areas, key in paper
forms, find residents and act for them (with the "on behalf of" banner)."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..areas.models import Area, Role
from ..clock import now
from ..events.models import Event
from ..extensions import db
from ..households.models import Person
from ..i18n import current_lang
from ..pdf import pdf_response
from ..web.auth import require_area_role, require_or_404, role_required
from ..web.htmx import render
from ..web.templating import add_nav_item
from . import assist
from .blueprint import bp
from .forms import BIRTH_MESSAGES, NUMBERS, DeskForm
from .inline import render_checked_field
from .services import RegistrationError, find_duplicates, register_household

add_nav_item("registration.desk", _l("Help desk"), role=Role.supporter, order=70)

MODES = {"desk": "registration.desk_register", "paper": "registration.desk_paper"}
DESK_ERRORS = {
    "email_taken": ("email", _l("Another account already uses this e-mail address")),
    "contact_missing": ("phone", _l("Enter a phone number or an e-mail address")),
    "kana_invalid": ("kana", _l("Write the reading in hiragana or katakana")),
}


def _desk_areas() -> list[Area]:
    ids = assist.desk_area_ids(current_user)
    query = select(Area).order_by(Area.name)
    if ids is not None:
        query = query.where(Area.id.in_(ids))
    return list(db.session.scalars(query))


@bp.get("/help-desk")
@role_required(Role.supporter)
def desk():
    """The help desk: register a resident, key in a paper form, or find a resident."""
    areas = _desk_areas()
    query = request.args.get("q", "")[:100]
    ids = assist.desk_area_ids(current_user)
    found = assist.find_residents(ids, query) if query.strip() else None
    return render(
        "registration/desk/index.html",
        "registration/desk/_results.html",
        areas=areas,
        query=query,
        found=found,
        limit=20,
    )


def _set_error(form: DeskForm, error: RegistrationError) -> None:
    if error.code in BIRTH_MESSAGES and error.index is not None:
        row = [r for r in form.child_rows if r.form.used()][error.index]
        row.form.birth_year.errors = [BIRTH_MESSAGES[error.code]]
    elif error.code in DESK_ERRORS:
        name, message = DESK_ERRORS[error.code]
        form[name].errors = [*form[name].errors, message]
    else:
        form.form_errors.append(_("This registration could not be saved. Check every field."))


def _prefill(mode: str) -> dict:
    """Pre-filled from the query (e.g. "register this walk-in" on an event page)."""
    data = {k: request.args.get(k, "")[:120] for k in ("name", "kana", "phone")}
    data["consent_method"] = "paper" if mode == "paper" else "in_person"
    return data


def _register(form: DeskForm, area: Area, mode: str, event_id: int | None):
    """(the new person, []) once registered; (None, possible duplicates) or (None, []) with
    the errors on the form otherwise. Duplicates are shown until the supporter confirms."""
    applicant = form.applicant()
    if not request.form.get("not_duplicate"):
        duplicates = find_duplicates(
            area, phone=applicant.phone, name=applicant.name, kana=applicant.kana
        )
        if duplicates:
            return None, duplicates
    try:
        person = register_household(
            applicant,
            area=area,
            via=mode,
            consent_method=form.consent_method.data,
            actor=current_user,
            event_id=event_id,
            now=now(),
        )
    except RegistrationError as error:
        _set_error(form, error)
        return None, []
    return person, []


def _desk_page(area_id: int, mode: str):
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.supporter)
    event_id = request.args.get("event_id", type=int)
    if event_id is not None:  # a walk-in of one of this area's events
        event = db.session.get(Event, event_id)
        require_or_404(event is not None and event.area_id == area.id)
    form = DeskForm() if request.method == "POST" else DeskForm(data=_prefill(mode))
    person, duplicates = None, []
    if request.method == "POST" and form.validate():
        person, duplicates = _register(form, area, mode, event_id)
    if person is not None:
        assist.start_assisting(person, actor=current_user)
        flash(_("%(name)s is registered.", name=person.name), "success")
        return redirect(url_for("registration.desk_person", person_id=person.id))
    return render(
        "registration/desk/register.html",
        form=form,
        area=area,
        mode=mode,
        action=url_for(MODES[mode], area_id=area.id, event_id=event_id),
        check_url=url_for("registration.desk_check", area_id=area.id),
        duplicates=duplicates,
        on_behalf_name=form.name.data or None,
        status=422 if form.errors else 200,
    )


@bp.route("/help-desk/areas/<int:area_id>/register", methods=["GET", "POST"])
@role_required(Role.supporter)
def desk_register(area_id: int):
    """Register a resident sitting at the desk (optionally a walk-in at an event: name, kana,
    phone and event_id in the query pre-fill the page)."""
    return _desk_page(area_id, "desk")


@bp.route("/help-desk/areas/<int:area_id>/paper", methods=["GET", "POST"])
@role_required(Role.supporter)
def desk_paper(area_id: int):
    """Key in a signed paper registration form, field by field in the same order."""
    return _desk_page(area_id, "paper")


@bp.post("/help-desk/areas/<int:area_id>/check")
@role_required(Role.supporter)
def desk_check(area_id: int):
    """htmx: check the field just left on the desk page; returns that field."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.supporter)
    fragment = render_checked_field(
        DeskForm(),
        request.headers.get("HX-Trigger-Name"),
        check_url=url_for("registration.desk_check", area_id=area.id),
        desk_area=area,
    )
    if fragment is None:
        abort(404)
    return fragment


@bp.get("/help-desk/people/<int:person_id>")
@role_required(Role.supporter)
def desk_person(person_id: int):
    """A resident at the desk: their details, household, login card and what to do next."""
    from ..login_cards.services import latest_card

    person = assist.load_resident(person_id)
    entered_by = db.session.get(Person, person.created_by_id) if person.created_by_id else None
    return render(
        "registration/desk/person.html",
        person=person,
        entered_by=entered_by,
        card=latest_card(person),
        assisting=assist.assisted_person() == person,
    )


@bp.post("/help-desk/people/<int:person_id>/assist")
@role_required(Role.supporter)
def start_assisting(person_id: int):
    """Start acting for this resident: the banner shows on every page until finished."""
    person = assist.load_resident(person_id)
    assist.start_assisting(person, actor=current_user)
    return redirect(url_for("registration.desk_person", person_id=person.id))


@bp.post("/help-desk/finish")
@role_required(Role.supporter)
def finish_assisting():
    """Stop acting for the resident (the banner goes away)."""
    person = assist.finish_assisting(actor=current_user)
    if person is not None:
        flash(_("You finished helping %(name)s.", name=person.name), "success")
    return redirect(url_for("registration.desk"))


@bp.get("/help-desk/areas/<int:area_id>/paper-form.pdf")
@role_required(Role.supporter)
def paper_form(area_id: int):
    """The blank paper registration form of the area (A4 PDF), in Japanese or English."""
    area = db.get_or_404(Area, area_id)
    require_area_role(area.id, Role.supporter)
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_lang()
    with force_locale(lang):
        return pdf_response(
            "print/registration/paper_form.html",
            f"otagai-registration-form-{lang}.pdf",
            area=area,
            form=DeskForm(formdata=None, meta={"csrf": False}),
            numbers=NUMBERS,
        )
