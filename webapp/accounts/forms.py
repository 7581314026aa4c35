"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    identifier = StringField(
        _l("Member number, phone number or e-mail address"),
        description=_l("For example 12345678 or 090-1234-5678"),
        validators=[
            InputRequired(_l("Enter your member number, phone number or e-mail address")),
            Length(max=254, message=_l("This is too long: check what you typed")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(max=200, message=_l("This is too long: check what you typed")),
        ],
    )
    remember = BooleanField(
        _l("Stay signed in on this device"),
        description=_l("Only on your own phone or computer, not at a help desk."),
    )
