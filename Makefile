# Entry points named in the README.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | sha1sum | cut -c1-12)

.PHONY: run test lint format migrate seed bench

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, seed demo data and start web + worker + beat on :8000.
run: $(STAMP)
	$(PY) scripts/run.py

## The whole test suite against real PostgreSQL and Redis.
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## The deploy step: public schema, template schema, every grid company (in parallel).
migrate: $(STAMP)
	$(PY) manage.py migrate_platform

seed: $(STAMP)
	$(PY) manage.py seed_demo

## Every benchmark; each makes and drops its own database (figures: README, Performance).
bench: $(STAMP)
	$(PY) bench/provision.py
	$(PY) bench/provision_many.py
	$(PY) bench/case_list.py
	$(PY) bench/upload.py
	$(PY) bench/inbox.py
	$(PY) bench/verify_signature.py
