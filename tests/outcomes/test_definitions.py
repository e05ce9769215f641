"""Questionnaires as data: the shipped files, the checks on a file, and scoring by its rules
against worked examples from each measure's published scoring instructions."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from outcomes.definitions import MeasureError, parse_measure
from outcomes.loading import SHIPPED_MEASURES
from outcomes.models import MeasureDefinition
from outcomes.scoring import band_for, change, compute, missing


def shipped(code: str) -> dict:
    return json.loads((SHIPPED_MEASURES / f"{code}.json").read_text())


def measure(code: str):
    return parse_measure(shipped(code), code)


def test_the_four_free_measures_load_and_reloading_updates_without_duplicates(db):
    out = StringIO()
    call_command("load_measures", stdout=out)
    assert "4 created" in out.getvalue()
    call_command("load_measures", stdout=out)
    assert "4 updated" in out.getvalue()
    assert sorted(MeasureDefinition.objects.values_list("code", flat=True)) == [
        "pain-week",
        "pgic",
        "psfs",
        "startback",
    ]


def test_no_measure_under_licence_is_shipped():
    codes = {path.stem for path in SHIPPED_MEASURES.glob("*.json")}
    assert not codes & {"odi", "oswestry", "rmdq", "roland-morris", "promis"}
    for code in codes:
        assert measure(code).text("licence", "en")


def test_start_back_carries_its_copyright_notice():
    assert "© Keele University" in measure("startback").text("licence", "en")


@pytest.mark.parametrize(
    ("change_it", "says"),
    [
        (lambda d: d.pop("scores"), "there are no scores"),
        (lambda d: d["pages"][0]["items"][0].update(type="slider"), "type must be one of"),
        (lambda d: d["pages"][0]["items"][1].update(min=5, max=3), "min < max"),
        (lambda d: d["scores"][0]["items"].append("nowhere"), "'nowhere' is not a scale"),
        (lambda d: d.update(primary="other"), "primary must name one of the scores"),
        (lambda d: d.update(languages=["en", "es"]), "title has no text in es"),
        (lambda d: d.update(mcid={"points": -1}), "mcid points and percent must be above 0"),
        (lambda d: d.update(loinc="not-a-code"), "loinc must be a LOINC code"),
        (lambda d: d["pages"][0]["items"].reverse(), "needs 'activity_1', which must come before"),
    ],
)
def test_a_malformed_file_is_refused_with_an_error_naming_it(tmp_path, db, change_it, says):
    data = copy.deepcopy(shipped("psfs"))
    change_it(data)
    path = tmp_path / "psfs.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as refused:
        call_command("load_measures", str(path), stdout=StringIO())
    assert "psfs.json (psfs)" in str(refused.value)
    assert says in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    assert not MeasureDefinition.objects.exists()


def test_a_clinic_loads_its_own_licensed_measure_from_a_data_file(tmp_path: Path, db):
    own = {
        **shipped("pain-week"),
        "code": "clinic-pain",
        "title": {"en": "Our own pain scale"},
    }
    (tmp_path / "clinic-pain.json").write_text(json.dumps(own))
    call_command("load_measures", str(tmp_path), stdout=StringIO())
    assert MeasureDefinition.objects.get(code="clinic-pain").title == "Our own pain scale"


def test_a_broken_definition_raises_a_measure_error():
    with pytest.raises(MeasureError):
        parse_measure({"code": "Bad Code"}, "x.json")


# --- Scoring: worked examples --------------------------------------------------------------


def test_psfs_is_the_mean_of_the_rated_activities():
    psfs = measure("psfs")
    answers = {
        "activity_1": "Climbing stairs",
        "rating_1": 3,
        "activity_2": "Gardening",
        "rating_2": 5,
        "activity_3": "Lifting my grandson",
        "rating_3": 7,
    }
    assert compute(psfs, answers) == {"score": 5.0}
    # Stratford's example: 3 activities rated 4, 5 and 6 → 5.0; two rated 2 and 3 → 2.5.
    assert compute(psfs, {"activity_1": "a", "rating_1": 2, "activity_2": "b", "rating_2": 3}) == {
        "score": 2.5
    }


def test_psfs_needs_a_rating_for_each_named_activity_and_nothing_else():
    psfs = measure("psfs")
    assert [item.id for item in missing(psfs, {})] == ["activity_1"]
    assert [item.id for item in missing(psfs, {"activity_1": "Walking"})] == ["rating_1"]
    assert missing(psfs, {"activity_1": "Walking", "rating_1": 4}) == []


def test_weekly_pain_is_the_average_of_usual_worst_and_least_pain():
    pain = measure("pain-week")
    scores = compute(pain, {"usual": 5, "worst": 8, "best": 2})
    assert scores == {"average": 5.0}
    assert band_for(pain, scores).key == "moderate"
    assert compute(pain, {"usual": 2, "worst": 4, "best": 1}) == {"average": 2.3}
    assert band_for(pain, {"average": 2.3}).key == "mild"
    assert band_for(pain, {"average": 0.0}).key == "none"


@pytest.mark.parametrize(
    ("agreed", "bothersome", "total", "psychosocial", "risk"),
    [
        # Keele's scoring: total ≤ 3 is low risk; 4 or more with a psychosocial subscale
        # (items 5 to 9) of 3 or less is medium; a subscale of 4 or 5 is high.
        ([1, 2], "moderately", 2, 0, "low"),
        ([1, 2, 3], "very-much", 4, 1, "medium"),
        ([1, 2, 5, 6, 7], "slightly", 5, 3, "medium"),
        ([1, 5, 6, 7], "extremely", 5, 4, "high"),
        ([1, 2, 3, 4, 5, 6, 7, 8], "extremely", 9, 5, "high"),
        ([5, 6, 7], "very-much", 4, 4, "high"),
    ],
)
def test_start_back_scores_and_risk_groups(agreed, bothersome, total, psychosocial, risk):
    tool = measure("startback")
    answers = {f"q{n}": ("agree" if n in agreed else "disagree") for n in range(1, 9)}
    answers["q9"] = bothersome
    scores = compute(tool, answers)
    assert scores == {"total": total, "psychosocial": psychosocial}
    assert band_for(tool, scores).key == risk


def test_start_back_has_no_score_until_every_item_is_answered():
    assert compute(measure("startback"), {"q1": "agree"}) == {"total": None, "psychosocial": None}


@pytest.mark.parametrize(
    ("answer", "band"), [("2", "no-change"), ("5", "some-change"), ("6", "important")]
)
def test_the_impression_of_change_is_read_by_its_bands(answer, band):
    pgic = measure("pgic")
    scores = compute(pgic, {"change": answer})
    assert band_for(pgic, scores).key == band


def test_a_change_of_at_least_the_mcid_is_clinically_important():
    psfs = measure("psfs")
    assert change(psfs, 3.0, 6.2).important is True
    assert change(psfs, 3.0, 6.2).improved is True
    assert change(psfs, 3.0, 4.5).important is False
    assert change(psfs, 6.0, 3.0).improved is False


def test_pain_counts_30_percent_of_the_baseline_as_important_too():
    pain = measure("pain-week")
    # From 5.0 to 3.5: 1.5 points, less than 2, but 30 % of 5.0 — clinically important.
    moved = change(pain, 5.0, 3.5)
    assert (moved.improved, moved.important, moved.threshold) == (True, True, 1.5)
    assert change(pain, 8.0, 7.0).important is False
