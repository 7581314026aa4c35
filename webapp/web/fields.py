"""Form fields that accept Japanese input as people type it and normalise it.

Each field keeps the raw text for redisplay (`raw_data`) and puts the normalised value in
`data`, so that a failed form shows exactly what was typed.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError
from wtforms.widgets import DateInput, TextInput

from ..text import InvalidPhone, nfkc, normalize_email, normalize_phone, strip_separators


class TextField(StringField):
    """Text normalised with NFKC (full-width letters and digits, ideographic spaces)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = nfkc(self.data) if self.data is not None else None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return super()._value()


class IntegerText(StringField):
    """A whole number typed as text: full-width digits, commas and 円 accepted.

    `data` is the number (None when empty); what was typed stays in `raw_data`.
    """

    def __init__(self, label=None, validators=None, *, minimum=None, maximum=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self._unreadable = False

    def process_formdata(self, valuelist):
        text = strip_separators(valuelist[0] if valuelist else "")
        text = text.replace(",", "").replace("円", "").replace("¥", "").replace("\\", "")
        self._unreadable = bool(text) and not re.fullmatch(r"[0-9]{1,9}", text)
        self.data = None if self._unreadable or not text else int(text)

    def pre_validate(self, form):
        if self._unreadable:
            raise ValidationError(_l("Enter a whole number, for example 500"))
        if self.data is None:
            return
        if self.minimum is not None and self.data < self.minimum:
            raise ValidationError(_l("Enter %(n)s or more", n=self.minimum))
        if self.maximum is not None and self.data > self.maximum:
            raise ValidationError(_l("Enter %(n)s or less", n=self.maximum))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class PhoneField(TextField):
    """A Japanese phone number; `phone` holds the digits after validation."""

    phone = None

    def pre_validate(self, form):
        self.phone = None
        if not self.data:
            return
        try:
            self.phone = normalize_phone(self.data)
        except InvalidPhone:
            raise ValidationError(
                _l("Enter a phone number like 090-1234-5678 or 048-123-4567")
            ) from None


class EmailText(TextField):
    def pre_validate(self, form):
        if not self.data:
            return
        self.data = normalize_email(self.data)
        if "@" not in self.data or "." not in self.data.split("@")[-1]:
            raise ValidationError(_l("Enter an e-mail address like name@example.jp"))


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class DateText(StringField):
    """A date, shown as `<input type="date">` (browsers send 2026-11-22).

    Where the browser has no date picker people type it: 2026-11-22, 2026/11/22 and
    2026年11月22日 are all read, in full or half width. `data` is a `date` (None when empty);
    what was typed stays in `raw_data`.
    """

    widget = DateInput()
    _text_widget = TextInput()  # to give back unreadable text as typed (not a valid date value)

    def __call__(self, **kwargs):
        if self._unreadable:
            return self._text_widget(self, **kwargs)
        return super().__call__(**kwargs)

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._unreadable = False

    def process_formdata(self, valuelist):
        text = nfkc(valuelist[0] if valuelist else "")
        self._unreadable = False
        self.data = None
        if not text:
            return
        match = _DATE_RE.fullmatch(text)
        try:
            self.data = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:
            self.data = None
        self._unreadable = self.data is None

    def pre_validate(self, form):
        if self._unreadable:
            raise ValidationError(_l("Enter a real date, for example 2026-11-22"))

    def _value(self):
        if self.data is not None:
            return self.data.isoformat()
        return self.raw_data[0] if self.raw_data else ""
