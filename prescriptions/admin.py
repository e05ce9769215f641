from __future__ import annotations

from django.contrib import admin

from prescriptions.models import (
    Prescription,
    PrescriptionItem,
    ProgramTemplate,
    ProgramTemplateItem,
)


class ProgramTemplateItemInline(admin.TabularInline):
    model = ProgramTemplateItem
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = ["position", "exercise", "sets", "reps", "hold_seconds", "duration_seconds", "side"]


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
    fields = [
        "position",
        "exercise",
        "sets",
        "reps",
        "hold_seconds",
        "duration_seconds",
        "side",
        "removed_on",
    ]


@admin.register(Prescription)
class PrescriptionAdmin(admin.ModelAdmin):
    list_display = ["title", "patient", "status", "start_date", "end_date", "prescribed_by"]
    list_filter = ["status"]
    search_fields = ["title", "patient__user__first_name", "patient__user__last_name"]
    list_select_related = ["patient__user", "prescribed_by"]
    raw_id_fields = ["patient"]
    inlines = [PrescriptionItemInline]
