"""Language choice and locale-aware formatting of dates, times and yen.

The language is, in order: the signed-in person's saved choice, the `lang` cookie, the
browser's Accept-Language, else Japanese.
"""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import current_app, g, has_app_context, request
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def current_lang() -> str:
    return str(get_locale() or "ja")


@lru_cache(maxsize=8)
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_zone() -> ZoneInfo:
    """Flask-Babel's time zone for the request, as the standard library's zone (which
    converts several times faster than the pytz zone Flask-Babel hands out)."""
    return _zoneinfo(str(get_timezone()))


def _to_local(value, zone: ZoneInfo | None = None):
    """Datetimes are stored in UTC; people read them in the town's time zone."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone or _local_zone())
    return value


# Japanese: 2026年11月22日(日); English: Sun 22 November 2026.
_DATE_PATTERNS = {"ja": "y年M月d日(E)", "en": "EEE d MMMM y"}
_SHORT_DATE_PATTERNS = {"ja": "M月d日(E)", "en": "EEE d MMM"}
_TIME_PATTERNS = {"ja": "H:mm", "en": "h:mm a"}
_MONTH_PATTERNS = {"ja": "y年M月", "en": "MMMM y"}


# Babel takes tens of microseconds per date or time, and pages print the same few days and
# times over and over. The patterns hold no time zone and no seconds: the day (or the hour
# and minute) in the town's time, the pattern and the language decide the text.
@lru_cache(maxsize=4096)
def _babel_date(day: date, pattern: str, lang: str) -> str:
    return format_date(day, pattern, locale=lang)


@lru_cache(maxsize=1024)
def _babel_time(hour: int, minute: int, pattern: str, lang: str) -> str:
    return format_time(time(hour, minute), pattern, locale=lang)


def _local_day(value: date | datetime) -> date:
    value = _to_local(value)
    return value.date() if isinstance(value, datetime) else value


def format_date_long(value: date | datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    lang = lang or current_lang()
    return _babel_date(_local_day(value), _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"]), lang)


def format_date_short(value: date | datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    lang = lang or current_lang()
    pattern = _SHORT_DATE_PATTERNS.get(lang, _SHORT_DATE_PATTERNS["en"])
    return _babel_date(_local_day(value), pattern, lang)


def format_month(value: date | datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    lang = lang or current_lang()
    return format_date(
        _to_local(value), _MONTH_PATTERNS.get(lang, _MONTH_PATTERNS["en"]), locale=lang
    )


def format_time_short(value: time | datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    lang = lang or current_lang()
    value = _to_local(value)
    pattern = _TIME_PATTERNS.get(lang, _TIME_PATTERNS["en"])
    return _babel_time(value.hour, value.minute, pattern, lang)


def format_time_range(start: datetime, end: datetime, lang: str | None = None) -> str:
    """When something happens within a day: 2026年11月22日(日) 15:00–17:00 (the start's day).
    One call per row instead of three filters: lists print one on every line."""
    lang = lang or current_lang()
    zone = _local_zone()
    start, end = _to_local(start, zone), _to_local(end, zone)
    time_pattern = _TIME_PATTERNS.get(lang, _TIME_PATTERNS["en"])
    return "{} {}–{}".format(
        _babel_date(start.date(), _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"]), lang),
        _babel_time(start.hour, start.minute, time_pattern, lang),
        _babel_time(end.hour, end.minute, time_pattern, lang),
    )


def format_datetime_long(value: datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    lang = lang or current_lang()
    sep = " " if lang == "ja" else ", "
    return format_date_long(value, lang) + sep + format_time_short(value, lang)


def format_yen(amount: int | None, lang: str | None = None) -> str:
    """Japanese: 1,500円; English: ¥1,500."""
    if amount is None:
        return ""
    lang = lang or current_lang()
    number = format_decimal(amount, format="#,##0", locale=lang)
    return f"{number}円" if lang == "ja" else f"¥{number}"


def format_number(value: int | float | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        # Japanese and English both group whole numbers by thousands with a comma; Python
        # does that directly, many times faster than Babel (dashboards print hundreds).
        return f"{value:,}"
    return format_decimal(value, locale=lang or current_lang())


def _escape_lazy_strings() -> None:
    """Lazy strings must not count as safe HTML.

    Flask-Babel's LazyString declares `__html__` returning its text unescaped, so Jinja would
    print `_l("Hello %(name)s", name=what_someone_typed)` without escaping it. Our messages
    never contain markup, so escaping them is always right and closes that hole everywhere.
    """
    from flask_babel.speaklater import LazyString
    from markupsafe import escape

    LazyString.__html__ = lambda self: str(escape(str(self)))


def request_translations():
    """The translations of the locale in force, looked up once per request.

    Flask-Babel finds them afresh for every message (several context lookups and the locale's
    name built each time); a page prints dozens. They are kept on Flask-Babel's own request
    state, next to the locale they belong to, so `force_locale` (an e-mail or a document in
    another language) is still obeyed: a different locale object means a fresh lookup.
    """
    if not has_app_context():
        return get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        kept = state.__dict__.get("otagai_translations")
        if kept is not None and kept[0] is state.__dict__.get("babel_locale"):
            return kept[1]
    translations = get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        state.otagai_translations = (state.__dict__.get("babel_locale"), translations)
    return translations


def _install_template_gettext(app) -> None:
    """Templates translate through `request_translations` (Flask-Babel installs slower ones)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def init_app(app) -> None:
    _escape_lazy_strings()
    _install_template_gettext(app)
    app.jinja_env.filters.update(
        date_long=format_date_long,
        date_short=format_date_short,
        month=format_month,
        time_short=format_time_short,
        time_range=format_time_range,
        datetime_long=format_datetime_long,
        yen=format_yen,
        number=format_number,
    )
