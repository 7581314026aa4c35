"""The offer form (できること) and the filters of the offers list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..help_requests.forms import KIND_CHOICES, ListFilterForm
from ..help_requests.models import RequestKind
from ..web.fields import MultiCheckboxField, TextField
from .models import WEEKDAY_LABELS
from .services import days_to_bits


class OfferForm(FlaskForm):
    kind = RadioField(
        _l("What kind of help can you give?"),
        choices=KIND_CHOICES,
        validators=[InputRequired(_l("Choose the kind of help"))],
    )
    title = TextField(
        _l("In a few words, what can you do?"),
        description=_l("For example: pick-ups on weekday evenings"),
        validators=[
            InputRequired(_l("Enter a few words about what you can do")),
            Length(max=60, message=_l("Use 60 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("More about it"),
        validators=[Optional(), Length(max=1000, message=_l("Use 1,000 characters or fewer"))],
    )
    days = MultiCheckboxField(
        _l("Usual days"),
        coerce=int,
        choices=[SelectChoice(i, label) for i, label in enumerate(WEEKDAY_LABELS)],
        description=_l("Leave empty if any day can be arranged."),
    )
    times = TextField(
        _l("Usual times"),
        description=_l("For example: 17:00 to 19:00"),
        validators=[Optional(), Length(max=60, message=_l("Use 60 characters or fewer"))],
    )
    area_id = SelectField(_l("Area"), coerce=int, validate_choice=True)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = [SelectChoice(a.id, a.display_name()) for a in areas]

    def fields(self) -> dict:
        return {
            "kind": RequestKind(self.kind.data),
            "title": self.title.data,
            "description": (self.description.data or "").strip() or None,
            "days": days_to_bits(self.days.data or []),
            "times": self.times.data or None,
        }


class OfferFilterForm(ListFilterForm):
    """Kind and day, as for requests, and words to look for."""

    q = TextField(
        _l("Words to look for"),
        description=_l("For example: stroller"),
        validators=[Optional(), Length(max=60, message=_l("Use 60 characters or fewer"))],
    )
