"""The language each person reads Rehabit in.

- A patient reads the language on their record (``Patient.language``): the therapist chooses it
  when adding them (their own language by default), and the patient changes it in one tap from
  any of their pages. Emails, the calendar feed and the handout use it too.
- Staff read the language of their own settings (``TherapistProfile.language``), kept in the
  session once read so that no page pays a query for it; without one, their browser's.
- Anyone not logged in reads the language cookie's choice, else their browser's
  (``LocaleMiddleware``).
- The API answers in the language of ``Accept-Language`` when a client sends one, else in the
  user's own (``config.api_permissions.TokenAuthentication``). Machine values (levels, codes,
  choices) stay the same in every language.

URLs carry no language prefix: a link sent to a patient opens in their language whichever
browser they use, and bookmarks survive a change of language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.translation import pgettext

from patients.models import Patient
from patients.roles import is_patient, is_therapist

STAFF_LANGUAGE_KEY = "rehabit_language"
LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


def is_known(language: str) -> bool:
    return language in LANGUAGE_CODES


def saved_language(user: User | AnonymousUser, session: SessionBase | None) -> str | None:
    """The user's own choice of language, or None (then the browser's applies)."""
    if not user.is_authenticated:
        return None
    if is_patient(user):
        return user.patient.language  # read with the user (patients.backends)
    if session is not None and STAFF_LANGUAGE_KEY in session:
        return session[STAFF_LANGUAGE_KEY] or None
    language = staff_language(user)
    if session is not None:
        session[STAFF_LANGUAGE_KEY] = language or ""
    return language


def staff_language(user: User) -> str | None:
    from prescriptions.models import TherapistProfile

    language = TherapistProfile.objects.filter(user=user).values_list("language", flat=True).first()
    return language if language and is_known(language) else None


def save_language(*, user: User, language: str, session: SessionBase) -> None:
    """Remember a user's choice: on the patient's record, in a therapist's settings."""
    if not is_known(language):
        raise ValueError(f"Unknown language: {language}")
    if is_patient(user):
        Patient.objects.filter(pk=user.patient.pk).update(language=language)
        user.patient.language = language
    elif is_therapist(user):
        from prescriptions.models import TherapistProfile

        TherapistProfile.objects.update_or_create(user=user, defaults={"language": language})
        session[STAFF_LANGUAGE_KEY] = language


class DateFormats:
    """Long dates as each language writes them: format strings for Django's ``date`` filter,
    translated like any message ("Wednesday 2 December" / "Mittwoch, 2. Dezember")."""

    @property
    def long_day(self) -> str:
        # Translators: a date format in Django's date-filter letters (l weekday, j day, F
        # month): "l, j. F" in German, "l j \d\e F" in Spanish.
        return pgettext("date format", "l j F")

    @property
    def long_day_year(self) -> str:
        # Translators: a date format in Django's date-filter letters (l weekday, j day, F
        # month, Y year): "l, j. F Y" in German, "l j \d\e F \d\e Y" in Spanish.
        return pgettext("date format", "l j F Y")


DATE_FORMATS = DateFormats()


def date_formats(request: HttpRequest) -> dict[str, DateFormats]:
    """Templates write ``{{ day|date:formats.long_day }}``."""
    return {"formats": DATE_FORMATS}
