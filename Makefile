# Livelihood — the two commands: `make run` and `make test` (and `make dev`). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run dev test bench setup lint check messages compilemessages clean-var cluster drill

# gunicorn, DEBUG off: the one to use in a hall.
run: setup
	$(PY) scripts/run.py

# runserver, DEBUG on, autoreload: for changing the code.
dev: setup
	$(PY) scripts/run.py --dev

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# The multi-host layout of deploy/ on this machine (ports 18xxx, data in var/cluster/); not
# part of run or test. `drill` starts it, runs the five scale-out drills, stops it.
cluster: setup
	$(PY) scripts/cluster.py

drill: setup
	$(PY) scripts/drill.py

setup:
	@PYTHON=$(PYTHON) bash scripts/setup.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

messages:
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete -i ".venv/*" -i "static/vendor/*" -i "var/*" -i "bench/*"
	$(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --no-obsolete -i ".venv/*" -i "static/vendor/*" -i "var/*" -i "staticfiles/*"

compilemessages:
	$(PY) manage.py compilemessages -v0 --ignore=.venv

clean-var:
	rm -rf var
