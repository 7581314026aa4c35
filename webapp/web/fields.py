"""Form fields that accept Japanese input as people type it and normalise it.

Each field keeps the raw text for redisplay (`raw_data`) and puts the normalised value in
`data`, so that a failed form shows exactly what was typed.
"""

import re
from datetime import date, time

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

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


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes; the forms macro renders them in a fieldset like radios."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Choices are checked by the service (e.g. children of the household): a value that is
        # not offered any more gives a field error instead of an exception.
        if self.data:
            values = {str(getattr(c, "value", c)) for c in self.choices or []}
            if any(str(value) not in values for value in self.data):
                raise ValidationError(_l("Choose from the list"))


_DATE_RE = re.compile(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?")
_TIME_RE = re.compile(r"(\d{1,2})(?:[:時]|(?=\d{2}$))(\d{2})?分?")


class DateText(TextField):
    """A date: 2026-11-22 (what date pickers send), 2026/11/22 or 2026年11月22日, any width.

    Rendered with type="date" so that phones show a calendar; `data` is a date or None.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._unreadable = False
        self.value = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").replace(" ", "")
        self.value, self._unreadable = None, False
        if not text:
            return
        match = _DATE_RE.fullmatch(text)
        try:
            self.value = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:
            self.value = None
        self._unreadable = self.value is None

    def process_data(self, value):
        self.value = value if isinstance(value, date) else None
        self.data = value.isoformat() if isinstance(value, date) else value

    def pre_validate(self, form):
        if self._unreadable:
            raise ValidationError(_l("Enter a date like 2026-11-22"))

    def __call__(self, **kwargs):
        kwargs.setdefault("type", "date")
        return super().__call__(**kwargs)


class TimeText(TextField):
    """A time of day: 15:00, 15時, 1500, any width. `value` is a time or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._unreadable = False
        self.value = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").replace(" ", "")
        self.value, self._unreadable = None, False
        if not text:
            return
        match = _TIME_RE.fullmatch(text)
        try:
            self.value = time(int(match.group(1)), int(match.group(2) or 0)) if match else None
        except ValueError:
            self.value = None
        self._unreadable = self.value is None

    def process_data(self, value):
        self.value = value if isinstance(value, time) else None
        self.data = value.strftime("%H:%M") if isinstance(value, time) else value

    def pre_validate(self, form):
        if self._unreadable:
            raise ValidationError(_l("Enter a time like 15:30"))

    def __call__(self, **kwargs):
        kwargs.setdefault("type", "time")
        return super().__call__(**kwargs)
