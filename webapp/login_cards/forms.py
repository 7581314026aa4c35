"""Forms for login cards: printing one at the desk, typing a card's code."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..web.fields import TextField

LAYOUTS = {
    "a4": _l("A4 sheet with a card to cut out, and instructions"),
    "a6": _l("A6 card only"),
}


class CardForm(FlaskForm):
    identity_checked = BooleanField(
        _l("I have checked who this person is (an ID card, or I know them well)"),
        validators=[DataRequired(_l("Check who the person is before printing a card"))],
    )
    layout = RadioField(
        _l("Paper"),
        choices=[SelectChoice(k, v) for k, v in LAYOUTS.items()],
        default="a4",
        validators=[InputRequired(_l("Choose the paper"))],
    )
    lang = RadioField(
        _l("Language of the card"),
        choices=[SelectChoice("ja", "日本語"), SelectChoice("en", "English")],
        default="ja",
        validators=[InputRequired(_l("Choose the language of the card"))],
    )


class CodeForm(FlaskForm):
    code = TextField(
        _l("Code on your login card"),
        description=_l("12 letters and numbers, for example ACEF-HJKM-NPRT"),
        validators=[
            DataRequired(_l("Enter the code on your login card")),
            Length(max=40, message=_l("This is too long: check what you typed")),
        ],
    )
