"""Log in with a username or an email address; load the logged-in user with their profile."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username and "@" in username:
            user_model = get_user_model()
            matches = list(user_model._default_manager.filter(email__iexact=username)[:2])
            if len(matches) == 1:
                username = matches[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> User | None:
        """The user of a session, read with their patient profile (if any) in one query: every
        page asks whether the user is a patient (``patients.roles.is_patient``).

        (Measured: also reading the therapist role here, as an ``Exists`` annotation, saves a
        query but costs more in building the query than the query itself costs.)
        """
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("patient").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
