"""Normalising what people type, the Japanese way: accept, then store one form.

Full-width digits and letters become half-width (NFKC); hyphens of every width and the long
vowel mark that people type for a hyphen in numbers are removed from phone numbers and postal
codes; spaces inside names are kept as one ordinary space.
"""

import re
import unicodedata

import phonenumbers

# Characters people type for a hyphen in numbers, after NFKC (which already turned － into -).
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u2043\ufe63"
_HYPHEN_RE = re.compile(f"[{re.escape(HYPHENS)}]")
_SPACE_RE = re.compile(r"\s+")


def nfkc(value: str | None) -> str:
    """NFKC, collapsed spaces (ideographic spaces included), trimmed."""
    if value is None:
        return ""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def strip_separators(value: str | None) -> str:
    """For numbers: NFKC, then no hyphens, spaces, brackets or dots."""
    text = nfkc(value)
    text = _HYPHEN_RE.sub("", text)
    return re.sub(r"[\s().]", "", text)


class InvalidPhone(ValueError):
    pass


def normalize_phone(value: str | None) -> str:
    """A Japanese phone number as digits only ('09012345678'); raises InvalidPhone.

    Accepts mobile (070/080/090), IP (050), landlines and free-dial numbers, with or without
    hyphens, in full or half width, and with the +81 country code.
    """
    text = strip_separators(value)
    if text.startswith("+81"):
        text = "0" + text[3:]
    if not text.isdigit():
        raise InvalidPhone(value)
    try:
        parsed = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(value) from exc
    if not phonenumbers.is_valid_number_for_region(parsed, "JP"):
        raise InvalidPhone(value)
    return text


def format_phone(digits: str | None) -> str:
    """Digits shown the way Japanese people write them: 090-1234-5678, 0480-12-3456."""
    if not digits:
        return ""
    try:
        parsed = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalize_email(value: str | None) -> str:
    return nfkc(value).lower()


def looks_like_email(value: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) is not None
