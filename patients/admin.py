from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from patients.models import (
    Alert,
    AlertEmail,
    Completion,
    Invitation,
    MorningCheck,
    PainReport,
    Patient,
    ReminderEmail,
    SafetyPause,
)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["display_name", "timezone", "archived_at", "created_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["care_team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["patient", "created_at", "expires_at", "used_at"]
    list_select_related = ["patient__user"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["patient"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the app writes: the admin reads them (and may delete them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PatientRecordAdmin(ReadOnlyAdmin):
    """What a patient logged is theirs: the admin may read or delete it, never add or change it
    (the patient's history, the alerts and the dashboard's cached rows rely on that)."""

    list_select_related = ["patient__user"]
    date_hierarchy = "date"


@admin.register(Completion)
class CompletionAdmin(PatientRecordAdmin):
    list_display = ["patient", "exercise_name", "date", "session", "completed_at"]


@admin.register(PainReport)
class PainReportAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "session", "pain", "difficulty"]


@admin.register(MorningCheck)
class MorningCheckAdmin(PatientRecordAdmin):
    list_display = ["patient", "date", "answer", "created_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["patient", "kind", "severity", "created_at", "acknowledged_at"]
    list_filter = ["kind", "severity", ("acknowledged_at", admin.EmptyFieldListFilter)]
    list_select_related = ["patient__user"]
    raw_id_fields = ["patient", "report", "reports"]


@admin.register(AlertEmail)
class AlertEmailAdmin(ReadOnlyAdmin):
    """The urgent-alert emails to the care team: a failed one is listed as failed."""

    list_display = ["alert", "severity", "recipient", "created_at", "sent_at", "failed"]
    list_filter = ["failed", "severity"]
    list_select_related = ["alert__patient__user", "recipient"]


@admin.register(SafetyPause)
class SafetyPauseAdmin(ReadOnlyAdmin):
    """Safety pauses: a therapist on the care team ends them, in the app."""

    list_display = ["patient", "level", "started_at", "ended_at", "ended_by", "resumed"]
    list_filter = ["level", ("ended_at", admin.EmptyFieldListFilter)]
    list_select_related = ["patient__user", "ended_by"]


@admin.register(ReminderEmail)
class ReminderEmailAdmin(admin.ModelAdmin):
    """What the reminder sender did: read only, the sender alone writes these rows."""

    list_display = ["patient", "date", "session", "status", "due_at", "sent_at", "attempts"]
    list_filter = ["status"]
    list_select_related = ["patient__user"]
    date_hierarchy = "date"
    readonly_fields = [
        "patient",
        "date",
        "session",
        "status",
        "due_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReminderEmail | None = None) -> bool:
        return False
