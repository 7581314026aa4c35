"""Form fields that accept Japanese input as people type it and normalise it.

Each field keeps the raw text for redisplay (`raw_data`) and puts the normalised value in
`data`, so that a failed form shows exactly what was typed.
"""

import re
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, TextInput, TimeInput

from ..text import (
    InvalidDate,
    InvalidKana,
    InvalidPhone,
    InvalidPostalCode,
    nfkc,
    nfkc_multiline,
    normalize_email,
    normalize_kana,
    normalize_month,
    normalize_phone,
    normalize_postal_code,
    normalize_year,
    strip_separators,
)


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


class _ParsedText(StringField):
    """A value typed as text and read into a Python object (`data`); what was typed stays in
    `raw_data`. Unreadable text is shown back as typed in a plain text input (a date or time
    input could not hold it) with an error."""

    _text_widget = TextInput()
    message = None

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._unreadable = False

    def parse(self, text: str):
        raise TypeError("subclasses read the text")

    def process_formdata(self, valuelist):
        text = nfkc(valuelist[0] if valuelist else "").replace(" ", "")
        self.data, self._unreadable = None, False
        if not text:
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None
        self._unreadable = self.data is None

    def pre_validate(self, form):
        if self._unreadable:
            raise ValidationError(self.message)

    def __call__(self, **kwargs):
        if self._unreadable:
            return self._text_widget(self, **kwargs)
        return super().__call__(**kwargs)


_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_TIME_RE = re.compile(r"(\d{1,2})(?:[:時](\d{2})?分?|(\d{2}))(?::\d{2})?")


class DateText(_ParsedText):
    """A date: 2026-11-22 (what date pickers send), 2026/11/22 or 2026年11月22日, any width.
    Shown as `<input type="date">` so that phones offer a calendar; `data` is a date."""

    widget = DateInput()
    message = _l("Enter a date like 2026-11-22")

    def parse(self, text):
        match = _DATE_RE.fullmatch(text)
        return date(*(int(part) for part in match.groups())) if match else None

    def _value(self):
        if self.raw_data and (self._unreadable or self.data is None):
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class TimeText(_ParsedText):
    """A time of day: 10:00, 10:30, 10時30分, 15時 or 1530, any width. `data` is a time."""

    widget = TimeInput()
    message = _l("Enter a time like 10:00 or 13:30")

    def parse(self, text):
        match = _TIME_RE.fullmatch(text)
        if not match:
            return None
        return time(int(match.group(1)), int(match.group(2) or match.group(3) or 0))

    def _value(self):
        if self.raw_data and (self._unreadable or self.data is None):
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


class KanaField(TextField):
    """A reading in hiragana or katakana; `data` becomes katakana ('ヤマダ ハナコ')."""

    def pre_validate(self, form):
        if not self.data:
            return
        try:
            self.data = normalize_kana(self.data)
        except InvalidKana as error:
            if error.kanji:
                # gettext, not _l: a lazy string counts as safe HTML (it has __html__), and
                # this message carries what the person typed.
                raise ValidationError(
                    _(
                        "Write the reading in hiragana or katakana, not in kanji "
                        "(「%(kanji)s」 is kanji)",
                        kanji=error.kanji,
                    )
                ) from None
            raise ValidationError(
                _l("Write the reading in hiragana or katakana, for example やまだ はなこ")
            ) from None


class PostalCodeField(TextField):
    """A Japanese postal code; `data` becomes seven digits ('3360967')."""

    def pre_validate(self, form):
        if not self.data:
            return
        try:
            self.data = normalize_postal_code(self.data)
        except InvalidPostalCode:
            raise ValidationError(_l("Enter a postal code of 7 digits, like 336-0967")) from None


class NotesField(TextAreaField):
    """Free text on several lines, normalised with NFKC; what was typed stays for redisplay."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = nfkc_multiline(self.data) if self.data is not None else None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return super()._value()


class YearField(TextField):
    """A year: 2021, ２０２１年, 令和3年, R3 or 平成元年. `year` holds the number."""

    year = None

    def pre_validate(self, form):
        self.year = None
        if not self.data:
            return
        try:
            self.year = normalize_year(self.data)
        except InvalidDate:
            raise ValidationError(_l("Enter the year like 2021 or 令和3年")) from None


class MonthField(TextField):
    """A month: 4, ０４ or 4月. `month` holds the number."""

    month = None

    def pre_validate(self, form):
        self.month = None
        if not self.data:
            return
        try:
            self.month = normalize_month(self.data)
        except InvalidDate:
            raise ValidationError(_l("Enter the month as a number from 1 to 12")) from None
