"""Who reaches what in the workspace: someone else's patient, program, private exercise or
template answers 404, for reading and for writing; patients and visitors never get in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Alert, AlertKind, Invitation, Severity
from prescriptions.models import Prescription, ProgramTemplate, ProgressionSuggestion, Status
from tests.factories import (
    ExerciseFactory,
    MediaFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProgramTemplateFactory,
    ProgramTemplateItemFactory,
)

pytestmark = pytest.mark.django_db

PATIENT_URLS = [
    "clinic:patient_detail",
    "clinic:patient_edit",
    "clinic:patient_invitation",
    "clinic:patient_clearance",
    "clinic:program_start",
    "clinic:program_create",
    "monitoring:patient_progress",
    "monitoring:patient_export",
    "monitoring:safety_pause_end",
    "clinic:patient_audit",
    "clinic:patient_archive",
    "clinic:patient_restore",
]
PROGRAM_URLS = [
    "clinic:program_detail",
    "clinic:program_edit",
    "clinic:program_status",
    "clinic:program_end",
    "clinic:program_duplicate",
    "clinic:program_save_as_template",
    "clinic:program_handout",
]
TEMPLATE_URLS = ["clinic:template_detail", "clinic:template_edit", "clinic:template_delete"]
EXERCISE_URLS = [
    "clinic:exercise_detail",
    "clinic:exercise_edit",
    "clinic:exercise_delete",
    "clinic:exercise_media_add",
]
ITEM_URLS = ["clinic:item_media_add"]
MEDIA_URLS = ["clinic:media_remove"]
ALERT_URLS = ["monitoring:alert_acknowledge"]
SUGGESTION_URLS = ["monitoring:suggestion_apply", "monitoring:suggestion_dismiss"]
PLAIN_URLS = [
    "clinic:caseload",
    "monitoring:dashboard",
    "clinic:archived_patients",
    "clinic:patient_create",
    "clinic:therapist_settings",
    "clinic:template_list",
    "clinic:template_create",
    "clinic:exercise_list",
    "clinic:exercise_create",
    "clinic:exercise_illustrations",
    "clinic:dose_preview",
]
POST_ONLY = {
    "clinic:dose_preview",
    "clinic:program_status",
    "clinic:patient_restore",
    "monitoring:alert_acknowledge",
    "monitoring:suggestion_apply",
    "monitoring:suggestion_dismiss",
    "monitoring:safety_pause_end",
}
GET_ONLY = {
    "clinic:patient_detail",
    "monitoring:patient_progress",
    "monitoring:patient_export",
    "clinic:patient_audit",
    "clinic:program_start",
    "clinic:program_detail",
    "clinic:program_end",
    "clinic:template_detail",
    "clinic:exercise_detail",
}


def alert_and_suggestion(program: Prescription) -> dict[str, object]:
    """An open alert for the program's patient and a progression suggestion waiting."""
    item = program.items.first() or PrescriptionItemFactory(prescription=program)
    return {
        "alert": Alert.objects.create(
            patient=program.patient, kind=AlertKind.RED_FLAG, severity=Severity.URGENT, message="x"
        ),
        "suggestion": ProgressionSuggestion.objects.create(
            prescription=program, item=item, field="reps", from_value=10, to_value=12, reason="r"
        ),
    }


@pytest.fixture
def theirs(other_therapist, other_patient):
    """Another therapist's patient, program, private exercise, template, alert, suggestion."""
    program = PrescriptionFactory(patient=other_patient, prescribed_by=other_therapist)
    item = PrescriptionItemFactory(prescription=program)
    template = ProgramTemplateFactory(owner=other_therapist)
    ProgramTemplateItemFactory(template=template)
    return {
        "patient": other_patient,
        "program": program,
        "exercise": ExerciseFactory(owner=other_therapist),
        "template": template,
        "media": MediaFactory(item=item),
        **alert_and_suggestion(program),
    }


