"""Real Celery workers and Redis servers for the worker and chaos tests.

A worker runs `celery worker` in a subprocess against the test database, on a queue of its
own, so that a development worker on the same Redis never takes the test's tasks. A chaos test
that stops its broker starts a Redis of its own on a free port, never the shared one.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_services

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def skip_or_fail(reason):
    if require_services():
        pytest.fail(reason)
    pytest.skip(reason)


def spawn(command: list[str], env: dict, log) -> subprocess.Popen:
    """Start ``command`` from the project's folder in a session of its own (so that its whole
    process group can be killed), its output appended to the file ``log``."""
    with open(log, "a") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )


def wait_for(predicate, timeout=60, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


def require_worker_services(broker_url: str = TEST_REDIS_URL):
    if connection.vendor != "postgresql":
        skip_or_fail("the worker tests need PostgreSQL (DATABASE_URL) to share the test database")
    if not redis_answers(broker_url):
        skip_or_fail(f"Redis is not reachable at {broker_url}")


class OwnRedis:
    """A redis-server on a free port, without persistence, that a test may stop and restart."""

    def __init__(self):
        if not shutil.which("redis-server"):
            skip_or_fail("redis-server is not installed")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="khoithidua-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: redis_answers(self.url), timeout=20), "own Redis did not start"

    def stop(self):
        """Kill it hard: what was queued in it is lost, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        assert wait_for(lambda: not redis_answers(self.url), timeout=10)


class Worker:
    """`celery worker` in a subprocess on its own queue, against the test database."""

    def __init__(self, *, broker_url: str, queue: str, pool: str = "solo", log: Path):
        self.broker_url, self.queue, self.pool, self.log = broker_url, queue, pool, log
        self.process = None

    def start(self):
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "khoithidua.settings",
            "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "true",
        }
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "khoithidua",
            "worker",
            "--pool",
            self.pool,
            "-l",
            "info",
            "-Q",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.pool == "prefork":
            command += ["--concurrency", "1"]
        self.process = spawn(command, env, self.log)
        assert wait_for(lambda: "ready." in self.log.read_text(), timeout=60), self.log.read_text()

    def children(self) -> list[int]:
        """The pool's processes (prefork): the ones that run the tasks."""
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in found.split()]

    def kill_everything(self):
        """kill -9 the worker and its pool at once, as a machine that loses power."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_everything()


@contextlib.contextmanager
def sending_to(broker_url: str, queue: str):
    """Make this process's Celery app send to the test's broker and queue, not in-process."""
    from kombu import pools

    from khoithidua.celery import app

    def reset():
        pools.reset()
        app._pool = None
        # The routing table (default queue) is built once per app; rebuild it from the conf.
        app.__dict__.pop("amqp", None)

    # Celery reads CELERY_BROKER_URL from the environment before its own settings, so the
    # test's broker goes into the write/read URLs, which take precedence over it.
    keys = ("task_always_eager", "broker_write_url", "broker_read_url", "task_default_queue")
    saved = {k: app.conf.get(k) for k in keys}
    app.conf.update(
        task_always_eager=False,
        broker_write_url=broker_url,
        broker_read_url=broker_url,
        task_default_queue=queue,
    )
    reset()
    try:
        yield app
    finally:
        app.conf.update(**saved)
        reset()


def new_queue() -> str:
    return f"khoithidua-test-{uuid.uuid4().hex[:8]}"


def start_worker(broker_url: str, queue: str, pool: str = "solo") -> Worker:
    """Start a worker on ``queue``, logging to a file named after it in the test media root."""
    worker = Worker(
        broker_url=broker_url,
        queue=queue,
        pool=pool,
        log=Path(settings.MEDIA_ROOT) / f"{queue}.log",
    )
    worker.start()
    return worker
