"""Forms: an event's details, signing up (guests, members, staff), walk-ins, cancelling,
copying, the picture, event staff and the note written afterwards."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .. import clock
from ..text import nfkc
from ..web.fields import DateText, EmailText, IntegerText, PhoneField, TextField, TimeText
from .models import CAPACITY_UNIT_LABELS, CapacityUnit, Event, SignupSource
from .queries import to_katakana
from .signups import Party

MAX_PARTY = 20


def _optional_text(field) -> str | None:
    return (field.data or "").strip() or None


class EventForm(FlaskForm):
    area_id = SelectField(_l("Area"), coerce=int, validate_choice=True)
    title = TextField(
        _l("Title"),
        description=_l("For example 「親子ふれあい交流会」"),
        validators=[InputRequired(_l("Enter a title")), Length(max=120)],
    )
    description = TextAreaField(
        _l("What happens at the event"), validators=[Optional(), Length(max=3000)]
    )
    day = DateText(_l("Date"), validators=[InputRequired(_l("Enter the date of the event"))])
    starts = TimeText(_l("Starts at"), validators=[InputRequired(_l("Enter the start time"))])
    ends = TimeText(_l("Ends at"), validators=[InputRequired(_l("Enter the end time"))])
    venue = TextField(
        _l("Venue"),
        description=_l("For example 美園コミュニティセンター 2階 和室"),
        validators=[InputRequired(_l("Enter the venue")), Length(max=120)],
    )
    address = TextField(_l("Address of the venue"), validators=[Optional(), Length(max=200)])
    audience = TextField(
        _l("Who it is for"),
        description=_l("For example: parents of children aged 0 to 3, and grandparents"),
        validators=[Optional(), Length(max=200)],
    )
    capacity = IntegerText(
        _l("Capacity"),
        validators=[InputRequired(_l("Enter how many can come"))],
        minimum=1,
        maximum=10_000,
    )
    capacity_unit = RadioField(
        _l("The capacity counts"),
        choices=[SelectChoice(u.value, CAPACITY_UNIT_LABELS[u]) for u in CapacityUnit],
        default=CapacityUnit.groups.value,
        validators=[InputRequired(_l("Choose what the capacity counts"))],
    )
    fee_yen = IntegerText(
        _l("Fee per family (yen)"),
        description=_l("0 for a free event"),
        validators=[InputRequired(_l("Enter the fee, or 0 if it is free"))],
        minimum=0,
        maximum=100_000,
        default=0,
    )
    childcare_available = BooleanField(_l("Childcare at the venue"))
    what_to_bring = TextField(_l("What to bring"), validators=[Optional(), Length(max=300)])
    signup_deadline = DateText(
        _l("Signup deadline"),
        description=_l(
            "Signups are taken until the end of this day. Leave empty: until the start."
        ),
        validators=[Optional()],
    )
    contact_phone = PhoneField(
        _l("Phone number for signups and questions"),
        description=_l("Leave empty to use the area's help desk number."),
        validators=[Optional()],
    )
    organiser = TextField(
        _l("Organiser"),
        description=_l("For example 美園子育てネットワーク"),
        validators=[Optional(), Length(max=120)],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.starts.data and self.ends.data and self.ends.data <= self.starts.data:
            self.ends.errors.append(_l("The end time must be after the start time"))
            ok = False
        deadline, day = self.signup_deadline.data, self.day.data
        if deadline and day and deadline > day:
            self.signup_deadline.errors.append(
                _l("The signup deadline must be on or before the day of the event")
            )
            ok = False
        return ok

    def fill_from(self, event: Event) -> None:
        """Show an event's details (the edit page, on GET)."""
        self.process(obj=event)
        local_start = event.starts_at.astimezone(clock.TOWN_TZ)
        self.day.data = local_start.date()
        self.starts.data = local_start.time()
        self.ends.data = event.ends_at.astimezone(clock.TOWN_TZ).time()
        self.capacity_unit.data = event.capacity_unit.value

    def values(self) -> dict:
        """Exactly managing.FIELDS."""
        return {
            "title": self.title.data,
            "description": _optional_text(self.description),
            "venue": self.venue.data,
            "address": self.address.data or None,
            "starts_at": datetime.combine(self.day.data, self.starts.data, tzinfo=clock.TOWN_TZ),
            "ends_at": datetime.combine(self.day.data, self.ends.data, tzinfo=clock.TOWN_TZ),
            "audience": self.audience.data or None,
            "capacity": self.capacity.data,
            "capacity_unit": CapacityUnit(self.capacity_unit.data),
            "fee_yen": self.fee_yen.data,
            "childcare_available": bool(self.childcare_available.data),
            "what_to_bring": self.what_to_bring.data or None,
            "signup_deadline": self.signup_deadline.data,
            "contact_phone": self.contact_phone.phone,
            "organiser": self.organiser.data or None,
        }


def _name_field():
    return TextField(
        _l("Full name"),
        validators=[InputRequired(_l("Enter the full name")), Length(max=80)],
    )


def _kana_field():
    return TextField(
        _l("Name in kana"),
        description=_l("For example やまだ はなこ"),
        validators=[Optional(), Length(max=120)],
    )


