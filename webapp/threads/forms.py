"""The message form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from .models import MAX_MESSAGE_LENGTH


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        description=_l("Plain text, up to 1,000 characters."),
        validators=[
            InputRequired(_l("Write your message")),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("Use 1,000 characters or fewer")),
        ],
    )
