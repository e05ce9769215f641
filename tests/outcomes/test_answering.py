"""A patient answers a due questionnaire on their phone: from Today, a short page at a time,
saved as they go, and sent once; a second sending edits it until the therapist has read it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import MeasureResponse
from outcomes.schedule import latest_due_date
from tests.helpers import read_form

pytestmark = pytest.mark.django_db

TODAY_URL = reverse("patients:today")


def start(client, code: str, due_on: datetime.date):
    return client.post(reverse("outcomes:start", args=[code, due_on]))


def answer(client, response: MeasureResponse, number: int, data: dict, action: str = "next"):
    return client.post(
        reverse("outcomes:page", args=[response.pk, number]), {**data, "action": action}
    )


def test_today_shows_the_due_questionnaires_first(patient_client, episode, bridge):
    html = patient_client.get(TODAY_URL).content.decode()
    assert html.count("A short questionnaire") == 3  # STarT Back, activities, weekly pain
    assert html.index("A short questionnaire") < html.index("Bridge")
    assert "A short questionnaire (2 minutes)" in html
    assert "A short questionnaire (1 minute)" in html
    # Not the discharge one: not asked yet.
    assert reverse("outcomes:start", args=["pgic", episode.started_on]) not in html


def test_a_patient_answers_the_activities_scale_page_by_page_and_sends_it(
    patient_client, episode, therapist_client, patient
):
    response = start(patient_client, "psfs", episode.started_on)
    sent = MeasureResponse.objects.get(measure__code="psfs")
    assert response["Location"] == reverse("outcomes:page", args=[sent.pk, 1])
    page = patient_client.get(response["Location"]).content.decode()
    assert "Page 1 of 5" in page
    assert "Activity 1: one thing you find hard to do" in page
    assert "Free to use." in page  # the licence line
    answer(patient_client, sent, 1, {"activity_1": "Climbing stairs", "rating_1": "3"})
    answer(patient_client, sent, 2, {"activity_2": "Gardening", "rating_2": "5"})
    done = answer(patient_client, sent, 3, {"activity_3": "", "rating_3": ""}, action="finish")
    assert done["Location"] == reverse("outcomes:review", args=[sent.pk])
    review = patient_client.get(done["Location"]).content.decode()
    assert "Climbing stairs" in review
    assert "Gardening" in review
    sent_page = patient_client.post(done["Location"], follow=True).content.decode()
    assert "Your answers are sent to your therapist" in sent_page
    sent.refresh_from_db()
    assert sent.scores == {"score": 4.0}
    assert sent.submitted_at is not None
    assert "A short questionnaire (2 minutes)" in sent_page  # STarT Back still waits
    assert reverse("outcomes:start", args=["psfs", episode.started_on]) not in sent_page


def test_an_activity_named_without_a_rating_asks_for_it_and_keeps_the_name(patient_client, episode):
    start(patient_client, "psfs", episode.started_on)
    sent = MeasureResponse.objects.get()
    page = answer(patient_client, sent, 1, {"activity_1": "Walking the dog", "rating_1": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert "This field is required." in html or "Choose a number" in html
    assert 'value="Walking the dog"' in html
    sent.refresh_from_db()
    assert sent.answers == {}


def test_an_interrupted_questionnaire_resumes_where_it_stopped(patient_client, episode):
    start(patient_client, "startback", episode.started_on)
    sent = MeasureResponse.objects.get()
    for number in (1, 2, 3):
        answer(patient_client, sent, number, {f"q{number}": "agree"})
    today = patient_client.get(TODAY_URL).content.decode()
    assert "Go on (3 of 9 answered)" in today
    again = start(patient_client, "startback", episode.started_on)
    assert again["Location"] == reverse("outcomes:page", args=[sent.pk, 4])
    assert MeasureResponse.objects.count() == 1


def test_the_back_button_keeps_what_was_chosen(patient_client, episode):
    start(patient_client, "startback", episode.started_on)
    sent = MeasureResponse.objects.get()
    answer(patient_client, sent, 1, {"q1": "agree"})
    back = answer(patient_client, sent, 2, {"q2": "disagree"}, action="back")
    assert back["Location"] == reverse("outcomes:page", args=[sent.pk, 1])
    form = read_form(patient_client.get(back["Location"]), "questionnaire-form")
    assert form.data()["q1"] == ["agree"]


def test_a_sent_questionnaire_can_be_changed_until_the_therapist_has_read_it(
    patient_client, therapist_client, episode, patient
):
    start(patient_client, "pain-week", episode.started_on)
    sent = MeasureResponse.objects.get()
    for number, item in enumerate(("usual", "worst", "best"), start=1):
        answer(patient_client, sent, number, {item: "6"})
    patient_client.post(reverse("outcomes:review", args=[sent.pk]))
    # A second sending for the same due date edits the one response.
    answer(patient_client, sent, 2, {"worst": "9"})
    patient_client.post(reverse("outcomes:review", args=[sent.pk]))
    sent.refresh_from_db()
    assert MeasureResponse.objects.count() == 1
    assert sent.scores == {"average": 7.0}
    # The therapist opens the progress page: the answers become final.
    therapist_client.get(reverse("monitoring:patient_progress", args=[patient.pk]))
    sent.refresh_from_db()
    assert sent.seen_at is not None
    refused = answer(patient_client, sent, 2, {"worst": "2"})
    assert refused["Location"] == reverse("outcomes:review", args=[sent.pk])
    review = patient_client.get(refused["Location"]).content.decode()
    assert "Your therapist has read these answers." in review
    sent.refresh_from_db()
    assert sent.answers["worst"] == 9


def test_nothing_is_sent_while_a_needed_answer_is_missing(patient_client, episode):
    start(patient_client, "pain-week", episode.started_on)
    sent = MeasureResponse.objects.get()
    answer(patient_client, sent, 1, {"usual": "4"})
    page = patient_client.post(reverse("outcomes:review", args=[sent.pk]), follow=True)
    assert "Some questions still need an answer" in page.content.decode()
    sent.refresh_from_db()
    assert sent.submitted_at is None


def test_answers_are_only_whole_numbers_in_range_or_the_options_offered(patient_client, episode):
    start(patient_client, "pain-week", episode.started_on)
    sent = MeasureResponse.objects.get()
    for bad in ("11", "-1", "5.0", "٥", "lots"):
        page = answer(patient_client, sent, 1, {"usual": bad})
        assert page.status_code == 200, bad
        assert "Select a valid choice" in page.content.decode()
    start(patient_client, "startback", episode.started_on)
    tool = MeasureResponse.objects.get(measure__code="startback")
    assert answer(patient_client, tool, 1, {"q1": "maybe"}).status_code == 200
    sent.refresh_from_db()
    tool.refresh_from_db()
    assert (sent.answers, tool.answers) == ({}, {})


def test_someone_elses_questionnaire_answers_404(client, episode, other_patient, patient_client):
    start(patient_client, "pain-week", episode.started_on)
    sent = MeasureResponse.objects.get()
    client.force_login(other_patient.user)
    assert client.get(reverse("outcomes:page", args=[sent.pk, 1])).status_code == 404
    assert client.get(reverse("outcomes:review", args=[sent.pk])).status_code == 404
    assert start(client, "pain-week", episode.started_on)["Location"] == TODAY_URL
    assert MeasureResponse.objects.count() == 1


def test_a_patient_reading_spanish_is_told_the_questionnaire_is_in_english_only(
    patient_client, episode, patient
):
    patient.language = "es"
    patient.save()
    start(patient_client, "pain-week", episode.started_on)
    sent = MeasureResponse.objects.get()
    assert sent.language == "en"
    html = patient_client.get(reverse("outcomes:page", args=[sent.pk, 1])).content.decode()
    # The note says so in Spanish, naming the original language.
    assert re.search(r'<p class="day-note">[^<]*inglés', html, re.IGNORECASE)
    assert 'lang="en"' in html
    assert "Your usual pain over the last 7 days" in html


def test_the_next_round_is_due_two_weeks_after_the_start(episode, today):
    repeat = episode.schedule.get(measure__code="psfs")
    assert latest_due_date(repeat, episode, today) == episode.started_on
    later = episode.started_on + datetime.timedelta(days=14)
    assert latest_due_date(repeat, episode, later) == later
    intake = episode.schedule.get(measure__code="startback")
    assert latest_due_date(intake, episode, later) == episode.started_on


def test_an_overdue_questionnaire_stays_on_today_marked_as_waiting(patient_client, episode):
    html = patient_client.get(TODAY_URL).content.decode()
    assert "It has been waiting a few days." in html  # due 10 days ago


def test_a_questionnaire_due_today_is_not_overdue(patient_client, episode, today):
    episode.started_on = today
    episode.save()
    assert "It has been waiting" not in patient_client.get(TODAY_URL).content.decode()


def test_after_discharge_nothing_is_due(patient_client, episode, today):
    episode.ended_on = today
    episode.save()
    assert "A short questionnaire" not in patient_client.get(TODAY_URL).content.decode()


@pytest.mark.parametrize("answered", [0, 3])
def test_today_with_questionnaires_costs_two_queries_more(
    patient_client, episode, bridge, answered, django_assert_num_queries
):
    for _ in range(answered):
        MeasureResponse.objects.create(
            episode=episode,
            measure=episode.schedule.first().measure,
            due_on=episode.started_on - datetime.timedelta(days=_ + 1),
            version="1",
            language="en",
            submitted_at=timezone.now(),
        )
    patient_client.get(TODAY_URL)
    from tests.patients.test_today import TODAY_QUERIES

    with django_assert_num_queries(TODAY_QUERIES + 2):
        patient_client.get(TODAY_URL)
