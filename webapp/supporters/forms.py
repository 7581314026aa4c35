"""Forms for supporters: appointing, recording training, the module list and the period."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from ..web.fields import DateText, IntegerText, TextField
from .services import MAX_MONTHS, MIN_MONTHS


class AppointSupporterForm(FlaskForm):
    identifier = TextField(
        _l("Member number, phone number or e-mail address of the member"),
        description=_l("The person must already be a member of this area."),
        validators=[
            InputRequired(_l("Enter the member's member number, phone or e-mail")),
            Length(max=254),
        ],
    )


def _id_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TrainingRecordForm(FlaskForm):
    module = RadioField(
        _l("Which training did they complete?"),
        coerce=_id_or_none,
        validate_choice=False,  # checked below, with a message that says what to do
        validators=[InputRequired(_l("Choose the training they completed"))],
    )
    completed_on = DateText(
        _l("Date completed"),
        description=_l("For example 2026-11-22"),
        validators=[InputRequired(_l("Enter the date the training was completed"))],
    )

    def validate_module(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose the training they completed"))

    def set_modules(self, modules, lang: str) -> "TrainingRecordForm":
        self.module.choices = [(m.id, m.display_name(lang)) for m in modules]
        return self


class ModuleForm(FlaskForm):
    name = TextField(
        _l("Name of the training (Japanese)"),
        description=_l("For example 子どもの安全と応急手当"),
        validators=[InputRequired(_l("Enter the name of the training")), Length(max=80)],
    )
    name_en = TextField(
        _l("Name of the training (English)"),
        description=_l("Optional. Shown on English pages."),
        validators=[Optional(), Length(max=80)],
    )


class PeriodForm(FlaskForm):
    months = IntegerText(
        _l("Certification lasts (months)"),
        description=_l("Supporters take the training again before renewal. Usually 24."),
        validators=[InputRequired(_l("Enter the number of months"))],
        minimum=MIN_MONTHS,
        maximum=MAX_MONTHS,
    )
