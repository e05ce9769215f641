"""The therapist's pages for watching patients, under /clinic/ beside the workspace."""

from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("patients/<int:pk>/progress/", views.patient_progress, name="patient_progress"),
    path("patients/<int:pk>/export.csv", views.patient_export, name="patient_export"),
    path("patients/<int:pk>/safety-pause/end/", views.safety_pause_end, name="safety_pause_end"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("suggestions/<int:pk>/apply/", views.suggestion_apply, name="suggestion_apply"),
    path("suggestions/<int:pk>/dismiss/", views.suggestion_dismiss, name="suggestion_dismiss"),
]
