"""The site's settings with the load benchmark's URLconf (bench/load.py serves it with gunicorn)."""

from khoithidua.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
