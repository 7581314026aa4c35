"""Registration forms. The self sign-up steps and the help-desk page share their fields and
rules: the desk page is the steps on one page, in the paper form's order and numbering.

Every form normalises Japanese input (see webapp/text.py) and keeps what was typed.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..clock import today
from ..web.fields import (
    EmailText,
    KanaField,
    MonthField,
    NotesField,
    PhoneField,
    PostalCodeField,
    TextField,
    YearField,
)
from .entries import AdultEntry, Applicant, ChildEntry, child_birth_problem

TOO_LONG = _l("This is too long: check what you typed")

BIRTH_MESSAGES = {
    "birth_in_future": _l("The year and month of birth cannot be in the future"),
    "child_too_old": _l("Only children aged 18 or younger can be registered"),
    "birth_month_invalid": _l("Enter the month as a number from 1 to 12"),
}

# The paper form and the help-desk page number their fields alike (see print/registration).
NUMBERS = {
    "name": 1,
    "kana": 2,
    "display_name": 3,
    "phone": 4,
    "email": 5,
    "postal_code": 6,
    "address": 7,
    "adults": 8,
    "children": 9,
    "consents": 10,
    "consent_method": 11,
}


def _name(label, required_message, hint=None):
    return TextField(
        label,
        description=hint,
        validators=[DataRequired(required_message), Length(max=80, message=TOO_LONG)],
    )


def _kana(label, required_message):
    return KanaField(
        label,
        description=_l("In hiragana or katakana, for example やまだ はなこ"),
        validators=[DataRequired(required_message), Length(max=120, message=TOO_LONG)],
    )


# Fields are made by functions so that each form lists them in its own page order (WTForms
# orders fields by when they were created).
def full_name_field():
    return _name(_l("Full name"), _l("Enter the full name"), _l("For example 山田 花子"))


def kana_field():
    return _kana(_l("Full name in kana (furigana)"), _l("Enter the reading of the name in kana"))


def display_name_field(*, required: bool):
    if required:
        hint = _l(
            "Neighbours see this name, for example はなこ or 山田. The full name is seen only "
            "by supporters and coordinators of the area."
        )
        first = DataRequired(_l("Enter the name shown on the site"))
    else:
        hint = _l("Neighbours see this name. If left empty, the full name is shown.")
        first = Optional()
    return TextField(
        _l("Name shown on the site"),
        description=hint,
        validators=[first, Length(max=40, message=TOO_LONG)],
    )


def phone_field():
    return PhoneField(
        _l("Phone number"),
        description=_l("Mobile or home phone, for example 090-1234-5678."),
        validators=[Optional()],
    )


def email_field():
    return EmailText(
        _l("E-mail address"),
        description=_l("Without e-mail, a supporter phones when there is news."),
        validators=[Optional(), Length(max=254, message=TOO_LONG)],
    )


def postal_code_field():
    return PostalCodeField(
        _l("Postal code"),
        description=_l("For example 336-0967"),
        validators=[DataRequired(_l("Enter the postal code"))],
    )


def address_field():
    return TextField(
        _l("Address"),
        description=_l("For example さいたま市緑区美園1-2-3 美園ハイツ101"),
        validators=[DataRequired(_l("Enter the address")), Length(max=200, message=TOO_LONG)],
    )


def check_contact(form) -> bool:
    """A phone number or an e-mail address (or both): someone must be able to reach them."""
    if form.phone.data or form.email.data:
        return True
    form.phone.errors = [*form.phone.errors, _l("Enter a phone number or an e-mail address")]
    return False


def consent_fields():
    return (
        BooleanField(
            _l("I agree to the terms of use"),
            validators=[DataRequired(_l("Agree to the terms of use to join"))],
        ),
        BooleanField(
            _l("I agree to the privacy notice, including how personal data is used"),
            validators=[DataRequired(_l("Agree to the privacy notice to join"))],
        ),
        BooleanField(
            _l("I have read the insurance notice"),
            validators=[DataRequired(_l("Confirm that you have read the insurance notice"))],
        ),
    )


# Step 1: about you ------------------------------------------------------------------------
class AboutForm(FlaskForm):
    name = full_name_field()
    kana = kana_field()
    display_name = display_name_field(required=True)


# Step 2: how to reach you -----------------------------------------------------------------
class ContactForm(FlaskForm):
    phone = phone_field()
    email = email_field()
    postal_code = postal_code_field()
    address = address_field()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return check_contact(self) and ok


# Step 3: home area ------------------------------------------------------------------------
class AreaForm(FlaskForm):
    area_id = RadioField(
        _l("Home area"),
        coerce=int,
        validators=[InputRequired(_l("Choose the home area"))],
    )

    def set_areas(self, areas, lang: str) -> None:
        self.area_id.choices = [SelectChoice(a.id, a.display_name(lang)) for a in areas]


# Steps 4 and 5: other adults and children (one at a time) ---------------------------------
class AdultForm(FlaskForm):
    about_others = True  # inline checks: not the user's own name (no autocomplete)
    name = _name(_l("Full name of the adult"), _l("Enter the adult's full name"))
    kana = _kana(_l("Name in kana (furigana)"), _l("Enter the reading of the adult's name"))

    def entry(self) -> AdultEntry:
        return AdultEntry(name=self.name.data, kana=self.kana.data)


def _check_birth(form) -> bool:
    year, month = form.birth_year.year, form.birth_month.month
    if year is None or month is None:
        return True
    problem = child_birth_problem(year, month, today=today())
    if problem:
        form.birth_year.errors = [*form.birth_year.errors, BIRTH_MESSAGES[problem]]
        return False
    return True


class ChildForm(FlaskForm):
    about_others = True
    name = _name(_l("Child's name"), _l("Enter the child's name"))
    kana = _kana(_l("Child's name in kana (furigana)"), _l("Enter the reading of the child's name"))
    birth_year = YearField(
        _l("Year of birth"),
        description=_l("For example 2021 or 令和3年"),
        validators=[DataRequired(_l("Enter the year of birth"))],
    )
    birth_month = MonthField(
        _l("Month of birth"),
        description=_l("1 to 12"),
        validators=[DataRequired(_l("Enter the month of birth"))],
    )
    care_notes = NotesField(
        _l("Care notes (sensitive)"),
        description=_l(
            "Allergies, illness or anything a helper must know. Only the helper of an "
            "accepted request can read this."
        ),
        validators=[Optional(), Length(max=1000, message=TOO_LONG)],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return _check_birth(self) and ok

    def entry(self) -> ChildEntry:
        return ChildEntry(
            name=self.name.data,
            kana=self.kana.data,
            birth_year=self.birth_year.year,
            birth_month=self.birth_month.month,
            care_notes=self.care_notes.data or None,
        )


# Step 6: consents -------------------------------------------------------------------------
class ConsentForm(FlaskForm):
    terms, privacy, insurance = consent_fields()


# The help desk: everything on one page, as on the paper form ------------------------------
class AdultRow(Form):
    """An optional row: once anything is typed, both name and reading are needed."""

    name = TextField(_l("Full name"), validators=[Length(max=80, message=TOO_LONG)])
    kana = KanaField(_l("Name in kana"), validators=[Length(max=120, message=TOO_LONG)])

    def used(self) -> bool:
        return any(f.data for f in (self.name, self.kana))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.used():
            return ok
        for f, message in (
            (self.name, _l("Enter the full name")),
            (self.kana, _l("Enter the reading in kana")),
        ):
            if not f.data and not f.errors:
                f.errors = [message]
                ok = False
        return ok

    def entry(self) -> AdultEntry:
        return AdultEntry(name=self.name.data, kana=self.kana.data)


class ChildRow(Form):
    name = TextField(_l("Child's name"), validators=[Length(max=80, message=TOO_LONG)])
    kana = KanaField(_l("Name in kana"), validators=[Length(max=120, message=TOO_LONG)])
    birth_year = YearField(_l("Year of birth"))
    birth_month = MonthField(_l("Month of birth"))
    care_notes = NotesField(
        _l("Care notes (sensitive)"), validators=[Length(max=1000, message=TOO_LONG)]
    )

    REQUIRED = {
        "name": _l("Enter the child's name"),
        "kana": _l("Enter the reading of the child's name"),
        "birth_year": _l("Enter the year of birth"),
        "birth_month": _l("Enter the month of birth"),
    }

    def used(self) -> bool:
        return any(f.data for f in self)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.used():
            return ok
        for name, message in self.REQUIRED.items():
            f = self[name]
            if not f.data and not f.errors:
                f.errors = [message]
                ok = False
        return _check_birth(self) and ok

    entry = ChildForm.entry


CONSENT_METHOD_LABELS = {
    "paper": _l("The resident signed the paper form"),
    "in_person": _l("In person, on this screen: I read the notices with the resident"),
}


class DeskForm(FlaskForm):
    """The whole registration on one page, for supporters at a desk or keying paper forms:
    the same fields, order and numbers as the paper form."""

    numbered = True  # labels start with the paper form's numbers (NUMBERS)
    name = full_name_field()
    kana = kana_field()
    display_name = display_name_field(required=False)
    phone = phone_field()
    email = email_field()
    postal_code = postal_code_field()
    address = address_field()
    adult_1 = FormField(AdultRow)
    adult_2 = FormField(AdultRow)
    child_1 = FormField(ChildRow)
    child_2 = FormField(ChildRow)
    child_3 = FormField(ChildRow)
    child_4 = FormField(ChildRow)
    terms, privacy, insurance = consent_fields()
    consent_method = RadioField(
        _l("How was consent given?"),
        choices=[SelectChoice(k, v) for k, v in CONSENT_METHOD_LABELS.items()],
        validators=[InputRequired(_l("Choose how the resident gave consent"))],
    )

    @property
    def adult_rows(self):
        return [self.adult_1, self.adult_2]

    @property
    def child_rows(self):
        return [self.child_1, self.child_2, self.child_3, self.child_4]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return check_contact(self) and ok

    def applicant(self) -> Applicant:
        return Applicant(
            name=self.name.data,
            kana=self.kana.data,
            display_name=self.display_name.data or self.name.data[:40],
            phone=self.phone.phone,
            email=self.email.data or None,
            postal_code=self.postal_code.data,
            address=self.address.data,
            adults=[row.form.entry() for row in self.adult_rows if row.form.used()],
            children=[row.form.entry() for row in self.child_rows if row.form.used()],
        )
