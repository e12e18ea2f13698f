# VeiligBalie: `make run` starts the client, `make test` runs every test.
# Both set everything up first, so they work on a fresh clone.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TS := $(wildcard i18n/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: setup run test bench lint format translations sysdeps screenshot clean

setup: $(STAMP) translations

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "VeiligBalie needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[server,dev]'
	@touch $@

translations: $(QM)

i18n/%.qm: i18n/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

sysdeps:
	@sh scripts/system-libs.sh

run: setup sysdeps
	@sh scripts/run-client.sh $(ARGS)

test: setup
	@sh scripts/system-libs.sh test || echo "note: system libraries for the X11 tests are missing; those tests skip"
	@sh scripts/run-tests.sh $(PYTEST_ARGS)

bench: setup
	@$(PY) -m tests.bench

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

screenshot: setup
	$(PY) scripts/screenshot.py --all

clean:
	rm -rf $(VENV) i18n/*.qm build dist *.egg-info
