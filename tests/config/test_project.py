"""Project-level behaviour: settings, health check, the front door, login."""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, AdminFactory

ROOT = Path(__file__).resolve().parents[2]


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_starting_without_a_secret_key_outside_debug_is_refused():
    result = run_check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "q8-Zt1mK4vR0xN7bWc2yHs9LpE5uJa3dGf6iOk1nTq0zXr4vBy8",
            "DJANGO_ALLOWED_HOSTS": "rehabit.example.org",
            "DJANGO_SSL_REDIRECT": "1",
            "DJANGO_HSTS_SECONDS": "31536000",
            # The numbers the stop and emergency screens need (else rehabit.W001/W002).
            "REHABIT_CLINIC_PHONE": "+49 30 1234567",
            "REHABIT_EMERGENCY_NUMBER": "112",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_mode_starts_without_a_secret_key():
    assert run_check({"DJANGO_DEBUG": "1"}).returncode == 0


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_the_front_door_answers_head_as_it_answers_get(client):
    """Uptime checks and link previews ask with HEAD: / sends them on, it does not refuse."""
    response = client.head("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def make_run_environment(port: int) -> tuple[list[str], dict[str, str]]:
    """The command line ``make run PORT=…`` would start the server with, and its variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REHABIT_", "MAKE"))}
    dry_run = subprocess.run(
        ["make", "--dry-run", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    words = shlex.split(next(line for line in dry_run.stdout.splitlines() if "runserver" in line))
    variables = dict(word.split("=", 1) for word in itertools.takewhile(lambda w: "=" in w, words))
    return words, {**env, **variables}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_writes_links_to_that_port():
    """Invitation links and their QR codes point at the port ``make run`` serves."""
    command, env = make_run_environment(8101)
    assert command[-1] == "127.0.0.1:8101"
    site_url = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert site_url.stdout.strip() == "http://127.0.0.1:8101"


@pytest.mark.django_db
def test_login_page_labels_every_input(client):
    html = client.get(reverse("login")).content.decode()
    assert '<label for="id_username"' in html
    assert '<label for="id_password"' in html


@pytest.mark.django_db
def test_therapist_lands_on_caseload_and_patient_on_today(therapist, patient, client):
    client.post(reverse("login"), {"username": therapist.username, "password": PASSWORD})
    assert client.get("/")["Location"] == reverse("monitoring:dashboard")
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": patient.user.username, "password": PASSWORD})
    assert client.get("/")["Location"] == reverse("patients:today")


@pytest.mark.django_db
def test_admin_lands_on_the_admin(client):
    admin = AdminFactory()
    client.force_login(admin)
    assert client.get("/")["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_patient_can_log_in_with_email_in_any_case(patient, client):
    response = client.post(
        reverse("login"), {"username": patient.user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("patients:today")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_rerenders_login_with_a_clear_message(patient, client):
    response = client.post(
        reverse("login"), {"username": patient.user.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_the_session(patient_client):
    patient_client.post(reverse("logout"))
    response = patient_client.get(reverse("patients:today"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
