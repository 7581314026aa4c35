"""Forms for connections: typing someone's code; a supporter connecting two people."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Length, Optional

from ..web.fields import TextField


class CodeForm(FlaskForm):
    code = TextField(
        _l("Their connection code"),
        description=_l("6 digits, shown on their connections page or printed card."),
        validators=[InputRequired(_l("Enter the 6-digit code")), Length(max=20)],
    )


class StaffConnectForm(FlaskForm):
    first = TextField(
        _l("First person: member number or phone number"),
        validators=[InputRequired(_l("Enter the first person's member number or phone"))],
    )
    second = TextField(
        _l("Second person: member number or phone number"),
        validators=[InputRequired(_l("Enter the second person's member number or phone"))],
    )
    agreed = BooleanField(
        _l("Both people are here with me and both want to be connected"),
        validators=[InputRequired(_l("Tick this only when both people are here and agree"))],
    )
    event_id = HiddenField(validators=[Optional()])

    def event(self) -> int | None:
        value = (self.event_id.data or "").strip()
        return int(value) if value.isdigit() else None
