from django.urls import path

from prescriptions import pictures, views

app_name = "clinic"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/archived/", views.archived_patients, name="archived_patients"),
    path("patients/<int:pk>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/clearance/", views.patient_clearance, name="patient_clearance"),
    path("patients/<int:pk>/invitation/", views.patient_invitation, name="patient_invitation"),
    path("patients/<int:pk>/audit/", views.patient_audit, name="patient_audit"),
    path("patients/<int:pk>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<int:pk>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<int:pk>/programs/start/", views.program_start, name="program_start"),
    path("patients/<int:pk>/programs/new/", views.program_create, name="program_create"),
    path("dose-preview/", views.dose_preview, name="dose_preview"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/status/", views.program_status, name="program_status"),
    path("programs/<int:pk>/end/", views.program_end, name="program_end"),
    path("programs/<int:pk>/duplicate/", views.program_duplicate, name="program_duplicate"),
    path(
        "programs/<int:pk>/save-as-template/",
        views.program_save_as_template,
        name="program_save_as_template",
    ),
    path("programs/<int:pk>/handout/", views.program_handout, name="program_handout"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("settings/", views.therapist_settings, name="therapist_settings"),
    path("exercises/", views.exercise_list, name="exercise_list"),
    path("exercises/new/", views.exercise_create, name="exercise_create"),
    path(
        "exercises/illustrations/",
        pictures.exercise_illustrations,
        name="exercise_illustrations",
    ),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("exercises/<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("exercises/<int:pk>/delete/", views.exercise_delete, name="exercise_delete"),
    path("exercises/<int:pk>/media/", views.exercise_media_add, name="exercise_media_add"),
    path(
        "programs/<int:pk>/items/<int:item_id>/media/",
        views.item_media_add,
        name="item_media_add",
    ),
    path("media/<uuid:key>/remove/", views.media_remove, name="media_remove"),
]
