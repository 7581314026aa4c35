"""The self sign-up wizard's steps: what each asks, in which order, and how the answers kept
in a draft become a registration. Answers are stored as typed and read back through the same
forms, so the rules run in one place whether a step is shown, sent or checked at the end.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..areas.models import Area
from ..extensions import db
from ..households.models import Person
from .drafts import RegistrationDraft
from .entries import Applicant
from .forms import AboutForm, AdultForm, AreaForm, ChildForm, ConsentForm, ContactForm
from .services import RegistrationError, register_household

STEPS = ("about", "contact", "area", "adults", "children", "consents")
FORMS = {
    "about": AboutForm,
    "contact": ContactForm,
    "area": AreaForm,
    "consents": ConsentForm,
    "adults": AdultForm,
    "children": ChildForm,
}
LIST_STEPS = {"adults", "children"}


def typed_values(form) -> dict:
    """What was typed into `form`, field by field (empty fields left out)."""
    values = {}
    for field in form:
        if field.type == "CSRFTokenField" or not field.raw_data:
            continue
        if field.raw_data[0] not in ("", None):
            values[field.name] = str(field.raw_data[0])
    return values


def form_from(step: str, values: dict | None, *, areas=(), lang="ja"):
    """The step's form filled with saved answers (not validated)."""
    form = FORMS[step](formdata=MultiDict(values or {}), meta={"csrf": False})
    if step == "area":
        form.set_areas(areas, lang)
    return form


def all_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else "check"


def previous_step(step: str) -> str | None:
    index = len(STEPS) if step == "check" else STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


@dataclass
class Review:
    """The draft read back: valid forms per step, or the first step that needs answers."""

    forms: dict
    adults: list
    children: list
    area: Area | None
    incomplete: str | None


def review(draft: RegistrationDraft, *, lang: str) -> Review:
    answers = draft.answers or {}
    areas = all_areas()
    forms, lists, incomplete = {}, {}, None
    for step in STEPS:
        if step in LIST_STEPS:
            lists[step] = [form_from(step, values) for values in answers.get(step, [])]
            ok = all([f.validate() for f in lists[step]])
        else:
            forms[step] = form_from(step, answers.get(step), areas=areas, lang=lang)
            ok = forms[step].validate()
        if incomplete is None and not (ok and step in answers):
            incomplete = step
    area = None
    if not forms["area"].area_id.errors and forms["area"].area_id.data is not None:
        area = next((a for a in areas if a.id == forms["area"].area_id.data), None)
    return Review(forms, lists["adults"], lists["children"], area, incomplete)


def applicant_from(result: Review) -> Applicant:
    about, contact = result.forms["about"], result.forms["contact"]
    return Applicant(
        name=about.name.data,
        kana=about.kana.data,
        display_name=about.display_name.data,
        phone=contact.phone.phone,
        email=contact.email.data or None,
        postal_code=contact.postal_code.data,
        address=contact.address.data,
        adults=[f.entry() for f in result.adults],
        children=[f.entry() for f in result.children],
    )


def complete_signup(draft: RegistrationDraft, result: Review, *, now: datetime) -> Person:
    """Register the household from a reviewed draft and delete the draft, in one transaction.

    Raises RegistrationError (see services) with nothing saved.
    """
    if result.incomplete or result.area is None:
        raise RegistrationError("incomplete")
    db.session.delete(draft)
    try:
        return register_household(
            applicant_from(result),
            area=result.area,
            via="self",
            consent_method="online",
            now=now,
        )
    except RegistrationError:
        db.session.rollback()
        raise
