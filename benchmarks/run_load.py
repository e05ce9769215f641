"""Load benchmark: the app under gunicorn on loopback, each page measured against a trivial
view in the same run.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/run_load.py [--concurrency 4]

Expects the data of benchmarks/generate_dataset.py. For each scenario it sends a fixed number
of requests from ``--concurrency`` keep-alive connections (anything but a 200 counts as an
error), then prints and writes (under
benchmarks/results/) requests/s, p50/p95/p99 latency, throughput as a share of the trivial
view's, and the peak memory of each gunicorn worker.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
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

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

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


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "patients.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["rehabit_login_at"] = int(time.time())
    session["rehabit_last_seen"] = int(time.time())
    session.create()
    return f"sessionid={session.session_key}; csrftoken={CSRF}"


def try_reverse(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def build_scenarios(users: int) -> dict[str, list[Request] | None]:
    """Requests per scenario, spread over many users so no single row stays hot."""
    patients = list(
        Patient.objects.filter(user__username__startswith=BENCH_PREFIX)
        .select_related("user")
        .order_by("pk")[:users]
    )
    therapists = {p.care_team.order_by("pk").first() for p in patients[: max(1, users // 50)]}
    patient_cookies = [(p, session_cookie(p.user)) for p in patients]
    therapist_cookies = [session_cookie(t) for t in therapists if t is not None]

    scenarios: dict[str, list[Request] | None] = {}
    scenarios["trivial view (/healthz)"] = [Request("GET", "/healthz", "")]
    today = try_reverse("patients:today")
    scenarios["patient: today"] = (
        [Request("GET", today, cookie) for _, cookie in patient_cookies] if today else None
    )
    scenarios["patient: check-off (POST)"] = checkoff_requests(patient_cookies)
    dashboard = try_reverse("clinic:dashboard")
    scenarios["therapist: dashboard (50 patients)"] = (
        [Request("GET", dashboard, cookie) for cookie in therapist_cookies] if dashboard else None
    )
    progress = [
        (try_reverse("clinic:patient_progress", p.pk), cookie)
        for p, cookie in zip(patients, therapist_cookies * len(patients), strict=False)
        if p.care_team.filter(pk__in=[t.pk for t in therapists]).exists()
    ][:50]
    scenarios["therapist: patient progress"] = [
        Request("GET", url, cookie) for url, cookie in progress if url
    ] or None
    plan = try_reverse("api:me-plan") or "/api/v1/me/plan/"
    scenarios["API: my plan"] = [Request("GET", plan, cookie) for _, cookie in patient_cookies]
    return scenarios


def checkoff_requests(patient_cookies: list[tuple[Patient, str]]) -> list[Request] | None:
    """A check-off POST per patient and item; repeats are idempotent, as a retry would be."""
    requests: list[Request] = []
    for patient, cookie in patient_cookies:
        day = patient.local_today().isoformat()
        items = PrescriptionItem.objects.filter(prescription__patient=patient)[:6]
        for item in items:
            url = try_reverse("patients:check_off", item.pk)
            if url is None:
                return None
            body = urllib.parse.urlencode({"date": day, "session": 1}).encode()
            requests.append(
                Request(
                    "POST",
                    url,
                    cookie,
                    body,
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": CSRF,
                        "HX-Request": "true",
                    },
                )
            )
    return requests


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


def render(results: list[Result], missing: list[str], memory: list[float], args) -> str:
    ceiling = results[0].rps
    lines = [
        f"# Rehabit load benchmark — {datetime.datetime.now().isoformat(timespec='seconds')}",
        "",
        f"Concurrency {args.concurrency}, {args.requests} requests per scenario, "
        f"{args.workers} gunicorn workers, database: {django.db.connection.vendor}.",
        "",
        "| scenario | requests/s | × trivial | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.rps:.0f} | {result.rps / ceiling:.0%} | "
            f"{result.percentile(50):.1f} | {result.percentile(95):.1f} | "
            f"{result.percentile(99):.1f} | {result.errors} |"
        )
    for name in missing:
        lines.append(f"| {name} | not available in this build | | | | | |")
    lines += ["", "Peak memory per worker (MB): " + ", ".join(f"{m:.0f}" for m in memory)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=200, help="distinct patients to log in")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    scenarios = build_scenarios(args.users)
    server = start_gunicorn(args.port, args.workers)
    results: list[Result] = []
    missing: list[str] = []
    try:
        for name, requests in scenarios.items():
            if not requests:
                missing.append(name)
                continue
            drive(args.port, requests, min(100, args.requests), args.concurrency, name)  # warm-up
            result = drive(args.port, requests, args.requests, args.concurrency, name)
            results.append(result)
            print(
                f"{name}: {result.rps:.0f} req/s, p95 {result.percentile(95):.1f} ms, "
                f"statuses {result.statuses}",
                flush=True,
            )
        memory = worker_peak_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = render(results, missing, memory, args)
    print()
    print(report)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"load-{stamp}.md").write_text(report)
    (RESULTS / f"load-{stamp}.json").write_text(
        json.dumps(
            [
                {
                    "scenario": r.name,
                    "rps": r.rps,
                    "ratio_to_trivial": r.rps / results[0].rps,
                    "p50_ms": r.percentile(50),
                    "p95_ms": r.percentile(95),
                    "p99_ms": r.percentile(99),
                    "errors": r.errors,
                    "median_ms": statistics.median(r.latencies) * 1000 if r.latencies else None,
                }
                for r in results
            ],
            indent=2,
        )
    )
    bad = [r.name for r in results if r.errors]
    if bad:
        raise SystemExit(f"errors in: {', '.join(bad)}")


if __name__ == "__main__":
    main()
