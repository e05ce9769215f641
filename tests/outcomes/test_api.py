"""Questionnaires in API v1: definitions for everyone, what is due and answering for the
patient, reading for the care team; strict answers, honest statuses, no one else's data."""

from __future__ import annotations

import pytest

from outcomes.models import MeasureResponse
from tests.helpers import token_client

pytestmark = pytest.mark.django_db

RESPONSES = "/api/v1/questionnaire-responses/"


def send(client, episode, measure: str, answers: dict, submit: bool = False):
    return client.post(
        RESPONSES,
        {
            "measure": measure,
            "due_on": episode.started_on.isoformat(),
            "answers": answers,
            "submit": submit,
        },
        format="json",
    )


def test_everyone_logged_in_reads_the_measures_with_their_licence(
    patient_api, therapist_api, measures
):
    for client in (patient_api, therapist_api):
        body = client.get("/api/v1/measures/").json()
        rows = body["results"] if isinstance(body, dict) else body
        assert {row["code"] for row in rows} == {"psfs", "pain-week", "pgic", "startback"}
    one = patient_api.get("/api/v1/measures/startback/").json()
    assert "© Keele University" in one["licence"]
    assert len(one["definition"]["pages"]) == 9


def test_the_patient_lists_whats_due_and_answers_it(patient_api, episode):
    due = patient_api.get("/api/v1/me/questionnaires/").json()
    assert sorted(d["measure"] for d in due) == ["pain-week", "psfs", "startback"]
    assert all(d["overdue"] for d in due)  # due 10 days ago
    first = send(patient_api, episode, "pain-week", {"usual": 4})
    assert first.status_code == 201
    again = send(patient_api, episode, "pain-week", {"worst": 7, "best": 1}, submit=True)
    assert again.status_code == 200
    body = again.json()
    assert body["answers"] == {"usual": 4, "worst": 7, "best": 1}
    assert body["scores"] == {"average": 4.0}
    assert body["band"] == "moderate"
    assert MeasureResponse.objects.count() == 1
    due = patient_api.get("/api/v1/me/questionnaires/").json()
    assert "pain-week" not in [d["measure"] for d in due]


@pytest.mark.parametrize("bad", ["5", 5.0, True, 11, -1, "٥", [5]])
def test_a_scale_answer_must_be_a_whole_number_in_range(patient_api, episode, bad):
    response = send(patient_api, episode, "pain-week", {"usual": bad})
    assert response.status_code == 400
    assert "usual" in response.json()["answers"]
    assert not MeasureResponse.objects.exists()


def test_unknown_questions_and_options_are_refused_by_name(patient_api, episode):
    response = send(patient_api, episode, "startback", {"q1": "maybe", "q99": "agree"})
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert "Give one of: disagree, agree." in errors["q1"][0]
    assert errors["q99"] == ["No such question in this questionnaire."]


def test_sending_with_a_needed_answer_missing_is_refused(patient_api, episode):
    response = send(patient_api, episode, "pain-week", {"usual": 4}, submit=True)
    assert response.status_code == 400
    assert MeasureResponse.objects.get().submitted_at is None


def test_a_questionnaire_not_due_is_refused(patient_api, episode):
    response = send(patient_api, episode, "pgic", {"change": "6"})
    assert response.status_code == 400
    assert "measure" in response.json()


def test_answers_the_therapist_has_read_are_final(patient_api, therapist_api, episode, patient):
    send(patient_api, episode, "pain-week", {"usual": 4, "worst": 5, "best": 3}, submit=True)
    MeasureResponse.objects.update(seen_at=MeasureResponse.objects.get().submitted_at)
    assert send(patient_api, episode, "pain-week", {"usual": 1}).status_code == 409


def test_the_care_team_reads_the_answers_and_others_find_nothing(
    patient_api, therapist_api, other_therapist, other_patient, episode, patient
):
    other_therapist_api, other_patient_api = (
        token_client(other_therapist),
        token_client(other_patient.user),
    )
    sent = send(patient_api, episode, "pain-week", {"usual": 4, "worst": 5, "best": 3}, True)
    pk = sent.json()["id"]
    listed = therapist_api.get(RESPONSES, {"patient": patient.pk}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [pk]
    assert therapist_api.get(f"{RESPONSES}{pk}/").json()["scores"] == {"average": 4.0}
    for client in (other_therapist_api, other_patient_api):
        assert client.get(f"{RESPONSES}{pk}/").status_code == 404
        body = client.get(RESPONSES).json()
        assert (body["results"] if isinstance(body, dict) else body) == []


def test_therapists_do_not_answer_for_the_patient(therapist_api, episode):
    assert send(therapist_api, episode, "pain-week", {"usual": 4}).status_code == 403
    assert therapist_api.get("/api/v1/me/questionnaires/").status_code in (403, 404)
