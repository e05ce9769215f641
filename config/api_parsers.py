"""How API v1 reads request bodies."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which also refuses JSON nested too deeply to decode (``[[[[…``).

    Python's decoder raises RecursionError there, which DRF does not catch (a 500); it is a
    400 like any other body that cannot be read.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
