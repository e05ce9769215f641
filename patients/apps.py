from django.apps import AppConfig
from django.core import checks


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from patients.checks import phone_numbers

        checks.register(phone_numbers)
