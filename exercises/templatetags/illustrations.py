"""An exercise's picture inline in a page, for the side it is done on.

``{% load illustrations %}{% exercise_picture exercise side %}`` draws the start and end
positions (``side`` is ``"left"``, ``"right"`` or empty; a right-side picture is the mirror
image); ``{% exercise_picture exercise side "thumb" %}`` draws it small, for lists. Nothing is
drawn for an exercise without a pose. static/css/illustrations.css sizes and animates it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from exercises.illustrations import exercise_svg

register = template.Library()


@register.simple_tag
def exercise_picture(exercise: Any, side: str = "", size: str = "large") -> SafeString | str:
    """``size``: "large" (the steps in its text alternative), "beside-steps" (large, for a
    place that lists the steps next to it: no query for them) or "thumb"."""
    thumb = size == "thumb"
    svg = exercise_svg(exercise, side if side in ("left", "right") else "", steps=size == "large")
    if svg is None:
        return ""
    # The SVG is built from numbers and escaped text only (exercises/illustrations.py).
    return format_html(
        '<span class="exercise-picture exercise-picture-{}">{}</span>',
        "thumb" if thumb else "large",
        mark_safe(svg),  # noqa: S308
    )
