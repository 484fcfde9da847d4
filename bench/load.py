"""Throughput as users feel it: gunicorn under a bounded load of signed-in users.

``load_bench(users=50, seconds=20)`` starts gunicorn as production runs it (sync workers, two of
them here, DEBUG off, static files from WhiteNoise after collectstatic) on the database in
``DATABASE_URL``, signs in ``users`` demo users of the benchmark data (the heads and officers
of the leading and deputy agencies of the 14 × 80 bloc and of the ``seed_demo --scale`` blocs,
each of whom sees their own dashboard, their agency's year-end scorecard, their bloc's grid and
ranking), and sends each page from ``users`` concurrent clients, one per user, each asking again
as soon as it has its answer, for ``seconds`` seconds. Beside each page, the same page's bare
render (bench/load_urls.py) served by the same gunicorn: its template rendered from the context
its view built once, so that what differs is the view's own work. The two take turns of a few
seconds, so that a machine busy with something else slows both alike. Prints requests per second,
p50 and p95 latency and errors of each, and the ratio of their requests per second; returns the
figures. Every gunicorn started here is stopped before it returns, whatever happens.

Run alone on the benchmark data (seeded first if missing):
``DATABASE_URL=postgres://… .venv/bin/python bench/load.py``; ``BENCH_LOAD_USERS`` and
``BENCH_LOAD_SECONDS`` change the defaults.
"""

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT  # noqa: F401  (sets Django up)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from blocs import demo as blocs_demo  # noqa: E402
from blocs.models import AgencyRole, Bloc, Membership  # noqa: E402
from campaigns.models import Period, Scorecard  # noqa: E402

WIDE_CODE = "bench-14x80"
PAGES = ("dashboard", "scorecard", "grid", "ranking")
WARM_ROUNDS = 3
# The page and its bare render take turns, each ``seconds / TURNS`` at a time.
TURNS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_users(count: int) -> list[dict]:
    """``count`` users, each with the address of their four pages (staff created if missing).

    Heads and officers of the leading and deputy agencies: they see every page measured.
    """
    codes = [WIDE_CODE] + list(
        Bloc.objects.filter(code__startswith="khoi-mo-rong-")
        .order_by("code")
        .values_list("code", flat=True)
    )
    users = []
    for code in codes:
        period = (
            Period.objects.filter(term__bloc__code=code, term__year=2026, kind="annual")
            .select_related("term")
            .first()
        )
        if period is None:
            continue
        kwargs = {"bloc_code": code, "year": 2026, "kind": "annual"}
        for membership in (
            Membership.objects.filter(term=period.term, role__in=("leader", "deputy"))
            .select_related("agency")
            .order_by("role")
        ):
            agency = membership.agency
            if not AgencyRole.objects.filter(agency=agency).exists():
                blocs_demo.ensure_staff(agency, agency.id)
            card = Scorecard.objects.filter(period=period, agency=agency).first()
            if card is None:
                continue
            paths = {
                "dashboard": reverse("dashboard"),
                "scorecard": reverse(
                    "campaigns:scorecard_detail", kwargs={**kwargs, "scorecard_id": card.id}
                ),
                "grid": reverse("campaigns:review_grid", kwargs=kwargs),
                "ranking": reverse("campaigns:ranking", kwargs=kwargs),
            }
            for role in (
                AgencyRole.objects.filter(agency=agency).select_related("user").order_by("role")
            ):
                users.append({"username": role.user.username, "paths": paths})
                if len(users) == count:
                    return users
    if len(users) < count:
        raise RuntimeError(
            f"only {len(users)} users in the benchmark blocs: seed more (seed_demo --scale)"
        )
    return users


