"""The therapist's side: an episode of care with its questionnaires, the change they show
against the minimal clinically important difference, discharge and its summary."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from outcomes.models import Episode, MeasureResponse
from outcomes.services import submit
from patients.models import Alert, AlertKind
from tests.factories import PainReportFactory
from tests.helpers import read_form

pytestmark = pytest.mark.django_db


def progress(client, patient) -> str:
    return client.get(reverse("monitoring:patient_progress", args=[patient.pk])).content.decode()


def answered(episode, code: str, due_on: datetime.date, answers: dict) -> MeasureResponse:
    response = MeasureResponse.objects.create(
        episode=episode,
        measure=episode.schedule.get(measure__code=code).measure,
        due_on=due_on,
        version="1",
        language="en",
        answers=answers,
    )
    return submit(response=response)


def test_the_therapist_starts_an_episode_with_the_low_back_pain_set_suggested(
    therapist_client, patient, measures
):
    url = reverse("outcomes:episode_start", args=[patient.pk])
    form = read_form(therapist_client.get(url), "episode-form")
    data = form.data()
    assert data["timing_startback"] == ["intake"]
    assert (data["timing_psfs"], data["weeks_psfs"]) == (["repeat"], ["2"])
    assert data["timing_pgic"] == ["discharge"]
    response = therapist_client.post(url, data)
    assert response.status_code == 302
    episode = Episode.objects.get(patient=patient)
    assert sorted(episode.schedule.values_list("measure__code", "timing", "every_weeks")) == [
        ("pain-week", "repeat", 2),
        ("pgic", "discharge", None),
        ("psfs", "repeat", 2),
        ("startback", "intake", None),
    ]
    assert "Episode of care since" in progress(therapist_client, patient)


def test_a_bad_choice_re_renders_with_a_message_and_starts_nothing(
    therapist_client, patient, measures, today
):
    url = reverse("outcomes:episode_start", args=[patient.pk])
    data = read_form(therapist_client.get(url), "episode-form").data()
    data.update(weeks_psfs=[""], started_on=[(today + datetime.timedelta(days=3)).isoformat()])
    page = therapist_client.post(url, data).content.decode()
    assert "Say how many weeks apart." in page
    assert "An episode starts today or on a day already past." in page
    assert not Episode.objects.exists()


def test_only_one_episode_is_open_at_a_time(therapist_client, patient, episode):
    url = reverse("outcomes:episode_start", args=[patient.pk])
    response = therapist_client.get(url)
    assert response["Location"] == reverse("monitoring:patient_progress", args=[patient.pk])
    assert Episode.objects.count() == 1


def test_another_therapist_finds_no_episode_pages(client, other_therapist, patient, episode):
    client.force_login(other_therapist)
    for url in (
        reverse("outcomes:episode_start", args=[patient.pk]),
        reverse("outcomes:discharge", args=[patient.pk]),
        reverse("outcomes:summary", args=[patient.pk, episode.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("outcomes:ask_discharge", args=[patient.pk])).status_code == 404
    episode.refresh_from_db()
    assert episode.discharge_asked_on is None


def test_the_progress_page_tells_the_change_against_the_mcid_in_words(
    therapist_client, patient, episode
):
    start = episode.started_on
    answered(episode, "psfs", start, {"activity_1": "Stairs", "rating_1": 3})
    answered(
        episode,
        "psfs",
        start + datetime.timedelta(days=14),
        {"activity_1": "Stairs", "rating_1": 6},
    )
    answered(episode, "pain-week", start, {"usual": 6, "worst": 8, "best": 4})
    answered(
        episode,
        "pain-week",
        start + datetime.timedelta(days=14),
        {"usual": 5, "worst": 7, "best": 3},
    )
    html = progress(therapist_client, patient)
    since = start.strftime("%A %-d %B")
    assert f"Improved by 3 points since {since}: a clinically important change." in html
    assert (
        f"Improved by 1 points since {since}: less than the 1.8 points that make a clinically "
        "important change."
    ) in html
    assert html.count('class="mcid-zone"') == 2
    assert '<svg class="score-chart" role="img"' in html


def test_the_start_back_risk_group_is_on_the_patients_header(therapist_client, patient, episode):
    answers = {f"q{n}": "agree" for n in (1, 5, 6, 7)} | {f"q{n}": "disagree" for n in (2, 3, 4, 8)}
    answered(episode, "startback", episode.started_on, {**answers, "q9": "extremely"})
    for url in (
        reverse("monitoring:patient_progress", args=[patient.pk]),
        reverse("clinic:patient_detail", args=[patient.pk]),
    ):
        html = therapist_client.get(url).content.decode()
        assert "Keele STarT Back Screening Tool: High risk" in html


def test_discharge_asks_the_last_questionnaire_then_writes_the_summary(
    therapist_client, patient_client, patient, episode, bridge, today
):
    therapist_client.post(reverse("outcomes:ask_discharge", args=[patient.pk]))
    today_page = patient_client.get(reverse("patients:today")).content.decode()
    assert reverse("outcomes:start", args=["pgic", today]) in today_page
    answered(episode, "pgic", today, {"change": "6"})
    alert = Alert.objects.create(patient=patient, kind=AlertKind.RED_FLAG, message="Numbness")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = episode.started_by
    alert.acknowledgement_note = "Called: seen by the GP the same day."
    alert.save()
    PainReportFactory(patient=patient, prescription=bridge.prescription, date=today, pain=3)
    response = therapist_client.post(
        reverse("outcomes:discharge", args=[patient.pk]),
        {"note": "Back to gardening. Keeps the maintenance program twice a week."},
    )
    summary_url = reverse("outcomes:summary", args=[patient.pk, episode.pk])
    assert response["Location"] == summary_url
    episode.refresh_from_db()
    assert episode.ended_on == today
    html = therapist_client.get(summary_url).content.decode()
    assert "Back to gardening." in html
    assert "Intake red-flag screen:" in html
    assert "A clinically important improvement" in html  # the PGIC band
    assert "Called: seen by the GP the same day." in html
    assert "Gentle back program" in html
    assert "© Keele University" in html
    # The program goes on: discharge ends the questionnaires, not the maintenance program.
    bridge.prescription.refresh_from_db()
    assert bridge.prescription.status == "active"
    assert (
        "A short questionnaire"
        not in patient_client.get(reverse("patients:today")).content.decode()
    )


def test_a_discharge_without_a_note_is_refused(therapist_client, patient, episode):
    page = therapist_client.post(reverse("outcomes:discharge", args=[patient.pk]), {"note": " "})
    assert "This field is required." in page.content.decode()
    episode.refresh_from_db()
    assert episode.ended_on is None


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_summary_downloads_as_a_pdf_on_a4_and_letter(
    therapist_client, patient, episode, paper, size
):
    answered(episode, "psfs", episode.started_on, {"activity_1": "Stairs", "rating_1": 3})
    url = reverse("outcomes:summary", args=[patient.pk, episode.pk])
    response = therapist_client.get(url, {"format": "pdf", "paper": paper})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="discharge-summary-')
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert tuple(round(float(v)) for v in first.mediabox.upper_right) == size
    text = " ".join(page.extract_text() for page in reader.pages)
    assert patient.display_name in text
    assert "Patient-Specific Functional Scale" in text
    assert f"Page 1 / {len(reader.pages)}" in text


def test_an_archived_patients_record_is_read_only(therapist_client, patient, episode):
    patient.archived_at = timezone.now()
    patient.save()
    assert (
        therapist_client.post(reverse("outcomes:ask_discharge", args=[patient.pk])).status_code
        == 404
    )
    assert "Start an episode" not in progress(therapist_client, patient)


@pytest.mark.parametrize("rounds", [1, 6])
def test_progress_page_queries_do_not_grow_with_responses(
    therapist_client, patient, episode, rounds, django_assert_num_queries
):
    for n in range(rounds):
        day = episode.started_on + datetime.timedelta(days=14 * n)
        answered(episode, "psfs", day, {"activity_1": "Stairs", "rating_1": n})
        answered(episode, "pain-week", day, {"usual": 5, "worst": 6, "best": 4})
    url = reverse("monitoring:patient_progress", args=[patient.pk])
    therapist_client.get(url)
    # As tests/monitoring (14 with no program), with the episode's schedule and responses:
    # 1 session, 2 user, 3 therapist group, 4 patient, 5 programs, 6 alerts, 7 days with data,
    # 8 the latest episode, 9 its schedule with measures, 10 its responses (marked seen on the
    # first visit: none left to mark), 11 the audit entry.
    with django_assert_num_queries(11):
        therapist_client.get(url)


def test_an_overdue_questionnaire_shows_on_the_dashboard(therapist_client, patient, episode):
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    assert "Questionnaire overdue: Keele STarT Back Screening Tool, since" in html
    answers = {f"q{n}": "disagree" for n in range(1, 9)}
    answered(episode, "startback", episode.started_on, {**answers, "q9": "slightly"})
    html = therapist_client.get(reverse("monitoring:dashboard")).content.decode()
    assert "Questionnaire overdue: Keele STarT Back" not in html
