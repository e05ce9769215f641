"""Fill a database with a clinic network's worth of data, for the load benchmark.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/generate_dataset.py

Defaults: 200 therapists, 10,000 patients (50 each), one program of six items per patient,
1,000,000 completions and 200,000 pain reports over the last weeks, and an open alert for
each patient whose report in the last three days went above the threshold (as the app would
have raised). Bulk inserts keep it to minutes. Every generated login has the password in
BENCH_PASSWORD. Re-running refuses unless --reset is given, which deletes the previous
benchmark users and everything they own.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from exercises.models import Exercise  # noqa: E402
from patients.models import Alert, AlertKind, Completion, PainReport, Patient  # noqa: E402
from patients.roles import THERAPISTS_GROUP  # noqa: E402
from prescriptions.models import Prescription, PrescriptionItem  # noqa: E402

BENCH_PREFIX = "bench-"
BENCH_PASSWORD = "bench-password-123"
ITEMS_PER_PROGRAM = 6
BATCH = 5000
TIMEZONES = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC", "Asia/Tokyo"]


def say(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def therapist_username(index: int) -> str:
    return f"{BENCH_PREFIX}therapist-{index}"


def patient_username(index: int) -> str:
    return f"{BENCH_PREFIX}patient-{index}"


def batched(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def create_users(therapists: int, patients: int) -> tuple[list, list]:
    users = get_user_model()
    password = make_password(BENCH_PASSWORD)
    therapist_users = users.objects.bulk_create(
        users(
            username=therapist_username(i),
            first_name="Therapist",
            last_name=str(i),
            password=password,
        )
        for i in range(therapists)
    )
    group, _ = Group.objects.get_or_create(name=THERAPISTS_GROUP)
    group.user_set.add(*therapist_users)
    patient_users: list = []
    for chunk in batched(
        users(
            username=patient_username(i),
            first_name="Patient",
            last_name=str(i),
            email=f"{patient_username(i)}@example.org",
            password=password,
        )
        for i in range(patients)
    ):
        patient_users.extend(users.objects.bulk_create(chunk))
    return therapist_users, patient_users


def create_patients(therapist_users: list, patient_users: list) -> list[Patient]:
    patients: list[Patient] = []
    for chunk in batched(
        Patient(user=user, timezone=TIMEZONES[index % len(TIMEZONES)])
        for index, user in enumerate(patient_users)
    ):
        patients.extend(Patient.objects.bulk_create(chunk))
    through = Patient.care_team.through
    per_therapist = max(1, len(patients) // len(therapist_users))
    for chunk in batched(
        through(
            patient_id=patient.pk,
            user_id=therapist_users[min(i // per_therapist, len(therapist_users) - 1)].pk,
        )
        for i, patient in enumerate(patients)
    ):
        through.objects.bulk_create(chunk)
    return patients


def create_programs(
    patients: list[Patient], therapist_users: list, start: datetime.date
) -> dict[int, list[PrescriptionItem]]:
    exercises = list(Exercise.objects.shared().order_by("pk"))
    if len(exercises) < ITEMS_PER_PROGRAM:
        raise SystemExit("Load the catalogue first (manage.py load_catalogue).")
    care = dict(Patient.care_team.through.objects.values_list("patient_id", "user_id"))
    programs: list[Prescription] = []
    for chunk in batched(
        Prescription(
            patient=patient,
            prescribed_by_id=care[patient.pk],
            title="Back program",
            start_date=start,
            days_of_week=[0, 1, 2, 3, 4, 5, 6],
            times_per_day=1,
        )
        for patient in patients
    ):
        programs.extend(Prescription.objects.bulk_create(chunk))
    items_by_patient: dict[int, list[PrescriptionItem]] = {}
    rows = []
    for index, program in enumerate(programs):
        chosen = [exercises[(index + k) % len(exercises)] for k in range(ITEMS_PER_PROGRAM)]
        for position, exercise in enumerate(chosen):
            rows.append(
                PrescriptionItem(
                    prescription=program,
                    exercise=exercise,
                    position=position,
                    sets=2,
                    reps=exercise.reps or 10,
                    hold_seconds=exercise.hold_seconds,
                    duration_seconds=exercise.duration_seconds,
                    side=exercise.default_side,
                )
            )
    for chunk in batched(rows):
        for item in PrescriptionItem.objects.bulk_create(chunk):
            items_by_patient.setdefault(item.prescription.patient_id, []).append(item)
    return items_by_patient


def completion_rows(
    items_by_patient: dict[int, list[PrescriptionItem]], today: datetime.date, total: int
) -> Iterator[Completion]:
    per_patient_days = -(-total // (len(items_by_patient) * ITEMS_PER_PROGRAM))
    made = 0
    for day_offset in range(1, per_patient_days + 1):
        day = today - datetime.timedelta(days=day_offset)
        for patient_id, items in items_by_patient.items():
            for item in items:
                if made >= total:
                    return
                made += 1
                yield Completion(
                    patient_id=patient_id,
                    item=item,
                    date=day,
                    session=1,
                    exercise_name=item.exercise.name,
                    side=item.side,
                    sets=item.sets,
                    reps=item.reps,
                    hold_seconds=item.hold_seconds,
                    duration_seconds=item.duration_seconds,
                )


def pain_rows(patient_ids: list[int], today: datetime.date, total: int) -> Iterator[PainReport]:
    rng = random.Random(42)
    days = -(-total // len(patient_ids))
    made = 0
    for day_offset in range(1, days + 1):
        for patient_id in patient_ids:
            if made >= total:
                return
            made += 1
            yield PainReport(
                patient_id=patient_id,
                date=today - datetime.timedelta(days=day_offset),
                session=1,
                pain=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]),
                difficulty=rng.choice(["too_easy", "about_right", "about_right", "too_hard"]),
            )


def alert_rows(today: datetime.date, threshold: int) -> Iterator[Alert]:
    """One open "pain above threshold" alert per patient whose recent reports went over it."""
    recent = PainReport.objects.filter(
        patient__user__username__startswith=BENCH_PREFIX,
        date__gte=today - datetime.timedelta(days=3),
        pain__gt=threshold,
    ).order_by("patient_id", "-date")
    seen: set[int] = set()
    for report in recent.iterator():
        if report.patient_id in seen:
            continue
        seen.add(report.patient_id)
        yield Alert(
            patient_id=report.patient_id,
            kind=AlertKind.PAIN_ABOVE_THRESHOLD,
            message=f"Pain {report.pain}/10 on {report.date:%d %b}, above the threshold.",
            report=report,
        )


def reset() -> None:
    users = get_user_model().objects.filter(username__startswith=BENCH_PREFIX)
    Prescription.objects.filter(patient__user__in=users).delete()
    users.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--therapists", type=int, default=200)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--completions", type=int, default=1_000_000)
    parser.add_argument("--pain-reports", type=int, default=200_000)
    parser.add_argument("--reset", action="store_true", help="delete an earlier benchmark set")
    args = parser.parse_args()
    started = time.monotonic()
    call_command("load_catalogue", verbosity=0)
    exists = get_user_model().objects.filter(username__startswith=BENCH_PREFIX).exists()
    if exists and not args.reset:
        raise SystemExit("Benchmark data exists already; pass --reset to make it anew.")
    if exists:
        reset()
        say("removed the earlier benchmark data", started)
    today = timezone.localdate()
    days_back = max(30, -(-args.completions // (args.patients * ITEMS_PER_PROGRAM)) + 1)
    with transaction.atomic():
        therapist_users, patient_users = create_users(args.therapists, args.patients)
        say(f"{len(therapist_users)} therapists, {len(patient_users)} patient logins", started)
        patients = create_patients(therapist_users, patient_users)
        items = create_programs(patients, therapist_users, today - datetime.timedelta(days_back))
        say(f"{len(patients)} patients with programs of {ITEMS_PER_PROGRAM} items", started)
        count = 0
        for chunk in batched(completion_rows(items, today, args.completions)):
            Completion.objects.bulk_create(chunk)
            count += len(chunk)
        say(f"{count} completions", started)
        count = 0
        for chunk in batched(pain_rows([p.pk for p in patients], today, args.pain_reports)):
            PainReport.objects.bulk_create(chunk)
            count += len(chunk)
        say(f"{count} pain reports", started)
        threshold = Prescription._meta.get_field("pain_threshold").default
        count = 0
        for chunk in batched(alert_rows(today, threshold)):
            Alert.objects.bulk_create(chunk)
            count += len(chunk)
        say(f"{count} open alerts", started)
    say("analysing tables", started)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    say("done", started)


if __name__ == "__main__":
    main()
