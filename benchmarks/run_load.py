"""Load benchmark: the app under gunicorn on loopback, each page measured against a trivial
view in the same run.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/run_load.py [--concurrency 4]

Expects the data of benchmarks/generate_dataset.py. Each scenario first answers one request
in-process, to count its queries on this dataset; then the load: a fixed number of requests
from ``--concurrency`` keep-alive connections (anything but a 200 counts as an error). It
prints and writes (under benchmarks/results/) requests/s, p50/p95/p99 latency, throughput as
a share of the trivial view's, the query count, each scenario's target and whether it was
met, and the peak memory of each gunicorn worker.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The sessions made here must be readable by gunicorn: both use the same settings and key.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["DJANGO_SECURE_COOKIES"] = "0"
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.generate_dataset import BENCH_PREFIX  # noqa: E402
from patients.models import Patient  # noqa: E402
from prescriptions.models import PrescriptionItem  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CSRF = secrets.token_hex(16)  # 32 characters: accepted as an unmasked CSRF token


@dataclass
class Request:
    method: str
    path: str
    cookie: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


@dataclass(frozen=True)
class Target:
    """What a scenario is held to: a p95 ceiling, and optionally a share of the trivial view."""

    p95_ms: float
    min_ratio: float | None = None

    def describe(self) -> str:
        ratio = f", ≥ {self.min_ratio:.0%} of trivial" if self.min_ratio else ""
        return f"p95 < {self.p95_ms:.0f} ms{ratio}"

    def met(self, result: Result, ceiling: float) -> bool:
        ratio_ok = self.min_ratio is None or result.rps / ceiling >= self.min_ratio
        return ratio_ok and result.percentile(95) < self.p95_ms


@dataclass(frozen=True)
class Scenario:
    """A page or API call under load: its requests, and what it is held to (none for the
    reference rows)."""

    name: str
    requests: list[Request]
    target: Target | None = None


@dataclass(frozen=True)
class Measured:
    scenario: Scenario
    queries: int
    result: Result


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "patients.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["rehabit_login_at"] = int(time.time())
    session["rehabit_last_seen"] = int(time.time())
    session.create()
    return f"sessionid={session.session_key}; csrftoken={CSRF}"


def build_scenarios(users: int) -> list[Scenario]:
    """The scenarios, the trivial view first (the ceiling); requests are spread over many
    users so that no single row stays hot.

    The patients are the first ``users`` benchmark patients; the therapists are their care
    teams (50 patients each), so the dashboard shows a full caseload.
    """
    patients = list(
        Patient.objects.filter(user__username__startswith=BENCH_PREFIX)
        .select_related("user")
        .order_by("pk")[:users]
    )
    care = Patient.care_team.through.objects.filter(patient__in=patients)
    therapist_of = dict(care.values_list("patient_id", "user_id"))
    therapists = get_user_model().objects.in_bulk(set(therapist_of.values()))
    patient_cookies = [(patient, session_cookie(patient.user)) for patient in patients]
    therapist_cookies = {pk: session_cookie(user) for pk, user in therapists.items()}

    today = reverse("patients:today")
    healthz = reverse("healthz")
    patient_page = Target(p95_ms=50)
    therapist_page = Target(p95_ms=150)
    return [
        Scenario("trivial view (/healthz)", [Request("GET", healthz, "")]),
        # The same view with a patient's session: what logging in costs before any page.
        Scenario(
            "trivial view, logged in as a patient",
            [Request("GET", healthz, cookie) for _, cookie in patient_cookies],
        ),
        Scenario(
            "patient: today",
            [Request("GET", today, cookie) for _, cookie in patient_cookies],
            Target(p95_ms=50, min_ratio=0.30),
        ),
        Scenario("patient: check-off (POST)", checkoff_requests(patient_cookies), patient_page),
        Scenario(
            "therapist: dashboard (50 patients)",
            [
                Request("GET", reverse("monitoring:dashboard"), cookie)
                for cookie in therapist_cookies.values()
            ],
            therapist_page,
        ),
        Scenario(
            "therapist: patient progress",
            [
                Request(
                    "GET",
                    reverse("monitoring:patient_progress", args=[patient.pk]),
                    therapist_cookies[therapist_of[patient.pk]],
                )
                for patient in patients
            ],
            therapist_page,
        ),
        Scenario(
            "API: my plan",
            [Request("GET", reverse("me-plan"), cookie) for _, cookie in patient_cookies],
            patient_page,
        ),
    ]


def checkoff_requests(patient_cookies: list[tuple[Patient, str]]) -> list[Request]:
    """A check-off POST per patient and item, as htmx sends it; repeats are idempotent, as a
    retry would be."""
    items: dict[int, list[int]] = {}
    for patient_id, item_id in PrescriptionItem.objects.filter(
        prescription__patient__in=[patient for patient, _ in patient_cookies]
    ).values_list("prescription__patient_id", "pk"):
        items.setdefault(patient_id, []).append(item_id)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": CSRF,
        "HX-Request": "true",
    }
    return [
        Request(
            "POST",
            reverse("patients:check_off", args=[patient.local_today(), item_id, 1]),
            cookie,
            b"",
            headers,
        )
        for patient, cookie in patient_cookies
        for item_id in items.get(patient.pk, [])
    ]


def count_queries(request: Request) -> int:
    """The queries one request of the scenario takes, in-process on the same database.

    The request is answered twice and the second one counted, as the load run sees it: the
    first fills the per-process catalogue cache (and, for a check-off, records the tick).
    """
    client = Client(HTTP_HOST="127.0.0.1")
    for part in request.cookie.split("; ") if request.cookie else []:
        name, _, value = part.partition("=")
        client.cookies[name] = value
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    send = client.post if request.method == "POST" else client.get
    send(request.path, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = send(request.path, **extra)
    if response.status_code != 200:
        raise SystemExit(f"{request.method} {request.path} answered {response.status_code}")
    return len(queries)


def drive(port: int, requests: list[Request], total: int, concurrency: int, name: str) -> Result:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        local_status: dict[int, int] = {}
        local_errors = 0
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            request = requests[index % len(requests)]
            headers = {"Host": "127.0.0.1", "Cookie": request.cookie, **request.headers}
            started = time.perf_counter()
            try:
                connection.request(request.method, request.path, request.body or None, headers)
                response = connection.getresponse()
                response.read()
                local.append(time.perf_counter() - started)
                local_status[response.status] = local_status.get(response.status, 0) + 1
                if response.status != 200:
                    local_errors += 1
            except (OSError, http.client.HTTPException):
                local_errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()
        with lock:
            latencies.extend(local)
            errors += local_errors
            for status, count in local_status.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, total, time.perf_counter() - started, latencies, errors, statuses)


def worker_peak_memory_mb(master_pid: int) -> list[float]:
    children_file = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    peaks = []
    for pid in children_file.read_text().split() if children_file.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def render(measured: list[Measured], memory: list[float], args) -> str:
    ceiling = measured[0].result.rps
    lines = [
        f"# Rehabit load benchmark — {datetime.datetime.now().isoformat(timespec='seconds')}",
        "",
        f"Concurrency {args.concurrency}, {args.requests} requests per scenario, "
        f"{args.workers} gunicorn workers, {args.users} patients logged in, "
        f"database: {connection.vendor}.",
        "",
        "| scenario | requests/s | × trivial | p50 ms | p95 ms | p99 ms | errors | queries "
        "| target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in measured:
        result, target = row.result, row.scenario.target
        lines.append(
            f"| {result.name} | {result.rps:.0f} | {result.rps / ceiling:.0%} | "
            f"{result.percentile(50):.1f} | {result.percentile(95):.1f} | "
            f"{result.percentile(99):.1f} | {result.errors} | {row.queries} | "
            f"{target.describe() if target else 'reference'} | "
            f"{('yes' if target.met(result, ceiling) else 'NO') if target else ''} |"
        )
    lines += ["", "Peak memory per worker (MB): " + ", ".join(f"{m:.0f}" for m in memory)]
    return "\n".join(lines) + "\n"


def as_json(row: Measured, ceiling: float) -> dict[str, object]:
    result, target = row.result, row.scenario.target
    return {
        "scenario": result.name,
        "rps": result.rps,
        "ratio_to_trivial": result.rps / ceiling,
        "p50_ms": result.percentile(50),
        "p95_ms": result.percentile(95),
        "p99_ms": result.percentile(99),
        "errors": result.errors,
        "statuses": result.statuses,
        "queries": row.queries,
        "target": target.describe() if target else None,
        "met": target.met(result, ceiling) if target else None,
    }


def write_results(report: str, measured: list[Measured]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"load-{stamp}.md").write_text(report)
    ceiling = measured[0].result.rps
    (RESULTS / f"load-{stamp}.json").write_text(
        json.dumps([as_json(row, ceiling) for row in measured], indent=2)
    )
    return RESULTS / f"load-{stamp}.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=200, help="distinct patients to log in")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    scenarios = build_scenarios(args.users)
    queries = [count_queries(scenario.requests[0]) for scenario in scenarios]
    server = start_gunicorn(args.port, args.workers)
    measured: list[Measured] = []
    try:
        for scenario, count in zip(scenarios, queries, strict=True):
            requests = scenario.requests
            drive(args.port, requests, min(100, args.requests), args.concurrency, scenario.name)
            result = drive(args.port, requests, args.requests, args.concurrency, scenario.name)
            measured.append(Measured(scenario=scenario, queries=count, result=result))
            print(
                f"{scenario.name}: {result.rps:.0f} req/s, p95 {result.percentile(95):.1f} ms, "
                f"statuses {result.statuses}",
                flush=True,
            )
        memory = worker_peak_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = render(measured, memory, args)
    print()
    print(report)
    print(f"Written to {write_results(report, measured)}")
    bad = [row.result.name for row in measured if row.result.errors]
    if bad:
        raise SystemExit(f"errors in: {', '.join(bad)}")


if __name__ == "__main__":
    main()
