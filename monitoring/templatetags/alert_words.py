"""Alert words in the reader's language (``monitoring.alerts.alert_text``)."""

from __future__ import annotations

from django import template

from monitoring import alerts
from patients.models import Alert

register = template.Library()


@register.filter
def alert_text(alert: Alert) -> str:
    return alerts.alert_text(alert)


@register.filter
def entry_text(entry: dict[str, object]) -> str:
    return alerts.entry_text(entry)
