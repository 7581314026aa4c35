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
# Control characters (other than white space) and lone surrogates: never stored. PostgreSQL
# refuses NUL in text, and nobody types the others on purpose.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def nfkc(value: str | None) -> str:
    """NFKC, collapsed spaces (ideographic spaces included), trimmed, no control characters."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", _CONTROL_RE.sub("", value))
    return _SPACE_RE.sub(" ", text).strip()


def nfkc_multiline(value: str | None) -> str:
    """For notes: NFKC and no control characters, but line breaks kept (at most one blank
    line in a row); spaces inside each line collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", _CONTROL_RE.sub("", value))
    lines = [_SPACE_RE.sub(" ", line).strip() for line in re.split(r"\r\n|\r|\n", text)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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


# Kana --------------------------------------------------------------------------------------
# Readings are stored in katakana: ヤマダ ハナコ. Hiragana, half-width katakana (NFKC) and the
# hyphens people type for the long vowel mark are accepted.
_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KATAKANA_OK = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb ]+")
_KANJI_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u3007]")


class InvalidKana(ValueError):
    """Not a kana reading. `kanji` lists the kanji found, for a readable message."""

    def __init__(self, value, kanji: str = ""):
        super().__init__(value)
        self.kanji = kanji


def hiragana_to_katakana(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if _HIRAGANA_START <= code <= _HIRAGANA_END or ch in "ゝゞ":
            out.append(chr(code + 0x60))
        else:
            out.append(ch)
    return "".join(out)


def normalize_kana(value: str | None) -> str:
    """A reading in katakana with single spaces ('ヤマダ ハナコ'); raises InvalidKana.

    Accepts hiragana, full- and half-width katakana, spaces of any width, and hyphens typed
    for the long vowel mark (ラ-メン becomes ラーメン). Empty input gives ''.
    """
    text = hiragana_to_katakana(nfkc(value))
    text = _HYPHEN_RE.sub("ー", text)
    if not text:
        return ""
    if not _KATAKANA_OK.fullmatch(text):
        kanji = "".join(dict.fromkeys(_KANJI_RE.findall(text)))
        raise InvalidKana(value, kanji=kanji)
    return text


# Postal codes ------------------------------------------------------------------------------
class InvalidPostalCode(ValueError):
    pass


def normalize_postal_code(value: str | None) -> str:
    """A Japanese postal code as 7 digits ('3360967'); raises InvalidPostalCode.

    Accepts 〒, full-width digits and any hyphen (336-0967, ３３６ー０９６７, 〒336 0967).
    """
    text = strip_separators(value).replace("〒", "")
    if not re.fullmatch(r"[0-9]{7}", text):
        raise InvalidPostalCode(value)
    return text


def format_postal_code(digits: str | None) -> str:
    """'3360967' shown as '336-0967'."""
    if not digits:
        return ""
    if len(digits) == 7 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:]}"
    return digits


def postal_code_prefixes(value: str | None) -> list[str]:
    """A list of postal-code beginnings typed as '336-09, 3370〒' becomes ['33609', '3370'].

    Separated by commas (、，,), spaces or new lines; each must be 1 to 7 digits once its hyphens
    are removed. Raises InvalidPostalCode naming the first one that is not.
    """
    parts = re.split(r"[,、，;\s]+", nfkc(value).replace("〒", ""))
    prefixes = []
    for part in parts:
        if not part:
            continue
        digits = _HYPHEN_RE.sub("", part)
        if not re.fullmatch(r"[0-9]{1,7}", digits):
            raise InvalidPostalCode(part)
        if digits not in prefixes:
            prefixes.append(digits)
    return prefixes


# Years and months of birth -------------------------------------------------------------------
# Japanese eras people still write birth years in: 令和3年 is 2021, 平成元年 is 1989.
ERAS = {
    "令和": 2019,
    "R": 2019,
    "平成": 1989,
    "H": 1989,
    "昭和": 1926,
    "S": 1926,
}
_YEAR_RE = re.compile(r"(?P<era>令和|平成|昭和|[RHS])?(?P<n>[0-9]{1,4}|元)年?(生まれ)?")


class InvalidDate(ValueError):
    pass


def normalize_year(value: str | None) -> int:
    """A year typed as 2021, ２０２１年, 令和3年, R3 or 平成元年; raises InvalidDate."""
    text = nfkc(value).replace(" ", "").upper()
    match = _YEAR_RE.fullmatch(text)
    if not match:
        raise InvalidDate(value)
    n = 1 if match["n"] == "元" else int(match["n"])
    era = match["era"]
    if era:
        if not 1 <= n <= 64:
            raise InvalidDate(value)
        return ERAS[era] + n - 1
    if match["n"] == "元" or not 1000 <= n <= 9999:
        raise InvalidDate(value)
    return n


def normalize_month(value: str | None) -> int:
    """A month typed as 4, ０４ or 4月; raises InvalidDate."""
    text = nfkc(value).replace(" ", "").removesuffix("月")
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= 12:
        raise InvalidDate(value)
    return int(text)
