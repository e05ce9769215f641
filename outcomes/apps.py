from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = gettext_lazy("Outcome measures")
