"""Questionnaires on the patient's Today page, first thing after any safety pause.

``{% load questionnaires %}{% questionnaires_waiting plan.patient plan.today %}`` lists the
questionnaires due (three queries: the open episode, its schedule, its responses).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from outcomes.services import waiting_for
from patients.models import Patient

register = template.Library()


@register.inclusion_tag("outcomes/_waiting.html")
def questionnaires_waiting(patient: Patient, today: datetime.date) -> dict[str, Any]:
    return {"waiting": waiting_for(patient, today)}
