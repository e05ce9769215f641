from __future__ import annotations

import datetime

from django.urls import path, re_path, register_converter

from patients import views
from prescriptions.views import media_file


class IsoDateConverter:
    """A calendar date as YYYY-MM-DD; an impossible date (2026-02-30) matches nothing (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "patients"

urlpatterns = [
    path("today/", views.today, name="today"),
    # A photo or video, checked against who asks (patient media is health data).
    path("files/<uuid:key>/", media_file, name="media_file"),
    path("day/<isodate:day>/", views.day_view, name="day"),
    path(
        "day/<isodate:day>/items/<int:item_id>/sessions/<int:session>/done/",
        views.check_off,
        name="check_off",
    ),
    path(
        "day/<isodate:day>/items/<int:item_id>/sessions/<int:session>/undo/",
        views.undo,
        name="undo",
    ),
    path(
        "day/<isodate:day>/items/<int:item_id>/sessions/<int:session>/effort/",
        views.effort,
        name="effort",
    ),
    path("report/", views.pain_report, name="report"),
    path("report/guidance/", views.report_guidance, name="report_guidance"),
    path("report/<int:report_id>/still-there/", views.pain_follow_up, name="pain_follow_up"),
    path("morning-check/", views.morning_check, name="morning_check"),
    path("history/", views.history, name="history"),
    path("invite/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
    path("reminders/", views.reminders, name="reminders"),
    path(
        "reminders/suggested-times/",
        views.reminders_use_suggested,
        name="reminders_use_suggested",
    ),
    path("reminders/calendar/", views.calendar_link, name="calendar_link"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,100})\.ics$",
        views.calendar_feed,
        name="calendar_feed",
    ),
    # The therapist's side, next to the workspace's own patient pages under /clinic/.
    path(
        "clinic/patients/<int:pk>/reminders/",
        views.reminder_defaults,
        name="reminder_defaults",
    ),
]
