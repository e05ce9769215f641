"""How API v1 answers when it says no, and how the schema documents it.

- Invalid input: 400 with the messages under each field name (``non_field_errors`` for the
  rest, and a list per item for nested lists), whether a serializer or a service refused it.
- Not logged in: 401; not allowed: 403; nothing there for the caller: 404; all with ``detail``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

WRITE_METHODS = {"POST", "PUT", "PATCH"}


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A model or service ValidationError as the API's 400, field by field."""
    detail = as_serializer_error(error)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, which also answers a Django ValidationError with a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    return drf_exception_handler(exc, context)


DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "readOnly": True}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": (
        "Messages by field name: a list of strings, or for nested objects and lists the "
        "same shape again. `non_field_errors` holds messages about the whole request; a body "
        "that cannot be read answers with `detail`."
    ),
    "additionalProperties": {},
}

_ERRORS = {
    "400": ("FieldErrors", FIELD_ERRORS_SCHEMA, "The input is invalid; nothing was changed."),
    "401": ("Error", DETAIL_SCHEMA, "Not logged in: send `Authorization: Token <key>`."),
    "403": ("Error", DETAIL_SCHEMA, "Not allowed to do this."),
    "404": ("Error", DETAIL_SCHEMA, "Not found, or not for this user."),
    "409": ("Error", DETAIL_SCHEMA, "Refused: it is still in use."),
    "415": ("Error", DETAIL_SCHEMA, "Send the body as application/json."),
    "429": ("Error", DETAIL_SCHEMA, "Too many requests; try again later."),
}


class RehabitAutoSchema(AutoSchema):
    """Documents the error answers every operation can give, next to its own responses."""

    def error_codes(self, operation: dict[str, Any]) -> list[str]:
        codes: list[str] = []
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if self.method in WRITE_METHODS or has_query:
            codes.append("400")
        if self.method in WRITE_METHODS and "requestBody" in operation:
            codes.append("415")
        security = operation.get("security", [])
        if security and {} not in security:
            codes += ["401", "403", "404"]
        elif self.method in WRITE_METHODS or self.method == "DELETE":
            codes.append("403")  # a logged-in browser session without its CSRF token
        return codes

    def error_response(self, code: str) -> dict[str, Any]:
        name, schema, description = _ERRORS[code]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        media_types = self.map_renderers("media_type") or ["application/json"]
        return {
            "description": description,
            "content": {media_type: {"schema": component.ref} for media_type in media_types},
        }

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_codes(operation):
            responses.setdefault(code, self.error_response(code))
        # Errors a view declares with a description only get the standard body too.
        for code, response in responses.items():
            if code in _ERRORS and "content" not in response:
                standard = self.error_response(code)
                responses[code] = {
                    "description": response.get("description") or standard["description"],
                    "content": standard["content"],
                }
        operation["responses"] = dict(sorted(responses.items()))
        return operation
