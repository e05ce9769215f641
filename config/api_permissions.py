"""Who may call API v1, and as whom.

Roles answer like the HTML pages do: an endpoint that belongs to another role does not exist
for the caller (404), so it reveals nothing; a caller who is not logged in gets 401.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, permissions
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, NotFound

from config.languages import is_known
from patients.roles import is_patient, is_therapist

if TYPE_CHECKING:  # DRF imports this module while its views module loads
    from rest_framework.authtoken.models import Token
    from rest_framework.request import Request
    from rest_framework.views import APIView


def caller(request: Request) -> User:
    """The logged-in user calling an API view.

    Every API view's permission classes (``IsAuthenticated`` unless it names roles) turn
    anonymous callers away before it runs, so the refusal here never happens: it tells the type
    checker what those permissions guarantee.
    """
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


def _record_audit_actor(user: User) -> None:
    """Name the user as the actor of the audit-trail entries this request writes.

    The audit middleware runs before the API authenticates a token, so it saw an anonymous
    request; its context for this request is completed here.
    """
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("actor") is None:
        context["actor"] = user


def token_expires_at(token: Token) -> datetime.datetime:
    """A token lasts as long as the longest browser session (``REHABIT_SESSION_MAX_SECONDS``);
    then its owner logs in again."""
    return token.created + datetime.timedelta(seconds=settings.REHABIT_SESSION_MAX_SECONDS)


def token_has_expired(token: Token, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: refused once expired, and the token's user recorded in
    the audit trail."""

    def authenticate(self, request: Request) -> tuple[User, Token] | None:
        result = super().authenticate(request)
        if result is not None:
            _record_audit_actor(result[0])
            _answer_in_users_language(request, result[0])
        return result

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        """The token with its user and their profiles, in one query."""
        model = cast("type[Token]", self.get_model())
        try:
            token = model.objects.select_related(
                "user", "user__patient", "user__therapist_profile"
            ).get(key=key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token_has_expired(token):
            token.delete()
            raise AuthenticationFailed(_("This token has expired: log in again."))
        return user, token


def _answer_in_users_language(request: Request, user: User) -> None:
    """Without an ``Accept-Language`` header, the API answers in the user's own language."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return
    if hasattr(user, "patient"):
        language = user.patient.language
    else:
        profile = getattr(user, "therapist_profile", None)
        language = profile.language if profile is not None else ""
    if language and is_known(language):
        translation.activate(language)
        request._request.LANGUAGE_CODE = language


class _RoleRequired(permissions.BasePermission):
    """Logged-in callers without the role are told the endpoint does not exist."""

    def has_role(self, user: User) -> bool:
        raise NotImplementedError

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not self.has_role(user):
            raise NotFound()
        return True


class IsTherapist(_RoleRequired):
    def has_role(self, user: User) -> bool:
        return is_therapist(user)


class IsPatient(_RoleRequired):
    def has_role(self, user: User) -> bool:
        return is_patient(user)


class TherapistsWrite(permissions.BasePermission):
    """Everyone logged in reads; only therapists write."""

    message = gettext_lazy("Only therapists can add or change these.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_therapist(user)


class OwnerWrites(permissions.BasePermission):
    """Shared objects are read only; a therapist changes only what they own."""

    message = gettext_lazy("Only your own can be changed; shared ones are read only.")

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.owner_id is not None and obj.owner_id == request.user.pk
