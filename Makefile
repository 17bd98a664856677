# Rapport. `make run` for the demo on the embedded default, `make test` for the test suite.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test lint format up screenshot bench load faults security clean

help:
	@echo "make run    start Rapport with demo data on http://127.0.0.1:8000 (SQLite, eager tasks)"
	@echo "make test   lint, migration check and the test suite"
	@echo "make up     production-like stack: gunicorn, Celery worker and beat (needs DATABASE_URL, CELERY_BROKER_URL, CACHE_URL)"
	@echo "make faults the fault suite: worker kills, broker outage, SMTP refusing, database kills (needs DATABASE_URL=postgres://..., redis-server)"
	@echo "make security sqlmap and wapiti against gunicorn with the production settings, signed in as a CSM: fails on a finding of medium severity or more (needs DATABASE_URL=postgres://...; installs sqlmap and wapiti from Debian when missing)"
	@echo "make load   gunicorn with the production settings under wrk: the main pages against hello world (needs DATABASE_URL=postgres://..., wrk, redis-server)"
	@echo "make bench  time the CSV import of 100,000 stakeholders against COPY, and of 1,000,000 interactions, the score recompute, fit_scoring and evaluate_scores on 20,000 stakeholders (under a minute each), a survey campaign of 1,000 people and the sending of its emails over SMTP, a search over 1,000,000 interactions (under 150 ms), an IMAP read of 100 new messages from Dovecot (under 5 s), and in real Chromium on the demo data the account page loading every section (under 250 ms), a quick-log save to the refreshed score card and a survey submit (under 300 ms each) (needs DATABASE_URL=postgres://..., dovecot-imapd, chromium, redis-server)"

$(PY):
	@python=$$(scripts/find_python.sh) && echo "Using $$python" && $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Rapport runs on http://127.0.0.1:8000 (Ctrl-C to stop)."
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.test_settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest --durations=20

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

up: $(VENV)/.runtime
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (postgres://...) first."; exit 1; }
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (redis://...) first."; exit 1; }
	@test -n "$$CACHE_URL" || { echo "Set CACHE_URL (redis://..., the web processes' shared cache) first."; exit 1; }
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(VENV)/bin/honcho start -f Procfile

screenshot: $(VENV)/.dev
	$(PY) scripts/screenshot.py docs/screenshot.png

bench: $(VENV)/.dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make bench runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db (it creates and drops the database rapport_bench on that server)."; exit 1;; esac
	$(PY) bench/import_stakeholders.py
	$(PY) bench/import_interactions.py
	$(PY) bench/recompute_scores.py
	$(PY) bench/fit_scoring.py
	$(PY) bench/capture_mailbox.py
	$(PY) bench/survey_campaign.py
	$(PY) bench/search.py
	@test -x /usr/sbin/dovecot || { echo "bench/imap_sync.py needs Dovecot: apt-get install dovecot-imapd"; exit 1; }
	$(PY) bench/imap_sync.py
	$(PY) bench/browser_timings.py

load: $(VENV)/.dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make load runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db (it creates and drops the database rapport_load on that server)."; exit 1;; esac
	@command -v wrk >/dev/null || { echo "make load needs wrk: apt-get install wrk"; exit 1; }
	@command -v redis-server >/dev/null || { echo "make load needs redis-server: apt-get install redis-server"; exit 1; }
	$(PY) bench/load.py

faults: $(VENV)/.dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make faults runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db (it creates and drops the database rapport_faults on that server)."; exit 1;; esac
	@command -v redis-server >/dev/null || { echo "make faults needs redis-server: apt-get install redis-server"; exit 1; }
	$(PY) bench/faults.py

security: $(VENV)/.dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make security runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db (it creates and drops the database rapport_security on that server)."; exit 1;; esac
	@command -v sqlmap >/dev/null && command -v wapiti >/dev/null || { echo "Installing sqlmap and wapiti (Debian packages)"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap wapiti >/dev/null; }
	$(PY) bench/security.py

clean:
	rm -rf $(VENV) staticfiles rapport.sqlite3* test_rapport_*.sqlite3* .pytest_cache .ruff_cache
