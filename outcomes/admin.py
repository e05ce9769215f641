"""The admin lists the outcome measures loaded from their data files and switches them on or
off for new episodes. Definitions change only through their files (``load_measures``), so the
answers always match a file someone can read. Patients' episodes and answers are health data:
they are not in the admin (the care team sees them on the patient's pages)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from outcomes.models import MeasureDefinition


@admin.register(MeasureDefinition)
class MeasureDefinitionAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "is_active", "loaded_at"]
    list_editable = ["is_active"]
    fields = ["title", "code", "version", "is_active", "loaded_at", "definition"]
    readonly_fields = ["title", "code", "version", "loaded_at", "definition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
