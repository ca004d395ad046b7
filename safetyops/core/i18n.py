"""Languages: which locale a request uses, the language names, and locale-aware formatting.

A request's language is, in order: the signed-in user's profile choice (``User.locale``),
the choice made with the login page's switch (kept in the session), then the browser's
Accept-Language, then ``BABEL_DEFAULT_LOCALE``. Work outside a request (scheduler jobs,
emails) renders each recipient's text inside ``flask_babel.force_locale(locale_for(user))``.
Dates, times and numbers go through Flask-Babel/Babel formatters, never ``strftime``.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.dates import format_skeleton
from flask import current_app, g, has_request_context, request, session
from flask_babel import format_date, get_locale, gettext
from sqlalchemy.exc import SQLAlchemyError

SESSION_KEY = "locale"


def available_languages(translations: Path, default: str = "en") -> list[str]:
    """The default language, then every locale with a catalog in ``translations``."""
    found = sorted(p.parent.parent.name for p in translations.glob("*/LC_MESSAGES/messages.po"))
    return [default] + [code for code in found if code != default]


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for each language: "English", "español", ..."""
    out = []
    for code in languages():
        name = Locale.parse(code).get_display_name(code) or code
        out.append((code, name[:1].upper() + name[1:]))
    return out


def normalise(code: str | None) -> str | None:
    """A configured language code, or None for anything else."""
    return code if code and code in languages() else None


def locale_for(user) -> str:
    """The language to write to ``user`` in when no browser is asking (email, jobs)."""
    return normalise(getattr(user, "locale", None)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _profile_locale() -> str | None:
    if g.get("database_down"):
        return None
    from flask_login import current_user

    try:
        if current_user.is_authenticated:
            return normalise(current_user.locale)
    except SQLAlchemyError:  # the database went away: fall back to the browser's choice
        return None
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    return (
        _profile_locale()
        or normalise(session.get(SESSION_KEY))
        or request.accept_languages.best_match(languages())
        or default
    )


# ---- formatting (template filters and Python callers) -------------------------------------


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def localtime(moment: datetime | None, zone: str) -> str:
    """Hours and minutes at ``zone`` in the locale's own style (24-hour where usual)."""
    if not moment:
        return ""
    if moment.tzinfo is None:  # stored naive UTC (SQLite)
        moment = moment.replace(tzinfo=UTC)
    return format_skeleton("Hm", _local(moment, zone), locale=get_locale())


def localday(moment: datetime | date | None, zone: str | None = None) -> str:
    """A short day label with its weekday ("Mon, Dec 2", "lun, 2 dic", "Th 2, 2 thg 12")."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = _local(moment, zone or "UTC").date()
    return format_skeleton("MMMEd", moment, locale=get_locale())


def localdatetime(moment: datetime | str | None, zone: str) -> str:
    """A full date and time at ``zone`` (the audit trail, report headers)."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # stored naive UTC
        moment = moment.replace(tzinfo=UTC)
    local = _local(moment, zone)
    return f"{format_date(local.date(), 'medium')} {localtime(moment, zone)}"


def day(value: date | str | None, style: str = "medium") -> str:
    """A calendar date (or an ISO date string, as stored in JSON) in the locale's style
    ("Dec 2, 2026", "2 dic 2026")."""
    if not value:
        return ""
    return _day(date.fromisoformat(value) if isinstance(value, str) else value, style, get_locale())


@functools.lru_cache(maxsize=4096)
def _day(value: date, style: str, locale: Locale) -> str:
    # A page repeats dates (a term's deadlines in each of 200 campus rows): each formatted
    # once per process, not once per cell (half the district matrix's time; issue 16).
    return babel_dates.format_date(value, style, locale=locale)


def range_message(today: date) -> str:
    """``core.dates.range_message`` in the reader's language (the dates stay ISO: they say
    what to type)."""
    from safetyops.core import dates

    return gettext(
        "must be between %(first)s and %(last)s",
        first=dates.EARLIEST.isoformat(),
        last=dates.latest(today).isoformat(),
    )


def percent(value: float | None) -> str:
    """A percentage figure (97.5 means 97.5 %) in the locale's style; a dash if None."""
    return "—" if value is None else _percent(value, get_locale())


def number(value: float | None) -> str:
    return "—" if value is None else _number(value, get_locale())


# A report repeats a few hundred distinct figures in 1,800 cells (200 campuses, 9 weeks):
# each formatted once per process and locale, not once per cell (issue 16).
@functools.lru_cache(maxsize=8192)
def _percent(value: float, locale: Locale) -> str:
    return babel_numbers.format_percent(value / 100, "#,##0.#%", locale=locale)


@functools.lru_cache(maxsize=8192)
def _number(value: float, locale: Locale) -> str:
    return babel_numbers.format_decimal(value, "#,##0.#", locale=locale)


def week_name(label: str) -> str:
    """An ISO week label ("2026-W47") as the reader says it ("week 47, 2026")."""
    try:
        year, week = label.split("-W")
        return gettext("week %(week)s, %(year)s", week=int(week), year=year)
    except ValueError:
        return label


def clock(value) -> str:
    """A wall-clock ``time`` (round windows) in the locale's style."""
    if value is None:
        return ""
    moment = datetime.combine(date(2000, 1, 3), value)
    return format_skeleton("Hm", moment, locale=get_locale())
