from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from exercises.models import (
    DOSE_FIELDS,
    FALLBACK_LANGUAGE,
    Equipment,
    Exercise,
    ExerciseStep,
    Precaution,
)

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class ExerciseStepInline(TranslationTabularInline):
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


class NeedsTranslationFilter(admin.SimpleListFilter):
    """Shared exercises with a text not yet in every language: readers of that language see
    the English until it is written (a therapist's own exercise is written in one language)."""

    title = gettext_lazy("needs translation")
    parameter_name = "needs_translation"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", str(gettext_lazy("Any language")))] + [
            (code, name) for code, name in settings.LANGUAGES if code != FALLBACK_LANGUAGE
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Exercise]) -> QuerySet[Exercise]:
        if self.value() is None:
            return queryset
        wanted = set(LANGUAGE_NAMES) if self.value() == "any" else {self.value()}
        shared = queryset.filter(owner__isnull=True).prefetch_related("steps")
        return queryset.filter(
            pk__in=[e.pk for e in shared if wanted & set(e.missing_translations())]
        )


class ExerciseAdminForm(forms.ModelForm):
    """The exercise as staff edit it: the precaution tags as a list of boxes to tick, saved as
    the JSON list of codes the model keeps. The admin gives it the model and, from its
    fieldsets, the fields (a ``Meta.fields`` here would be taken as the admin's ``fields``)."""

    precaution_tags = forms.MultipleChoiceField(
        label=gettext_lazy("precaution tags"),
        choices=Precaution.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Exercise._meta.get_field("precaution_tags").help_text,
    )

    def clean_precaution_tags(self) -> list[str]:
        ticked = set(self.cleaned_data["precaution_tags"])
        return [code for code in Precaution.values if code in ticked]


@admin.register(Exercise)
class ExerciseAdmin(TranslationAdmin):
    form = ExerciseAdminForm
    list_display = [
        "name",
        "translations",
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
        NeedsTranslationFilter,
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
        (None, {"fields": ["name", "slug", "summary", "is_published", "owner", "language"]}),
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
        return super().get_queryset(request).prefetch_related("equipment", "steps")

    @admin.display(description=gettext_lazy("translations"))
    def translations(self, exercise: Exercise) -> str:
        """What is missing, so that an English fallback is seen here and not by a patient."""
        if not exercise.is_shared:
            return LANGUAGE_NAMES.get(exercise.language, exercise.language)
        missing = exercise.missing_translations()
        if not missing:
            return str(gettext_lazy("Complete"))
        return str(gettext_lazy("Needs: %(languages)s")) % {
            "languages": ", ".join(LANGUAGE_NAMES[code] for code in missing)
        }

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
class EquipmentAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
