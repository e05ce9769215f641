"""Questionnaires for the patient (/questionnaires/) and episodes of care for the therapist."""

from django.urls import path

import patients.urls  # noqa: F401 - registers the isodate converter these paths use
from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "questionnaires/<slug:code>/<isodate:due_on>/start/",
        views.questionnaire_start,
        name="start",
    ),
    path("questionnaires/<int:pk>/<int:number>/", views.questionnaire_page, name="page"),
    path("questionnaires/<int:pk>/review/", views.questionnaire_review, name="review"),
    path("clinic/patients/<int:pk>/episode/start/", views.episode_start, name="episode_start"),
    path(
        "clinic/patients/<int:pk>/episode/ask-discharge/",
        views.episode_ask_discharge,
        name="ask_discharge",
    ),
    path("clinic/patients/<int:pk>/episode/discharge/", views.episode_discharge, name="discharge"),
    path(
        "clinic/patients/<int:pk>/episodes/<int:episode_id>/summary/",
        views.episode_summary,
        name="summary",
    ),
]
