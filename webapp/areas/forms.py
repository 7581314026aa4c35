"""Forms for areas: settings, appointing coordinators."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..text import InvalidPostalCode, postal_code_prefixes
from ..web.fields import EmailText, IntegerText, PhoneField, TextField
from .models import AUDIENCE_LABELS, RequestAudience


class AreaForm(FlaskForm):
    name = TextField(
        _l("Area name (Japanese)"),
        description=_l("For example 美園 or 日野市（一般）"),
        validators=[InputRequired(_l("Enter the area's name")), Length(max=80)],
    )
    name_en = TextField(
        _l("Area name (English)"),
        description=_l("Optional. Shown on English pages."),
        validators=[Optional(), Length(max=80)],
    )
    help_phone = PhoneField(
        _l("Help desk phone number"),
        description=_l("Printed on flyers and login cards."),
        validators=[Optional()],
    )
    postal_code_prefixes = TextField(
        _l("Postal codes of the area"),
        description=_l(
            "The beginnings of the area's postal codes, separated by commas, for example "
            "336-09, 337-0003. A postal code typed at sign-up then suggests this area."
        ),
        validators=[Optional(), Length(max=1000)],
    )
    thank_you_min_yen = IntegerText(
        _l("Recommended thank-you per hour, from (yen)"),
        validators=[InputRequired(_l("Enter the lowest recommended thank-you"))],
        minimum=0,
        maximum=100_000,
        default=500,
    )
    thank_you_max_yen = IntegerText(
        _l("Recommended thank-you per hour, up to (yen)"),
        validators=[InputRequired(_l("Enter the highest recommended thank-you"))],
        minimum=0,
        maximum=100_000,
        default=700,
    )
    insured_age_min = IntegerText(
        _l("Insured children: youngest age"),
        validators=[InputRequired(_l("Enter the youngest insured age"))],
        minimum=0,
        maximum=18,
        default=1,
    )
    insured_age_max = IntegerText(
        _l("Insured children: oldest age"),
        validators=[InputRequired(_l("Enter the oldest insured age"))],
        minimum=0,
        maximum=18,
        default=18,
    )
    request_audience = RadioField(
        _l("Who may see pick-up and childcare requests"),
        choices=[SelectChoice(a.value, AUDIENCE_LABELS[a]) for a in RequestAudience],
        default=RequestAudience.connections.value,
        validators=[InputRequired(_l("Choose who may see requests"))],
    )
    cancellation_note = TextAreaField(
        _l("Cancellation rule"),
        description=_l("For example: free of charge until the day before."),
        validators=[Optional(), Length(max=1000)],
    )
    kpi_households = IntegerText(_l("Target: households"), validators=[Optional()], minimum=0)
    kpi_members = IntegerText(_l("Target: members"), validators=[Optional()], minimum=0)
    kpi_supporters = IntegerText(
        _l("Target: certified supporters"), validators=[Optional()], minimum=0
    )
    kpi_events = IntegerText(
        _l("Target: exchange events a year"), validators=[Optional()], minimum=0
    )
    kpi_completed_requests = IntegerText(
        _l("Target: completed requests a year"), validators=[Optional()], minimum=0
    )

    def validate_postal_code_prefixes(self, field):
        try:
            self.prefixes = postal_code_prefixes(field.data)
        except InvalidPostalCode as error:
            # gettext, not _l: a lazy string counts as safe HTML, and this one carries
            # what was typed.
            raise ValidationError(
                _(
                    "“%(part)s” is not the beginning of a postal code: use digits, "
                    "for example 336-09",
                    part=str(error),
                )
            ) from None

    def validate(self, extra_validators=None):
        self.prefixes = []
        ok = super().validate(extra_validators)
        lo, hi = self.thank_you_min_yen.data, self.thank_you_max_yen.data
        if lo is not None and hi is not None and lo > hi:
            self.thank_you_max_yen.errors.append(
                _l("The highest thank-you must not be lower than the lowest")
            )
            ok = False
        lo, hi = self.insured_age_min.data, self.insured_age_max.data
        if lo is not None and hi is not None and lo > hi:
            self.insured_age_max.errors.append(
                _l("The oldest age must not be lower than the youngest")
            )
            ok = False
        return ok

    def settings(self) -> dict:
        return {
            "name": self.name.data,
            "name_en": self.name_en.data or None,
            "help_phone": self.help_phone.phone,
            "postal_code_prefixes": " ".join(self.prefixes) or None,
            "thank_you_min_yen": self.thank_you_min_yen.data,
            "thank_you_max_yen": self.thank_you_max_yen.data,
            "insured_age_min": self.insured_age_min.data,
            "insured_age_max": self.insured_age_max.data,
            "request_audience": RequestAudience(self.request_audience.data),
            "cancellation_note": (self.cancellation_note.data or "").strip() or None,
            "kpi_households": self.kpi_households.data,
            "kpi_members": self.kpi_members.data,
            "kpi_supporters": self.kpi_supporters.data,
            "kpi_events": self.kpi_events.data,
            "kpi_completed_requests": self.kpi_completed_requests.data,
        }


class AppointForm(FlaskForm):
    identifier = TextField(
        _l("Member number, phone number or e-mail address of the person"),
        description=_l("The person must already have an account."),
        validators=[
            InputRequired(_l("Enter the person's member number, phone or e-mail")),
            Length(max=254),
        ],
    )


class NewCoordinatorForm(FlaskForm):
    name = TextField(
        _l("Full name"),
        validators=[InputRequired(_l("Enter the full name")), Length(max=80)],
    )
    kana = TextField(_l("Name in kana"), validators=[Optional(), Length(max=120)])
    display_name = TextField(
        _l("Name shown on the site"),
        description=_l("For example 「美園市民センター 田中」"),
        validators=[InputRequired(_l("Enter the name shown on the site")), Length(max=40)],
    )
    phone = PhoneField(_l("Phone number"), validators=[Optional()])
    email = EmailText(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    password = PasswordField(
        _l("First password"),
        description=_l("At least 8 characters. Tell it to the person privately."),
        validators=[
            InputRequired(_l("Enter a password")),
            Length(min=8, max=200, message=_l("Enter at least 8 characters")),
        ],
    )