def _adults_field():
    return IntegerText(
        _l("Number of adults"),
        validators=[InputRequired(_l("Enter the number of adults"))],
        minimum=0,
        maximum=MAX_PARTY,
        default=1,
    )


def _children_field():
    return IntegerText(
        _l("Number of children"),
        validators=[InputRequired(_l("Enter the number of children, or 0"))],
        minimum=0,
        maximum=MAX_PARTY,
        default=0,
    )


def _ages_field():
    return TextField(
        _l("Ages of the children"),
        description=_l("For example: 2, 5 (years old; 0 for a baby)"),
        validators=[Optional(), Length(max=100)],
    )


class PartyRules:
    """Checks and the Party shared by the signup, staff signup and walk-in forms (each
    declares its fields itself, in the order of its page and of the paper sheet)."""

    def ages(self) -> list[int]:
        return [int(n) for n in re.findall(r"\d+", nfkc(self.children_ages.data))]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        adults, children = self.adults.data, self.children.data
        if adults is not None and children is not None and adults + children == 0:
            self.adults.errors.append(_l("At least one person must come"))
            ok = False
        ages = self.ages()
        if ages and children is not None and len(ages) != children:
            self.children_ages.errors.append(
                _l("Enter one age for each child (%(n)s children)", n=children)
            )
            ok = False
        elif any(age > 18 for age in ages):
            self.children_ages.errors.append(_l("Enter ages from 0 to 18"))
            ok = False
        return ok

    def party(self, *, locale: str) -> Party:
        return Party(
            name=self.name.data,
            kana=to_katakana(self.kana.data) if self.kana.data else None,
            phone=self.phone.phone,
            adults=self.adults.data,
            children=self.children.data,
            children_ages=sorted(self.ages()),
            locale=locale,
        )


class SignupForm(PartyRules, FlaskForm):
    name = _name_field()
    kana = _kana_field()
    phone = PhoneField(
        _l("Phone number"),
        description=_l("We call this number if a place becomes free or plans change."),
        validators=[InputRequired(_l("Enter a phone number"))],
    )
    email = EmailText(
        _l("E-mail address"),
        description=_l("Only if you would like e-mails about this signup."),
        validators=[Optional(), Length(max=254)],
    )
    adults = _adults_field()
    children = _children_field()
    children_ages = _ages_field()
    childcare_needed = BooleanField(_l("I would like childcare at the venue"))
    allergies = TextAreaField(
        _l("Allergies"),
        description=_l("For example: egg allergy (child, 3 years old)"),
        validators=[Optional(), Length(max=500)],
    )
    accessibility = TextAreaField(
        _l("Anything else we should prepare"),
        description=_l("For example: wheelchair, a place to park a stroller, an interpreter"),
        validators=[Optional(), Length(max=500)],
    )

    def party(self, *, locale: str) -> Party:
        party = super().party(locale=locale)
        party.email = self.email.data or None
        party.childcare_needed = bool(self.childcare_needed.data)
        party.allergies = _optional_text(self.allergies)
        party.accessibility = _optional_text(self.accessibility)
        return party


class StaffSignupForm(SignupForm):
    source = RadioField(
        _l("How did the signup come in?"),
        choices=[
            SelectChoice(SignupSource.phone.value, _l("By phone")),
            SelectChoice(SignupSource.desk.value, _l("At a help desk")),
        ],
        default=SignupSource.phone.value,
        validators=[InputRequired(_l("Choose how the signup came in"))],
    )


class WalkInForm(PartyRules, FlaskForm):
    """In the order of the blank rows of the signup sheet."""

    name = _name_field()
    kana = _kana_field()
    phone = PhoneField(_l("Phone number"), validators=[Optional()])
    adults = _adults_field()
    children = _children_field()
    children_ages = _ages_field()
    wants_membership = BooleanField(
        _l("Would like to register as a member"),
        description=_l("A supporter registers them at the help desk."),
    )

    def party(self, *, locale: str) -> Party:
        party = super().party(locale=locale)
        party.wants_membership = bool(self.wants_membership.data)
        return party


class CancelForm(FlaskForm):
    code = TextField(
        _l("Signup code"),
        description=_l("The 6 letters and numbers on your confirmation, for example K7M4QX"),
        validators=[InputRequired(_l("Enter your signup code")), Length(max=20)],
    )
    phone = PhoneField(
        _l("Phone number you signed up with"),
        validators=[InputRequired(_l("Enter the phone number you signed up with"))],
    )


class CopyForm(FlaskForm):
    starts_on = DateText(
        _l("Date of the new event"),
        description=_l("Everything else is copied; you can change it before publishing."),
        validators=[InputRequired(_l("Enter the date of the new event"))],
    )


class PictureForm(FlaskForm):
    picture = FileField(
        _l("Picture"),
        description=_l("A photo or drawing (JPEG, PNG, GIF or WebP, up to 8 MB)."),
        validators=[FileRequired(_l("Choose a picture"))],
    )


class StaffMemberForm(FlaskForm):
    identifier = TextField(
        _l("Member number or phone number of the supporter"),
        validators=[
            InputRequired(_l("Enter the supporter's member number or phone")),
            Length(max=254),
        ],
    )


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Note after the event"),
        description=_l("How it went, and what to change next time."),
        validators=[Optional(), Length(max=3000)],
    )
