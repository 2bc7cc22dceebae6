# The course's commands. `make lab` and `make test` are the README's two commands; both
# work on a fresh machine with Python >= 3.10 (they create .venv themselves).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# JupyterLab refuses to run as root unless told; classroom machines and CI run as root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test unit notebooks bench lint clean browser-test

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("bplib needs Python >= 3.10, found " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

## lab: set up .venv and open the course in JupyterLab
lab: $(VENV)/.installed
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks

## test: set up .venv with the test extras and run the whole suite (lint, unit, notebooks)
test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check bplib tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadfile tests --ignore=tests/browser $(NOTEBOOKS) $(if $(NOTEBOOKS),$(NBVAL))

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 tests --ignore=tests/browser

## browser-test: JupyterLab + Debian's chromium (Playwright) run tests/browser/all_widgets.ipynb; screenshots in browser-screens/
browser-test: $(VENV)/.installed-test
	command -v chromium || (apt-get update && apt-get install -y chromium)
	$(BIN)/python -m pip install -q -e '.[test,browser]'
	$(BIN)/python -m pytest tests/browser -v

notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile $(NOTEBOOKS) $(NBVAL)

## figures: regenerate every file in figures/ from the registry in bplib/figures/registry.py (fixed seed, byte-stable)
.PHONY: figures
figures: $(VENV)/.installed
	$(BIN)/python -m bplib.figures

## bench: ratio benchmarks against PyTorch (printed, never asserted)
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.conv
	$(BIN)/python -m benchmarks.train

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check bplib tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info bplib.egg-info
