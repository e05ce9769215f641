from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from exercises.models import DOSE_FIELDS, Equipment, Exercise, ExerciseStep


class ExerciseStepInline(admin.TabularInline):
    model = ExerciseStep
    extra = 1
    fields = ["order", "text"]
    ordering = ["order"]


class SharedOrPrivateFilter(admin.SimpleListFilter):
    title = "catalogue"
    parameter_name = "catalogue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("shared", "Shared catalogue"), ("private", "Therapists' private")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
        if self.value() == "shared":
            return queryset.filter(owner__isnull=True)
        if self.value() == "private":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "body_region",
        "kind",
        "position",
        "default_dose",
        "difficulty",
        "sided",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "body_region",
        "kind",
        "position",
        "equipment",
        "difficulty",
        SharedOrPrivateFilter,
    ]
    list_editable = ["is_published"]
    search_fields = ["name", "slug", "summary", "precautions", "steps__text"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["equipment"]
    autocomplete_fields = ["owner"]
    inlines = [ExerciseStepInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "is_published", "owner"]}),
        ("Classification", {"fields": ["body_region", "kind", "position", "equipment"]}),
        ("Difficulty and sides", {"fields": ["difficulty", "sided"]}),
        (
            "Default dose",
            {"fields": list(DOSE_FIELDS)},
        ),
        ("Progression caps", {"fields": ["max_reps", "max_hold_seconds"]}),
        ("Precautions", {"fields": ["precautions", "precaution_tags", "precaution_tips"]}),
        ("Media", {"fields": ["image", "video_url"], "classes": ["collapse"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exercise]:
        return super().get_queryset(request).prefetch_related("equipment")

    @admin.display(description="default dose")
    def default_dose(self, exercise: Exercise) -> str:
        return exercise.dose_in_words(exercise.default_side)

    @admin.action(description="Publish selected exercises")
    def publish(self, request: HttpRequest, queryset: QuerySet[Exercise]) -> None:
        count = queryset.update(is_published=True)
        self.message_user(request, f"{count} exercise(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected exercises")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Exercise]) -> None:
        count = queryset.update(is_published=False)
        self.message_user(request, f"{count} exercise(s) unpublished.", messages.SUCCESS)


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
