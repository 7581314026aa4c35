"""Profile forms: one's details, household, children, password, account deletion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from ..accounts.services import MIN_PASSWORD_LENGTH
from ..registration.forms import (
    address_field,
    check_contact,
    display_name_field,
    email_field,
    full_name_field,
    kana_field,
    phone_field,
    postal_code_field,
)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 8 characters. Do not tell it to anyone, supporters included."),
        validators=[
            InputRequired(_l("Enter a new password")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Enter at least 8 characters"),
            ),
        ],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Enter the new password again")),
            EqualTo("password", message=_l("The two passwords are not the same")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password")), Length(max=200)],
    )


class DetailsForm(FlaskForm):
    """The account holder's own details and the household's address."""

    name = full_name_field()
    kana = kana_field()
    display_name = display_name_field(required=True)
    phone = phone_field()
    email = email_field()
    postal_code = postal_code_field()
    address = address_field()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return check_contact(self) and ok


class DeleteForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: my account and my household's data will be deleted for good"),
        validators=[DataRequired(_l("Tick the box to confirm"))],
    )
