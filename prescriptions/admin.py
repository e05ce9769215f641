from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest

from exercises.models import Exercise
from prescriptions.media import CheckedUpload, check_upload
from prescriptions.models import (
    Media,
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


class SharedMediaForm(forms.ModelForm):
    """A photo or video of a shared catalogue exercise, checked like a therapist's upload, with
    where it comes from (licence, author, source) for its attribution line."""

    class Meta:
        model = Media
        fields = ["exercise", "file", "title", "licence", "author", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exercise = self.fields["exercise"]
        assert isinstance(exercise, forms.ModelChoiceField)
        exercise.queryset = Exercise.objects.shared()
        exercise.required = True
        self.checked: CheckedUpload | None = None

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged
        self.checked = check_upload(upload)
        return self.checked.content

    def save(self, commit: bool = True) -> Media:
        media = super().save(commit=False)
        if self.checked is not None:
            media.kind = self.checked.kind
            media.content_type = self.checked.content_type
            media.size = self.checked.content.size
        if commit:
            media.save()
        return media


@admin.register(Media)
class SharedMediaAdmin(admin.ModelAdmin):
    """Only the shared catalogue's media: patients' and therapists' own stay out of the admin."""

    form = SharedMediaForm
    list_display = ["__str__", "exercise", "kind", "licence", "author"]
    search_fields = ["title", "exercise__name", "author"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Media]:
        return (
            super()
            .get_queryset(request)
            .filter(exercise__isnull=False, exercise__owner__isnull=True)
        )

    def save_model(self, request: HttpRequest, obj: Media, form: Any, change: bool) -> None:
        if obj.uploaded_by_id is None:
            obj.uploaded_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
