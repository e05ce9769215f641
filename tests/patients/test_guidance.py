"""Safety guidance after a pain report (DESIGN §5), as a pure function: every answer checked."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.guidance import EASE_OFF, OK, STOP, guidance_for

PHONE = "+1 555 0100"
PAINS = range(11)
THRESHOLDS = range(11)
SEVERITY = {OK: 0, EASE_OFF: 1, STOP: 2}


def expected_level(pain: int, lasted: bool, red_flag: bool, threshold: int) -> str:
    """The rules as written in the design guide, one line each."""
    if red_flag:
        return STOP
    if pain > threshold and lasted:
        return STOP
    if pain > threshold:
        return EASE_OFF
    return OK


@pytest.mark.parametrize("phone", ["", PHONE])
def test_every_answer_gets_the_guidance_the_rules_call_for(phone):
    for pain, lasted, red_flag, threshold in itertools.product(
        PAINS, [False, True], [False, True], THRESHOLDS
    ):
        guidance = guidance_for(
            pain=pain,
            lasted_over_15_min=lasted,
            red_flag=red_flag,
            threshold=threshold,
            clinic_phone=phone,
        )
        level = expected_level(pain, lasted, red_flag, threshold)
        assert guidance.level == level, (pain, lasted, red_flag, threshold)
        assert guidance.show_phone == (level == STOP and bool(phone))
        if level == STOP:
            assert guidance.title == "Stop and contact your therapist"
            assert "therapist" in guidance.message
        elif level == EASE_OFF:
            assert "fewer repetitions" in guidance.message
            assert "more slowly" in guidance.message
        else:
            assert "Well done" in guidance.message or "well done" in guidance.message


def test_a_red_flag_says_stop_and_gives_the_clinic_phone_as_a_link():
    guidance = guidance_for(
        pain=0, lasted_over_15_min=False, red_flag=True, threshold=5, clinic_phone=PHONE
    )
    assert guidance.level == STOP
    assert guidance.is_stop
    assert "Stop these exercises" in guidance.message
    assert PHONE in guidance.message
    assert guidance.phone_href == "tel:+15550100"


def test_without_a_clinic_phone_the_patient_is_told_to_contact_the_clinic():
    guidance = guidance_for(pain=9, lasted_over_15_min=True, red_flag=False, threshold=5)
    assert guidance.level == STOP
    assert not guidance.show_phone
    assert guidance.phone_href == ""
    assert "Contact your therapist or clinic" in guidance.message


def test_pain_at_the_threshold_is_still_all_right():
    guidance = guidance_for(pain=5, lasted_over_15_min=True, red_flag=False, threshold=5)
    assert guidance.level == OK


def test_pain_just_above_the_threshold_says_ease_off_in_plain_words():
    guidance = guidance_for(pain=6, lasted_over_15_min=False, red_flag=False, threshold=5)
    assert guidance.level == EASE_OFF
    assert guidance.title == "Ease off a little"
    assert "6 out of 10" in guidance.message


def test_no_pain_gets_encouragement():
    guidance = guidance_for(pain=0, lasted_over_15_min=False, red_flag=False, threshold=5)
    assert guidance.level == OK
    assert "No pain" in guidance.message


answers = st.fixed_dictionaries(
    {
        "pain": st.integers(0, 10),
        "lasted_over_15_min": st.booleans(),
        "red_flag": st.booleans(),
        "threshold": st.integers(0, 10),
        "clinic_phone": st.sampled_from(["", PHONE, "  030 1234 567 "]),
    }
)


@given(answer=answers, more=st.integers(0, 10))
def test_more_pain_never_gets_milder_guidance(answer, more):
    worse = {**answer, "pain": min(answer["pain"] + more, 10)}
    assert SEVERITY[guidance_for(**worse).level] >= SEVERITY[guidance_for(**answer).level]


@given(answer=answers)
def test_a_red_flag_always_means_stop(answer):
    assert guidance_for(**{**answer, "red_flag": True}).level == STOP


@given(answer=answers)
def test_a_lower_threshold_is_never_less_cautious(answer):
    lower = {**answer, "threshold": max(answer["threshold"] - 1, 0)}
    assert SEVERITY[guidance_for(**lower).level] >= SEVERITY[guidance_for(**answer).level]


@given(answer=answers)
def test_lasting_mild_pain_alone_changes_nothing(answer):
    mild = {**answer, "red_flag": False, "pain": min(answer["pain"], answer["threshold"])}
    assert guidance_for(**{**mild, "lasted_over_15_min": True}) == guidance_for(
        **{**mild, "lasted_over_15_min": False}
    )


@given(answer=answers)
def test_the_phone_is_offered_only_with_stop_and_only_when_known(answer):
    guidance = guidance_for(**answer)
    assert guidance.show_phone == (guidance.level == STOP and bool(answer["clinic_phone"].strip()))
    if guidance.show_phone:
        assert guidance.phone_href.startswith("tel:")
        assert " " not in guidance.phone_href
