"""Small helpers for reading a request safely, shared by the apps' views."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as the views see it: django-htmx's middleware adds ``htmx`` to every one."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind ``login_required`` (or a role decorator that wraps it), so
    its user is logged in, never anonymous. For type checking only: annotate such views'
    ``request`` with it."""

    user: User


def id_param(value: str | None) -> int | None:
    """An id from a query or form value: plain ASCII digits that fit a database id, or None.

    ``str.isdigit`` alone lets through "²" and other characters that ``int`` refuses."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the page it came from, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