class Server:
    """gunicorn with the load URLconf, started and stopped (the whole process group)."""

    def __init__(self, workers=2):
        self.port = _free_port()
        self.workers = workers
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")
        static = Path(tempfile.gettempdir()) / f"khoithidua-bench-static-{os.getuid()}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(static),
            "DATABASE_URL": os.environ.get("DATABASE_URL") or _database_url(),
        }

    def collect_static(self, python):
        """``collectstatic`` as production runs it, unless the files collected are still current
        (compressing them all again takes minutes)."""
        manifest = Path(self.env["STATIC_ROOT"]) / "staticfiles.json"
        if manifest.exists():
            from django.contrib.staticfiles import finders

            newest = max(
                (
                    os.path.getmtime(storage.path(name))
                    for finder in finders.get_finders()
                    for name, storage in finder.list([])
                ),
                default=0,
            )
            if newest < manifest.stat().st_mtime:
                return
        subprocess.run(
            [str(python), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=self.env,
            check=True,
        )

    def __enter__(self):
        python = Path(sys.executable)
        self.collect_static(python)
        self.process = subprocess.Popen(
            [
                str(python.parent / "gunicorn"),
                "khoithidua.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _body, _headers = self.get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_text()}")

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def get(self, path, cookie=""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            body = response.read()
            return response.status, body, response
        finally:
            conn.close()

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    raise RuntimeError("set DATABASE_URL")


def sign_in(server, users):
    """A session cookie for each user, made by the server itself (no password, no lockout)."""
    for user in users:
        status, _body, response = server.get(f"/__login__/{user['username']}/")
        if status != 200:
            raise RuntimeError(f"cannot sign {user['username']} in: {status}")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("sessionid="):
                user["cookie"] = value.split(";", 1)[0]
        if "cookie" not in user:
            raise RuntimeError(f"no session for {user['username']}")


def _together(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def warm(server, users, path_of):
    """The first answers fill each worker's caches (and the bare view's capture)."""

    def one(user):
        for _ in range(WARM_ROUNDS):
            server.get(path_of(user), user["cookie"])

    _together([threading.Thread(target=one, args=(u,)) for u in users])


def drive(server, users, path_of, seconds, out):
    """Every user asks for its page again and again for ``seconds``; adds to ``out`` the
    latencies, the failures and the time taken."""
    lock = threading.Lock()

    def client(user, deadline):
        path = path_of(user)
        mine, failed = [], []
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                status, _body, _response = server.get(path, user["cookie"])
            except OSError as error:
                status = repr(error)
            mine.append(time.monotonic() - start)
            if status != 200:
                failed.append(status)
        with lock:
            out["latencies"].extend(mine)
            out["errors"].extend(failed)

    start = time.monotonic()
    deadline = start + seconds
    _together([threading.Thread(target=client, args=(u, deadline)) for u in users])
    out["elapsed"] += time.monotonic() - start


def figures(out) -> dict:
    latencies = sorted(out["latencies"])
    errors = out["errors"]
    return {
        "requests": len(latencies),
        "rps": len(latencies) / out["elapsed"] if out["elapsed"] else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0.0,
        "errors": len(errors),
        "error_kinds": sorted({str(e) for e in errors})[:3],
    }


def compare_under_load(server, users, page, seconds) -> tuple[dict, dict]:
    """The page and its bare render, in turns of a few seconds each, so that both meet the
    same load of the machine."""

    def real(user):
        return user["paths"][page]

    def bare(user):
        return "/__bare__" + user["paths"][page]

    warm(server, users, real)
    warm(server, users, bare)
    outs = [{"latencies": [], "errors": [], "elapsed": 0.0} for _ in range(2)]
    for _turn in range(TURNS):
        drive(server, users, real, seconds / TURNS, outs[0])
        drive(server, users, bare, seconds / TURNS, outs[1])
    return figures(outs[0]), figures(outs[1])


def _row(label, r):
    kinds = f"  {', '.join(r['error_kinds'])}" if r["errors"] else ""
    print(
        f"{label:<28} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>9.0f} {r['p95']:>9.0f}"
        f" {r['errors']:>7}{kinds}"
    )


def load_bench(users=50, seconds=20, pages=PAGES, workers=2) -> dict:
    """Each of ``pages`` and its bare render under ``users`` concurrent signed-in users.

    Returns ``{page: {"page": figures, "bare": figures, "ratio": page rps / bare rps}}``, the
    figures being requests, rps, p50 and p95 (ms) and errors.
    """
    people = load_users(users)
    if connection.vendor == "postgresql":
        # What autovacuum keeps up to date on a server: without statistics after a bulk seed the
        # planner reads whole tables (this benchmark's server may run without autovacuum).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results = {}
    with Server(workers=workers) as server:
        sign_in(server, people)
        print(
            f"\nload: {users} users, one client each, {seconds} s a page, gunicorn "
            f"{workers} sync workers, DEBUG off, {settings.DATABASES['default']['ENGINE']}"
        )
        print(
            f"{'page':<28} {'requests':>8} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7}"
        )
        for page in pages:
            real, reference = compare_under_load(server, people, page, seconds)
            _row(page, real)
            _row(f"  {page}: bare render", reference)
            ratio = real["rps"] / reference["rps"] if reference["rps"] else 0.0
            print(f"  {page}: page / bare render = {ratio:.2f}× the requests per second")
            results[page] = {"page": real, "bare": reference, "ratio": ratio}
            sys.stdout.flush()
    return results


def main():
    import io

    import run
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not Bloc.objects.filter(code__startswith="khoi-mo-rong-").exists():
        call_command("seed_demo", scale=run.SCALE, stdout=io.StringIO())
    run.build_wide_bloc()
    pages = tuple(p for p in os.environ.get("BENCH_LOAD_PAGES", ",".join(PAGES)).split(",") if p)
    load_bench(
        users=int(os.environ.get("BENCH_LOAD_USERS", "50")),
        seconds=float(os.environ.get("BENCH_LOAD_SECONDS", "20")),
        pages=pages,
    )


if __name__ == "__main__":
    main()