def cases(theirs):
    for names, key in (
        (PATIENT_URLS, "patient"),
        (PROGRAM_URLS, "program"),
        (TEMPLATE_URLS, "template"),
        (EXERCISE_URLS, "exercise"),
        (ALERT_URLS, "alert"),
        (SUGGESTION_URLS, "suggestion"),
    ):
        for name in names:
            yield name, reverse(name, args=[theirs[key].pk])
    program = theirs["program"]
    for name in ITEM_URLS:
        yield name, reverse(name, args=[program.pk, program.items.first().pk])
    for name in MEDIA_URLS:
        yield name, reverse(name, args=[theirs["media"].key])


def test_every_workspace_url_is_covered_here():
    from monitoring.urls import urlpatterns as watching
    from prescriptions.urls import urlpatterns as workspace

    namespaced = [f"clinic:{p.name}" for p in workspace] + [
        f"monitoring:{p.name}" for p in watching
    ]

    covered = set(
        PATIENT_URLS
        + PROGRAM_URLS
        + TEMPLATE_URLS
        + EXERCISE_URLS
        + ITEM_URLS
        + MEDIA_URLS
        + ALERT_URLS
        + SUGGESTION_URLS
        + PLAIN_URLS
    )
    assert set(namespaced) == covered


def test_therapist_cannot_open_another_therapists_things(therapist_client, theirs):
    for name, url in cases(theirs):
        if name not in POST_ONLY:
            assert therapist_client.get(url).status_code == 404, name


def test_therapist_cannot_change_another_therapists_things(therapist_client, theirs):
    program, template, exercise = theirs["program"], theirs["template"], theirs["exercise"]
    for name, url in cases(theirs):
        if name in GET_ONLY:
            continue
        response = therapist_client.post(
            url, {"status": "ended", "action": "save", "title": "Mine now", "name": "Mine"}
        )
        assert response.status_code == 404, name
    program.refresh_from_db()
    assert program.status == Status.ACTIVE
    assert program.title != "Mine now"
    assert ProgramTemplate.objects.filter(pk=template.pk, owner=template.owner).exists()
    assert type(exercise).objects.filter(pk=exercise.pk).exists()
    assert not Invitation.objects.exists()
    assert Prescription.objects.count() == 1
    theirs["patient"].refresh_from_db()
    assert theirs["patient"].archived_at is None
    assert Alert.objects.get(pk=theirs["alert"].pk).is_open
    assert ProgressionSuggestion.objects.get(pk=theirs["suggestion"].pk).is_pending


def test_therapist_cannot_open_another_therapists_patient(therapist_client, other_patient):
    url = reverse("clinic:patient_detail", args=[other_patient.pk])
    response = therapist_client.get(url)
    assert response.status_code == 404
    assert other_patient.display_name not in response.content.decode()


def test_unknown_ids_answer_404(therapist_client):
    for name in (
        PATIENT_URLS + PROGRAM_URLS + TEMPLATE_URLS + EXERCISE_URLS + ALERT_URLS + SUGGESTION_URLS
    ):
        method = therapist_client.post if name in POST_ONLY else therapist_client.get
        assert method(reverse(name, args=[999999])).status_code == 404, name


def test_a_colleague_on_the_care_team_reaches_the_shared_patient(
    therapist_client, therapist, theirs
):
    theirs["patient"].care_team.add(therapist)
    assert (
        therapist_client.get(
            reverse("clinic:program_edit", args=[theirs["program"].pk])
        ).status_code
        == 200
    )
    # Their private exercise and template stay theirs.
    assert (
        therapist_client.get(
            reverse("clinic:exercise_detail", args=[theirs["exercise"].pk])
        ).status_code
        == 404
    )


def test_patients_do_not_reach_the_workspace(patient_client, patient, prescription, theirs):
    own = {
        "patient": patient,
        "program": prescription,
        "template": theirs["template"],
        "exercise": theirs["exercise"],
        "media": MediaFactory(item=PrescriptionItemFactory(prescription=prescription)),
        **alert_and_suggestion(prescription),
    }
    for name, url in [
        *cases(own),
        *((name, reverse(name)) for name in PLAIN_URLS),
    ]:
        method = patient_client.post if name in POST_ONLY else patient_client.get
        assert method(url).status_code == 404, name


def test_visitors_are_asked_to_log_in(client, theirs):
    for name, url in [*cases(theirs), *((n, reverse(n)) for n in PLAIN_URLS)]:
        method = client.post if name in POST_ONLY else client.get
        response = method(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
