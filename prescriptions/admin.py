from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from prescriptions.models import (
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
    ProgressionSuggestion,
)

# The columns of an item in a template's or a program's inline list.
ITEM_COLUMNS = ("position", "exercise", "sets", "reps", "hold_seconds", "duration_seconds", "side")


class ProgramTemplateItemInline(admin.TabularInline):
    model = ProgramTemplateItem
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = ITEM_COLUMNS


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "times_per_day"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description"]
    inlines = [ProgramTemplateItemInline]


class PrescriptionItemInline(admin.TabularInline):
    model = PrescriptionItem
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = (*ITEM_COLUMNS, "removed_on")


@admin.register(Prescription)
class PrescriptionAdmin(admin.ModelAdmin):
    list_display = ["title", "patient", "status", "start_date", "end_date", "prescribed_by"]
    list_filter = ["status"]
    search_fields = ["title", "patient__user__first_name", "patient__user__last_name"]
    list_select_related = ["patient__user", "prescribed_by"]
    raw_id_fields = ["patient"]
    inlines = [PrescriptionItemInline]


@admin.register(ProgressionSuggestion)
class ProgressionSuggestionAdmin(admin.ModelAdmin):
    """Read-only: therapists decide suggestions in the workspace, where the change is recorded."""

    list_display = [
        "item",
        "direction",
        "field",
        "from_value",
        "to_value",
        "status",
        "created_at",
        "decided_by",
    ]
    list_filter = ["status", "direction", "field"]
    list_select_related = ["item__exercise", "item__prescription", "decided_by"]
    readonly_fields = [field.name for field in ProgressionSuggestion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
