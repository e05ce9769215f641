from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = gettext_lazy("Outcome measures")

    def ready(self) -> None:
        from outcomes.fhir import outcome_resources
        from patients.fhir import BUNDLE_PARTS

        if outcome_resources not in BUNDLE_PARTS:
            BUNDLE_PARTS.append(outcome_resources)
