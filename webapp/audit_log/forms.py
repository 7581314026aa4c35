"""The audit log's filters (a GET form: no CSRF token, the URL can be bookmarked)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Length, Optional

from ..audit import ACTIONS
from ..web.fields import DateText, TextField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    who = TextField(
        _l("Who did it"),
        description=_l("A name or member number"),
        validators=[Optional(), Length(max=80)],
    )
    about = TextField(
        _l("About or for whom"),
        description=_l("A name or member number: the person it was about or done for"),
        validators=[Optional(), Length(max=80)],
    )
    action = SelectField(_l("What"), validators=[Optional()])
    area = SelectField(_l("Area"), validators=[Optional()])
    date_from = DateText(_l("From"), validators=[Optional()])
    date_to = DateText(_l("Until"), validators=[Optional()])

    def set_choices(self, areas, lang: str, *, everything: bool) -> "AuditFilterForm":
        actions = sorted(ACTIONS.items(), key=lambda item: str(item[1].title))
        self.action.choices = [("", _l("Everything"))] + [
            (name, label.title) for name, label in actions
        ]
        self.area.choices = [("", _l("All areas") if everything else _l("All my areas"))] + [
            (str(a.id), a.display_name(lang)) for a in areas
        ]
        return self

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if start and end and end < start:
            self.date_to.errors.append(_l("The end date must not be before the start date"))
            ok = False
        return ok

    def filters(self) -> dict:
        return {
            "who": self.who.data or None,
            "about": self.about.data or None,
            "action": self.action.data or None,
            "area_id": int(self.area.data) if self.area.data else None,
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
