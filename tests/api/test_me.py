"""Who is logged in, and the patient's plan for a day."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import PATIENT_WORDS, Precaution
from patients.services import record_completion, submit_pain_report
from prescriptions.models import Status
from tests.factories import EquipmentFactory, MediaFactory
from tests.helpers import ONE_DAY

pytestmark = pytest.mark.django_db

PLAN = "/api/v1/me/plan/"


def test_me_tells_a_therapist_their_role(therapist, therapist_api):
    body = therapist_api.get("/api/v1/me/").json()
    assert (body["username"], body["role"], body["patient"]) == (
        therapist.username,
        "therapist",
        None,
    )


def test_me_gives_a_patient_their_local_today_and_clinic_phone(patient, patient_api):
    patient.timezone = "Pacific/Kiritimati"
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    body = patient_api.get("/api/v1/me/").json()
    assert body["role"] == "patient"
    assert body["patient"]["today"] == patient.local_today().isoformat()
    assert body["patient"]["clinic_phone"] == "+1 555 0100"


def test_me_gives_the_clinic_wide_phone_when_the_patient_has_none(patient, patient_api, settings):
    settings.REHABIT_CLINIC_PHONE = "+49 30 1234567"
    patient.clinic_phone = ""
    patient.save()
    assert patient_api.get("/api/v1/me/").json()["patient"]["clinic_phone"] == "+49 30 1234567"
    patient.clinic_phone = "+1 555 0100"
    patient.save()
    assert patient_api.get("/api/v1/me/").json()["patient"]["clinic_phone"] == "+1 555 0100"


def test_me_names_the_patients_conditions_in_everyday_words_next_to_their_codes(
    patient, patient_api
):
    patient.conditions = ["spondylolisthesis", "herniated_disc", "knee"]
    patient.save()
    me = patient_api.get("/api/v1/me/").json()["patient"]
    assert me["conditions"] == ["spondylolisthesis", "herniated_disc", "knee"]
    assert me["condition_labels"] == [
        {"code": "spondylolisthesis", "label": "A bone in your back that has slipped forward"},
        {"code": "herniated_disc", "label": "A slipped disc in your back"},
        {"code": "knee", "label": "Knee problems"},
    ]


def test_every_condition_has_everyday_words_without_its_clinical_name():
    jargon = ("osteoporosis", "herniated", "acute", "stenosis", "spondylolisthesis", "spinal")
    for condition in Precaution:
        words = PATIENT_WORDS[condition]
        assert words[0].isupper(), condition
        assert not [term for term in jargon if term in words.lower()], condition


def test_plan_lists_todays_sessions_with_dose_and_completion_state(
    patient, patient_api, bridge, walk, today
):
    bridge.exercise.equipment.add(EquipmentFactory(name="Mat"))
    patient.conditions = ["knee"]
    patient.save()
    completion, _ = record_completion(patient=patient, item=bridge, day=today, session=1)
    response = patient_api.get(PLAN)
    assert response.status_code == 200
    plan = response.json()
    assert (plan["date"], plan["today"], plan["can_log"]) == (today.isoformat(),) * 2 + (True,)
    assert (plan["due_count"], plan["done_count"], plan["all_done"]) == (4, 1, False)
    [program] = plan["programs"]
    assert program["title"] == "Gentle back program"
    assert [session["number"] for session in program["sessions"]] == [1, 2]
    first = program["sessions"][0]
    assert (first["done_count"], first["total"]) == (1, 2)
    done, todo = first["items"]
    assert (done["item_id"], done["done"], done["completion"]["id"]) == (
        bridge.pk,
        True,
        completion.pk,
    )
    assert done["dose_text"] == "3 sets of 10 repetitions, hold 5 seconds, each side"
    assert done["exercise"]["steps"] == [
        "Lie on your back with knees bent.",
        "Lift your hips slowly.",
    ]
    assert done["exercise"]["equipment"] == ["Mat"]
    # The conftest bridge conflicts with knees and has no tip of its own: the default for knees.
    assert done["safety_tips"] == ["If your knees hurt, put a cushion under them."]
    assert (done["timer_sides"], done["load"]) == (2, "light band")
    assert (todo["item_id"], todo["done"], todo["completion"], todo["current"]) == (
        walk.pk,
        False,
        None,
        True,
    )
    assert plan["pain_reports"] == []
    assert plan["stop"] is None


def test_plan_gives_each_exercises_picture_for_its_side_and_the_therapists_media(
    patient_api, patient_client, bridge, walk
):
    bridge.side = "right"
    bridge.save()
    clip = MediaFactory(item=bridge, title="Your bridge, filmed in the clinic")
    MediaFactory(item=bridge, removed_at=timezone.now())  # taken away: not listed
    items = patient_api.get(PLAN).json()["programs"][0]["sessions"][0]["items"]
    by_id = {item["item_id"]: item for item in items}
    picture = by_id[bridge.pk]["exercise"]["picture_url"]
    assert picture.endswith(f"/exercises/{bridge.exercise.slug}/picture.svg?side=right")
    assert "?side" not in by_id[walk.pk]["exercise"]["picture_url"]
    [media] = by_id[bridge.pk]["media"]
    assert media["url"].endswith(reverse("patients:media_file", args=[clip.key]))
    assert (media["kind"], media["content_type"], media["title"]) == (
        "video",
        "video/mp4",
        "Your bridge, filmed in the clinic",
    )
    assert by_id[walk.pk]["media"] == []
    # Both answer the patient who follows them.
    assert "scale(-1 1)" in patient_client.get(picture).content.decode()
    assert patient_client.get(media["url"]).status_code == 200


def test_plan_for_yesterday_can_still_be_logged_but_not_older_days(patient_api, bridge, today):
    yesterday = patient_api.get(PLAN, {"date": (today - ONE_DAY).isoformat()}).json()
    assert (yesterday["date"], yesterday["can_log"]) == ((today - ONE_DAY).isoformat(), True)
    older = patient_api.get(PLAN, {"date": (today - 2 * ONE_DAY).isoformat()}).json()
    assert older["can_log"] is False
    assert older["due_count"] == 2


def test_plan_of_a_day_before_the_program_is_empty(patient_api, program, bridge):
    before = program.start_date - ONE_DAY
    plan = patient_api.get(PLAN, {"date": before.isoformat()}).json()
    assert (plan["programs"], plan["due_count"]) == ([], 0)


def test_plan_leaves_out_a_paused_program(patient_api, program, bridge):
    program.status = Status.PAUSED
    program.save()
    assert patient_api.get(PLAN).json()["programs"] == []


def test_plan_carries_the_days_reports_and_the_advice_to_stop(patient, patient_api, bridge, today):
    submit_pain_report(patient=patient, day=today, session=1, pain=2, pain_lasting="no")
    plan = patient_api.get(PLAN).json()
    assert [r["guidance"]["level"] for r in plan["pain_reports"]] == ["ok"]
    assert (plan["stop"], plan["safety_pause"]) == (None, None)
    assert plan["next_report_session"] == 2
    submit_pain_report(
        patient=patient, day=today, session=2, pain=4, weakness=True, pain_lasting="no"
    )
    plan = patient_api.get(PLAN).json()
    first, second = plan["pain_reports"]
    assert (second["session"], second["pain"], second["guidance"]["level"]) == (2, 4, "stop")
    assert plan["stop"]["title"] == "Your exercises are paused"  # the pause's own words
    assert plan["safety_pause"]["reason"] == "stop"
    # The safety pause holds the program: nothing is due until the therapist ends it.
    assert (plan["programs"], plan["due_count"]) == ([], 0)


def test_plan_lists_ticks_of_an_exercise_taken_out_since(patient, patient_api, bridge, today):
    record_completion(patient=patient, item=bridge, day=today, session=1)
    bridge.removed_on = today
    bridge.save()
    plan = patient_api.get(PLAN).json()
    assert plan["programs"] == []
    assert [c["exercise_name"] for c in plan["other_completions"]] == ["Bridge"]


def test_plan_date_must_be_a_real_date(patient_api):
    response = patient_api.get(PLAN, {"date": "2026-02-30"})
    assert response.status_code == 400
    assert set(response.json()) == {"date"}


def test_therapists_have_no_plan(therapist_api):
    assert therapist_api.get(PLAN).status_code == 404


def test_a_patient_never_sees_another_patients_plan(other_patient, other_item, patient_api):
    plan = patient_api.get(PLAN).json()
    assert plan["programs"] == []
