# VeiligBalie: `make run` starts the client, `make test` runs every test.
# Both set everything up first, so they work on a fresh clone.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The exact versions the tests ran with (pip included); `make upgrade` refreshes it.
CONSTRAINTS := constraints.txt
PIP_QUIET := --quiet --disable-pip-version-check
TS := $(wildcard i18n/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: setup run test bench lint typecheck format translations sysdeps screenshot upgrade clean \
	wheel package

setup: $(STAMP) translations

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "VeiligBalie needs Python 3.11 or newer")'
	@echo "Creating $(VENV) with $$($(PYTHON) --version)…"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) --upgrade pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(PY)
	@echo "Installing dependencies, 1–2 minutes…"
	@$(PY) -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) -e '.[server,dev]'
	@touch $@
	@echo "Dependencies installed."

translations: $(QM)

# The tools of `make wheel` and `make package` (the `package` extra: build, PyInstaller).
PACKAGE_STAMP := $(VENV)/.package-stamp
$(PACKAGE_STAMP): pyproject.toml $(CONSTRAINTS) | $(STAMP)
	@$(PY) -m pip install $(PIP_QUIET) -c $(CONSTRAINTS) -e '.[server,dev,package]'
	@touch $@

# dist/veiligbalie-<version>-py3-none-any.whl: resources/ and the translations inside.
wheel: setup $(PACKAGE_STAMP)
	@$(PY) -m build --wheel --outdir dist . && rm -rf build/lib build/bdist.*

# Linux: the wheel, the PyInstaller one-folder build (dist/veiligbalie/) with its smoke
# test, the .deb; then tests/packaging: the wheel in a fresh venv outside the repository
# and the .deb installed with apt in a clean Debian root (debootstrap; skipped, saying
# why, where that cannot run). See packaging/README.md, also for Windows.
package: setup $(PACKAGE_STAMP)
	@PY=$(PY) sh packaging/build-linux.sh
	@QT_QPA_PLATFORM=offscreen VEILIGBALIE_DEB="$$(ls dist/veiligbalie_*.deb 2>/dev/null | tail -1)" \
	  $(PY) -m pytest tests/packaging -p no:cacheprovider $(PYTEST_ARGS)

i18n/%.qm: i18n/%.ts | $(STAMP)
	@$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

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
	$(VENV)/bin/mypy

typecheck: setup
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

screenshot: setup
	$(PY) scripts/screenshot.py --all

# Refresh constraints.txt: the newest versions pyproject.toml's ranges allow, resolved in a
# throwaway venv (the project itself left out), then reinstalled here from the new file.
upgrade:
	@echo "Resolving the newest allowed versions in a temporary venv, 1–2 minutes…"
	@rm -rf $(VENV)-upgrade
	@$(PYTHON) -m venv $(VENV)-upgrade
	@$(VENV)-upgrade/bin/python -m pip install $(PIP_QUIET) --upgrade pip
	@$(VENV)-upgrade/bin/python -m pip install $(PIP_QUIET) '.[server,dev]'
	@{ echo "# The exact versions the tests ran with. make installs from this file;"; \
	   echo "# 'make upgrade' refreshes it from pyproject.toml's ranges."; \
	   $(VENV)-upgrade/bin/python -m pip freeze --all --exclude veiligbalie \
	     --exclude setuptools --exclude wheel; } > $(CONSTRAINTS).new
	@rm -rf $(VENV)-upgrade
	@mv $(CONSTRAINTS).new $(CONSTRAINTS)
	@$(MAKE) --no-print-directory setup
	@git diff --stat -- $(CONSTRAINTS) 2>/dev/null || true

clean:
	rm -rf $(VENV) $(VENV)-upgrade i18n/*.qm build dist dist.wheel.log *.egg-info
