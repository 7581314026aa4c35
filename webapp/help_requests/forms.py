"""Forms for requests: posting, filtering lists, the pre-meeting, the report, cancelling."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..i18n import current_lang
from ..threads.models import MAX_MESSAGE_LENGTH
from ..web.fields import DateText, IntegerText, MultiCheckboxField, TextField, TimeText
from .models import AUDIENCE_LABELS, CARE_KINDS, KIND_LABELS, Audience, RequestKind
from .posting import Draft, recommended_thank_you

KIND_CHOICES = [SelectChoice(k.value, KIND_LABELS[k]) for k in RequestKind]
KIND_FILTER_CHOICES = [SelectChoice("", _l("All kinds")), *KIND_CHOICES]
KIND_FILTER_VALUES = frozenset(choice.value for choice in KIND_FILTER_CHOICES) | {None}
MAX_YEN = 100_000


class RequestForm(FlaskForm):
    kind = RadioField(
        _l("What kind of help do you need?"),
        choices=KIND_CHOICES,
        validators=[InputRequired(_l("Choose the kind of help you need"))],
    )
    title = TextField(
        _l("In a few words, what do you need?"),
        description=_l("For example: pick-up from Misono nursery"),
        validators=[
            InputRequired(_l("Enter a few words about what you need")),
            Length(max=60, message=_l("Use 60 characters or fewer")),
        ],
    )
    day = DateText(_l("Date"), validators=[InputRequired(_l("Enter the date"))])
    start_time = TimeText(_l("From"), validators=[InputRequired(_l("Enter the start time"))])
    end_time = TimeText(_l("Until"), validators=[InputRequired(_l("Enter the end time"))])
    children = MultiCheckboxField(
        _l("Which children?"),
        coerce=int,
        description=_l("Needed for pick-ups and childcare."),
    )
    place_from = TextField(
        _l("From where?"),
        description=_l("For a pick-up: for example, Misono nursery"),
        validators=[Optional(), Length(max=120, message=_l("Use 120 characters or fewer"))],
    )
    place_to = TextField(
        _l("To where?"),
        description=_l("For example: our home (your helper sees the address once chosen)"),
        validators=[Optional(), Length(max=120, message=_l("Use 120 characters or fewer"))],
    )
    details = TextAreaField(
        _l("Anything else the helper should know"),
        validators=[Optional(), Length(max=1000, message=_l("Use 1,000 characters or fewer"))],
    )
    audience = RadioField(
        _l("Who may see this request?"),
        choices=[SelectChoice(a.value, AUDIENCE_LABELS[a]) for a in Audience if a != "person"],
        validate_choice=False,
    )
    thank_you_yen = IntegerText(
        _l("Thank-you in yen"),
        validators=[Optional()],
        minimum=0,
        maximum=MAX_YEN,
    )
    thank_you_note = TextField(
        _l("Or another thank-you"),
        description=_l("For example: homemade sweets"),
        validators=[Optional(), Length(max=200, message=_l("Use 200 characters or fewer"))],
    )
    first_offer_wins = BooleanField(_l("Accept the first person who offers (no need to choose)"))
    offer_id = HiddenField()

    def __init__(self, *args, household=None, offer=None, default_audience=None, **kwargs):
        super().__init__(*args, **kwargs)
        children = household.children if household is not None else []
        self.children.choices = [SelectChoice(c.id, c.name) for c in children]
        self.offer = offer
        if offer is not None:
            self.audience.validators = [Optional()]
        else:
            self.audience.validators = [InputRequired(_l("Choose who may see this request"))]
        if not self.is_submitted():
            if offer is not None:
                self.kind.data = offer.kind.value
                self.title.data = offer.title
                self.offer_id.data = str(offer.id)
            if default_audience is not None:
                self.audience.data = default_audience.value

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.audience.data and self.audience.data not in {a.value for a in Audience}:
            self.audience.errors.append(_l("Choose who may see this request"))
            ok = False
        return ok

    def recommended(self, area) -> tuple[float, int, int] | None:
        """(hours, lowest, highest) recommended thank-you for a pick-up or childcare whose
        times are typed and make sense; None otherwise."""
        kind, start, end = self.kind.data, self.start_time.data, self.end_time.data
        if kind not in {k.value for k in CARE_KINDS} or start is None or end is None:
            return None
        hours = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60
        if hours <= 0:
            return None
        return (hours, *recommended_thank_you(area, hours))

    def draft(self, children_by_id: dict) -> Draft:
        return Draft(
            kind=RequestKind(self.kind.data),
            title=self.title.data,
            day=self.day.data,
            start=self.start_time.data,
            end=self.end_time.data,
            children=[children_by_id[i] for i in self.children.data or [] if i in children_by_id],
            audience=Audience(self.audience.data) if self.audience.data else None,
            details=(self.details.data or "").strip() or None,
            place_from=self.place_from.data or None,
            place_to=self.place_to.data or None,
            thank_you_yen=self.thank_you_yen.data,
            thank_you_note=self.thank_you_note.data or None,
            first_offer_wins=bool(self.first_offer_wins.data),
            offer=self.offer,
        )


class KindMenu(SelectField):
    """The kinds of request as a menu. Its options read the same for everyone in a language,
    so its HTML is kept per language, chosen kind and attributes: WTForms takes tens of
    microseconds per option, and every list page shows the menu."""

    _html: dict = {}

    def __call__(self, **kwargs):
        attributes = tuple(sorted(kwargs.items()))
        if self.data not in KIND_FILTER_VALUES or not all(
            isinstance(value, str | int | bool) for _name, value in attributes
        ):  # what someone typed in the address, or unusual attributes: made as usual
            return super().__call__(**kwargs)
        key = (current_lang(), self.id, self.name, self.data, attributes)
        html = self._html.get(key)
        if html is None:
            html = self._html[key] = super().__call__(**kwargs)
        return html


class ListFilterForm(FlaskForm):
    """Filters of a list (a GET form: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    kind = KindMenu(
        _l("Kind"),
        choices=KIND_FILTER_CHOICES,
        validators=[Optional()],
        validate_choice=False,
    )
    day = DateText(_l("Day"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_filter_choices(current_lang())

    def kind_value(self) -> RequestKind | None:
        try:
            return RequestKind(self.kind.data) if self.kind.data else None
        except ValueError:
            return None


@lru_cache(maxsize=4)
def _kind_filter_choices(lang: str) -> tuple[SelectChoice, ...]:
    """The kind menu of the list filters in the request's language, translated once: every
    list page shows it, and a lazy label costs a translation lookup each time it prints."""
    return tuple(SelectChoice(choice.value, str(choice.label)) for choice in KIND_FILTER_CHOICES)


class OfferToHelpForm(FlaskForm):
    message = TextAreaField(
        _l("A message to them"),
        description=_l("For example: I can come. Where shall we meet?"),
        validators=[
            Optional(),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("Use 1,000 characters or fewer")),
        ],
    )


class PremeetingForm(FlaskForm):
    emergency_contact = BooleanField(
        _l("We told each other how to reach us in an emergency"),
        validators=[InputRequired(_l("Tick this when you have agreed an emergency contact"))],
    )
    allergies = BooleanField(
        _l("We talked about allergies, health and anything to be careful about"),
        validators=[InputRequired(_l("Tick this when you have talked about allergies and health"))],
    )
    handover = BooleanField(
        _l("We agreed where and how to hand over the children"),
        validators=[InputRequired(_l("Tick this when you have agreed the handover place"))],
    )


class ReportForm(FlaskForm):
    started = TimeText(_l("Started at"), validators=[InputRequired(_l("Enter when it started"))])
    ended = TimeText(_l("Finished at"), validators=[InputRequired(_l("Enter when it finished"))])
    thank_you_yen = IntegerText(
        _l("Thank-you received, in yen"),
        description=_l("Enter 0 if you received none."),
        validators=[InputRequired(_l("Enter the thank-you you received, or 0"))],
        minimum=0,
        maximum=MAX_YEN,
    )
    notes = TextAreaField(
        _l("Anything to report"),
        description=_l("For example: she ate all her snack; slight cough in the evening."),
        validators=[Optional(), Length(max=1000, message=_l("Use 1,000 characters or fewer"))],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.ended.data <= self.started.data:
            self.ended.errors.append(_l("The finishing time must be after the start"))
            ok = False
        return ok


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you cancelling?"),
        description=_l("The other person will see this."),
        validators=[
            InputRequired(_l("Enter why you are cancelling")),
            Length(max=500, message=_l("Use 500 characters or fewer")),
        ],
    )
