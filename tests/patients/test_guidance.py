"""The decision table of DESIGN §5, row by row and at its boundaries, as a pure function."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.guidance import (
    AlertLevel,
    Answers,
    Lasting,
    LegSymptom,
    Level,
    Row,
    Sign,
    decide,
    guidance_for,
)

PHONE = "+1 555 0100"
LEGS = frozenset({LegSymptom.TINGLING})


def answers(**fields: object) -> Answers:
    base: dict[str, object] = {"pain": 2, "threshold": 5, "lasting": Lasting.NO}
    return Answers(**{**base, **fields})  # type: ignore[arg-type]


TABLE = [
    # (the answers, level shown, rows met, alert)
    *[
        pytest.param(
            answers(signs=frozenset({sign})),
            Level.EMERGENCY,
            [Row.EMERGENCY_SIGN],
            AlertLevel.CRITICAL,
            id=f"row1-{sign.value}",
        )
        for sign in Sign
    ],
    *[
        pytest.param(
            answers(leg_symptoms=frozenset({symptom}), leg_symptoms_usual=usual),
            Level.STOP,
            [Row.LEG_SYMPTOMS_NEW],
            AlertLevel.URGENT,
            id=f"row2-{symptom.value}-{'unanswered' if usual is None else 'new'}",
        )
        for symptom in LegSymptom
        for usual in (None, False)
    ],
    pytest.param(
        answers(unwell=True), Level.STOP, [Row.UNWELL_OR_FALL], AlertLevel.URGENT, id="row3-unwell"
    ),
    pytest.param(
        answers(fall_or_injury=True),
        Level.STOP,
        [Row.UNWELL_OR_FALL],
        AlertLevel.URGENT,
        id="row3-fall",
    ),
    pytest.param(
        answers(pain=7, threshold=6),
        Level.STOP,
        [Row.SEVERE_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row4-pain-7",
    ),
    pytest.param(
        answers(pain=7, threshold=5),
        Level.STOP,
        [Row.SEVERE_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row4-pain-7-threshold-5",
    ),
    pytest.param(
        answers(pain=10, threshold=5, lasting=Lasting.NOT_SURE),
        Level.STOP,
        [Row.SEVERE_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row4-pain-10-not-sure",
    ),
    pytest.param(
        answers(pain=10, threshold=6, lasting=Lasting.NO),
        Level.STOP,
        [Row.SEVERE_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row4-pain-10",
    ),
    pytest.param(
        answers(pain=10, threshold=6, lasting=Lasting.YES),
        Level.STOP,
        [Row.SEVERE_PAIN, Row.LASTING_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row4-pain-10-lasting",
    ),
    pytest.param(
        answers(pain=6, threshold=6, lasting=Lasting.YES),
        Level.STOP,
        [Row.LASTING_PAIN],
        AlertLevel.URGENT,
        id="row5-pain-6-over-5",
    ),
    pytest.param(
        answers(pain=3, threshold=2, lasting=Lasting.YES),
        Level.STOP,
        [Row.LASTING_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row5-above-threshold",
    ),
    pytest.param(
        answers(pain=1, threshold=0, lasting=Lasting.YES),
        Level.STOP,
        [Row.LASTING_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row5-threshold-0-pain-1",
    ),
    pytest.param(
        answers(pain=5, threshold=0, lasting=Lasting.YES),
        Level.STOP,
        [Row.LASTING_PAIN, Row.ABOVE_THRESHOLD],
        AlertLevel.URGENT,
        id="row5-threshold-0-pain-5",
    ),
    pytest.param(
        answers(pain=5, threshold=6, lasting=Lasting.YES),
        Level.OK,
        [],
        None,
        id="row5-not-met-5-under-6",
    ),
    pytest.param(
        answers(pain=5, threshold=5, lasting=Lasting.YES),
        Level.OK,
        [],
        None,
        id="row5-not-met-at-5",
    ),
    pytest.param(
        answers(pain=6, threshold=6, lasting=Lasting.NOT_SURE),
        Level.OK,
        [],
        None,
        id="row5-not-sure-yet",
    ),
    pytest.param(
        answers(pain=6, threshold=5),
        Level.EASE_OFF,
        [Row.ABOVE_THRESHOLD],
        AlertLevel.ATTENTION,
        id="row6-6-over-5",
    ),
    pytest.param(
        answers(pain=1, threshold=0),
        Level.EASE_OFF,
        [Row.ABOVE_THRESHOLD],
        AlertLevel.ATTENTION,
        id="row6-threshold-0",
    ),
    pytest.param(
        answers(pain=6, threshold=5, lasting=Lasting.NOT_SURE),
        Level.EASE_OFF,
        [Row.ABOVE_THRESHOLD],
        AlertLevel.ATTENTION,
        id="row6-not-sure",
    ),
    *[
        pytest.param(
            answers(leg_symptoms=frozenset({symptom}), leg_symptoms_usual=True),
            Level.EASE_OFF,
            [Row.LEG_SYMPTOMS_USUAL],
            AlertLevel.ATTENTION,
            id=f"row7-{symptom.value}-usual",
        )
        for symptom in LegSymptom
    ],
    pytest.param(answers(pain=5, threshold=5), Level.OK, [], None, id="row8-at-threshold"),
    pytest.param(answers(pain=6, threshold=6), Level.OK, [], None, id="row8-6-at-6"),
    pytest.param(answers(pain=0, threshold=0), Level.OK, [], None, id="row8-threshold-0"),
    pytest.param(
        answers(pain=0, threshold=0, lasting=Lasting.YES),
        Level.OK,
        [],
        None,
        id="row8-threshold-0-no-pain-lasting",
    ),
    pytest.param(answers(pain=0, lasting=None), Level.OK, [], None, id="row8-unanswered"),
]


@pytest.mark.parametrize(("given_answers", "level", "rows", "alert"), TABLE)
def test_each_row_of_the_decision_table(given_answers, level, rows, alert):
    decision = decide(given_answers)
    assert decision.level == level
    assert list(decision.rows) == rows
    assert decision.alert == alert
    assert decision.pauses == (level in (Level.STOP, Level.EMERGENCY))


def test_the_first_row_met_wins_for_the_patient_and_the_worst_for_the_alert():
    decision = decide(
        answers(
            pain=9,
            lasting=Lasting.YES,
            signs=frozenset({Sign.CHEST}),
            unwell=True,
            leg_symptoms=LEGS,
        )
    )
    assert decision.level == Level.EMERGENCY
    assert decision.rows[0] == Row.EMERGENCY_SIGN
    assert set(decision.rows) >= {Row.LEG_SYMPTOMS_NEW, Row.UNWELL_OR_FALL, Row.SEVERE_PAIN}
    assert decision.alert == AlertLevel.CRITICAL


def test_an_emergency_says_call_the_emergency_number_now_with_a_call_link():
    guidance = guidance_for(
        answers(signs=frozenset({Sign.BLADDER_BOWEL})), clinic_phone=PHONE, emergency_number="112"
    )
    assert guidance.title == "Call 112 now"
    assert "call 112 now" in guidance.message
    assert guidance.emergency_href == "tel:112"


def test_without_an_emergency_number_it_says_your_local_emergency_number():
    guidance = guidance_for(answers(signs=frozenset({Sign.SADDLE_NUMBNESS})))
    assert "your local emergency number" in guidance.message
    assert guidance.emergency_href == ""


def test_a_stop_screen_gives_the_clinic_phone_and_says_the_exercises_are_paused():
    guidance = guidance_for(answers(pain=10, threshold=6), clinic_phone=PHONE)
    assert guidance.level == Level.STOP
    assert guidance.show_phone
    assert PHONE in guidance.message
    assert guidance.phone_href == "tel:+15550100"
    assert "paused" in guidance.message
    assert "within what your therapist expects" not in guidance.message


def test_pain_10_with_threshold_6_never_reassures():
    for lasting in (Lasting.YES, Lasting.NO, Lasting.NOT_SURE, None):
        guidance = guidance_for(answers(pain=10, threshold=6, lasting=lasting))
        assert guidance.level == Level.STOP
        assert "Well done" not in guidance.message


def test_ok_says_mild_discomfort_up_to_the_threshold_is_expected():
    guidance = guidance_for(answers(pain=4, threshold=5))
    assert guidance.level == Level.OK
    assert "Mild discomfort up to 5 out of 10 is expected" in guidance.message


all_answers = st.builds(
    Answers,
    pain=st.integers(0, 10),
    threshold=st.integers(0, 6),
    lasting=st.sampled_from([Lasting.NO, Lasting.NOT_SURE, Lasting.YES, None]),
    leg_symptoms=st.frozensets(st.sampled_from(list(LegSymptom))),
    leg_symptoms_usual=st.sampled_from([True, False, None]),
    signs=st.frozensets(st.sampled_from(list(Sign))),
    unwell=st.booleans(),
    fall_or_injury=st.booleans(),
)


def _rank(a: Answers) -> int:
    return decide(a).level.rank


@given(a=all_answers, more=st.integers(0, 10))
def test_more_pain_never_lowers_the_level(a, more):
    worse = Answers(**{**a.__dict__, "pain": min(a.pain + more, 10)})
    assert _rank(worse) >= _rank(a)


@given(a=all_answers, sign=st.sampled_from(list(Sign)), symptom=st.sampled_from(list(LegSymptom)))
def test_a_symptom_or_sign_added_never_lowers_the_level(a, sign, symptom):
    assert _rank(Answers(**{**a.__dict__, "signs": a.signs | {sign}})) >= _rank(a)
    assert _rank(Answers(**{**a.__dict__, "leg_symptoms": a.leg_symptoms | {symptom}})) >= _rank(a)
    assert _rank(Answers(**{**a.__dict__, "unwell": True})) >= _rank(a)
    assert _rank(Answers(**{**a.__dict__, "fall_or_injury": True})) >= _rank(a)


@given(a=all_answers)
def test_lasting_instead_of_not_never_lowers_the_level(a):
    assert _rank(Answers(**{**a.__dict__, "lasting": Lasting.YES})) >= _rank(a)


@given(a=all_answers)
def test_new_leg_symptoms_are_never_milder_than_usual_ones(a):
    usual = Answers(**{**a.__dict__, "leg_symptoms_usual": True})
    assert _rank(Answers(**{**a.__dict__, "leg_symptoms_usual": False})) >= _rank(usual)
    assert _rank(Answers(**{**a.__dict__, "leg_symptoms_usual": None})) >= _rank(usual)


@given(a=all_answers)
def test_every_stop_or_emergency_tells_the_patient_to_call(a):
    guidance = guidance_for(a, clinic_phone=PHONE, emergency_number="112")
    if guidance.is_stop:
        assert "call" in guidance.message.lower()
        assert "Well done" not in guidance.message
