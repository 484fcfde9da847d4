# khoithidua: `make run` serves the demo, `make test` runs the suite (both install first).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run run-full worker beat test lint format bench bench-load messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed system-deps

system-deps:
	@bash scripts/system-deps.sh

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# PostgreSQL + Redis + a worker + beat; set DATABASE_URL and CELERY_BROKER_URL (see README).
run-full: install
	@test -n "$$DATABASE_URL" -a -n "$$CELERY_BROKER_URL" || \
		(echo "Set DATABASE_URL and CELERY_BROKER_URL first (see .env.example)"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/celery -A khoithidua worker -l info --concurrency 2 & \
	$(VENV)/bin/celery -A khoithidua beat -l info --schedule var/celerybeat-schedule & \
	$(VENV)/bin/gunicorn khoithidua.wsgi -b $(HOST):$(PORT) --workers 3; \
	kill %1 %2

worker: install
	$(VENV)/bin/celery -A khoithidua worker -l info

beat: install
	$(VENV)/bin/celery -A khoithidua beat -l info --schedule var/celerybeat-schedule

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install
	@bash scripts/system-deps.sh --test
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Every figure of the performance record in one run (set DATABASE_URL to PostgreSQL first).
bench: install
	$(PY) bench/run.py

# Only the load: gunicorn with 2 workers under 50 signed-in users, beside the bare renders.
bench-load: install
	$(PY) bench/load.py

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/db.sqlite3 var/media var/staticfiles
