"""Every line of DESIGN §5's decision table, sent as a patient sends it — through the HTML
pain report form and through the API — answers at the table's level in the same response
that stores the report."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from patients.guidance import Answers, Lasting, LegSymptom, Sign
from patients.models import PainReport
from tests.helpers import api_report_body, report_form_data
from tests.patients.test_guidance import TABLE

pytestmark = pytest.mark.django_db

REPORT = reverse("patients:report")
API = "/api/v1/me/pain-reports/"
LEVEL = re.compile(r'<section class="guidance[^"]*"[^>]*\bdata-level="([a-z_]+)"')

# The pure table's rows a patient can send: "unanswered" for the 15-minute question exists only
# in reports from before it was required, and both the form and the API require it now.
SENDABLE = [
    pytest.param(row.values[0], row.values[1], id=row.id)
    for row in TABLE
    if row.values[0].lasting is not None
]


def form_answers(answers: Answers) -> dict[str, object]:
    """The form as a patient fills it in: a box per sign or symptom, "None of these" otherwise."""
    legs = sorted(symptom.value for symptom in answers.leg_symptoms)
    other = [name for name in ("unwell", "fall_or_injury") if getattr(answers, name)]
    data = report_form_data(
        pain=answers.pain,
        pain_lasting=Lasting(answers.lasting).value,
        emergency=sorted(sign.value for sign in answers.signs) or "none",
        legs=legs or "none",
        other=other or "none",
    )
    if legs and answers.leg_symptoms_usual is not None:
        data["leg_change"] = "usual" if answers.leg_symptoms_usual else "new"
    return data


def api_answers(answers: Answers) -> dict[str, object]:
    return api_report_body(
        pain=answers.pain,
        pain_lasting=Lasting(answers.lasting).value,
        leg_symptoms_usual=answers.leg_symptoms_usual if answers.leg_symptoms else None,
        unwell=answers.unwell,
        fall_or_injury=answers.fall_or_injury,
        **{symptom.value: symptom in answers.leg_symptoms for symptom in LegSymptom},
        **{sign.value: sign in answers.signs for sign in Sign},
    )


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize(("given_answers", "level"), SENDABLE)
def test_each_line_of_the_table_answers_at_its_level_when_the_report_is_sent(
    channel, given_answers, level, program, patient_client, patient_api, today
):
    program.pain_threshold = given_answers.threshold
    program.save(update_fields=["pain_threshold"])
    if channel == "page":
        data = {"date": today.isoformat(), "session": 1, **form_answers(given_answers)}
        response = patient_client.post(REPORT, data)
        assert response.status_code == 200, response.content.decode()[:2000]
        shown = LEVEL.findall(response.content.decode())
    else:
        response = patient_api.post(API, api_answers(given_answers), format="json")
        assert response.status_code == 201, response.content
        shown = [response.json()["guidance"]["level"]]
    assert shown == [level.value]
    report = PainReport.objects.get()
    assert (report.pain, report.prescription_id) == (given_answers.pain, program.pk)
