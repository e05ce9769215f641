from __future__ import annotations

import pytest
from django.urls import reverse

from exercises.models import Exercise, Kind
from tests.factories import ExerciseFactory
from tests.helpers import page_text, read_form

pytestmark = pytest.mark.django_db


def test_admin_lists_exercises_with_their_default_dose(admin_client):
    ExerciseFactory(name="Bridge", sets=2, reps=10, hold_seconds=5)
    response = admin_client.get(reverse("admin:exercises_exercise_changelist"))
    assert response.status_code == 200
    assert "2 sets of 10 repetitions, hold 5 seconds" in response.content.decode()


def test_admin_search_and_filter_narrow_the_list(admin_client):
    ExerciseFactory(name="Bridge", kind=Kind.STRENGTHENING)
    ExerciseFactory(name="Child's pose", kind=Kind.STRETCH)
    url = reverse("admin:exercises_exercise_changelist")
    found = admin_client.get(url, {"q": "bridge"}).content.decode()
    assert "Bridge" in found
    assert "Child" not in found
    filtered = admin_client.get(url, {"kind__exact": "stretch"}).content.decode()
    assert "Child" in filtered
    assert ">Bridge<" not in filtered


def test_admin_publish_and_unpublish_actions(admin_client):
    exercises = [ExerciseFactory(is_published=True) for _ in range(2)]
    url = reverse("admin:exercises_exercise_changelist")
    ids = [e.pk for e in exercises]
    admin_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert not Exercise.objects.filter(pk__in=ids, is_published=True).exists()
    admin_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Exercise.objects.filter(pk__in=ids, is_published=True).count() == 2


def test_admin_edit_page_shows_ordered_steps_inline(admin_client):
    exercise = ExerciseFactory(steps=["First step", "Second step"])
    response = admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk]))
    html = response.content.decode()
    assert html.index("First step") < html.index("Second step")


def test_therapists_cannot_reach_the_admin(therapist_client):
    response = therapist_client.get(reverse("admin:exercises_exercise_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_tick_precaution_tags_in_a_list_of_boxes(admin_client):
    exercise = ExerciseFactory(name="Bridge", precaution_tags=["knee"], steps=["Lift."])
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert 'type="checkbox" name="precaution_tags" value="osteoporosis"' in html
    assert '<textarea name="precaution_tags"' not in html
    form = read_form(response, "exercise_form")
    assert form.values("precaution_tags") == ["knee"]
    form.set("precaution_tags", "pregnancy", "osteoporosis")
    response = form.submit(admin_client, value="Save", name="_save")
    assert response.status_code == 302, page_text(response.content.decode())[:2000]
    exercise.refresh_from_db()
    assert exercise.precaution_tags == ["osteoporosis", "pregnancy"]


def test_untick_every_precaution_tag_leaves_an_empty_list(admin_client):
    exercise = ExerciseFactory(name="Bridge", precaution_tags=["knee"], steps=["Lift."])
    response = admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk]))
    form = read_form(response, "exercise_form").set("precaution_tags")
    assert form.submit(admin_client, value="Save", name="_save").status_code == 302
    exercise.refresh_from_db()
    assert exercise.precaution_tags == []


def test_the_admin_still_passes_its_checks_once_the_edit_page_was_shown(admin_client):
    from django.core.management import call_command

    exercise = ExerciseFactory(name="Bridge")
    admin_client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk]))
    call_command("check", "exercises")  # raises SystemCheckError on admin.E005 and the like
