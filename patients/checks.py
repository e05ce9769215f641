"""System checks: the numbers every stop and emergency screen needs (DESIGN §5)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def phone_numbers(**kwargs: Any) -> list[CheckMessage]:
    """In production, warn when a stop screen could show no clinic number, or an emergency
    screen no emergency number to call (older patients may have no clinic phone of their own)."""
    if settings.DEBUG:
        return []
    warnings: list[CheckMessage] = []
    if not settings.REHABIT_CLINIC_PHONE:
        warnings.append(
            Warning(
                "REHABIT_CLINIC_PHONE is not set.",
                hint="Patients without a clinic phone of their own see no clinic number on "
                "their stop screens. Set it to the clinic's main number.",
                id="rehabit.W001",
            )
        )
    if not settings.REHABIT_EMERGENCY_NUMBER:
        warnings.append(
            Warning(
                "REHABIT_EMERGENCY_NUMBER is not set.",
                hint="The emergency screen then says “your local emergency number” and has no "
                "call button. Set it to 112, 911 or your country's number.",
                id="rehabit.W002",
            )
        )
    return warnings
