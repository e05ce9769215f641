"""Project-wide request handling: session lifetimes and no caching of personal pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from config.languages import saved_language
from patients.roles import is_patient

LOGIN_TIME_KEY = "rehabit_login_at"
LAST_SEEN_KEY = "rehabit_last_seen"


def idle_limit(user: User | AnonymousUser) -> int:
    """Seconds of inactivity after which a user must log in again."""
    if is_patient(user):
        return settings.REHABIT_PATIENT_IDLE_SECONDS
    return settings.REHABIT_STAFF_IDLE_SECONDS


class SessionTimeoutMiddleware:
    """Ends a session after the user's idle limit, and in any case after an absolute lifetime.

    Therapists and admins (who see many patients' records) time out after 30 idle minutes;
    patients may stay logged in longer on their own phone, but not forever.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(LOGIN_TIME_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            too_idle = now - last_seen > idle_limit(user)
            too_old = now - started > settings.REHABIT_SESSION_MAX_SECONDS
            if too_idle or too_old:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if now - last_seen >= 60 or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreForLoggedInMiddleware:
    """Pages shown to a logged-in user hold health data: no browser or proxy may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class UserLanguageMiddleware:
    """A logged-in user's own language wins over their browser's (``config.languages``).

    After ``LocaleMiddleware`` (which chose the browser's or the cookie's language) and
    authentication; the response says which language it is in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = saved_language(request.user, getattr(request, "session", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language:
            response.headers["Content-Language"] = language
        return response
