# The course's commands. `make lab` and `make test` are the README's two commands; both
# work on a fresh machine with Python >= 3.10 (they create .venv themselves).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# JupyterLab refuses to run as root unless told; classroom machines and CI run as root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb)) $(sort $(wildcard notebooks/zh/*.ipynb))
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test unit notebooks bench lint clean browser-test

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("bplib needs Python >= 3.10, found " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

# The test extra brings nbgrader (make release / grade); the course runs it from the command line
# only, so its JupyterLab menus and server extensions stay switched off.
NBGRADER_OFF = $(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1; \
	for e in formgrader validate_assignment assignment_list course_list; do \
	  $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e >/dev/null 2>&1; done; true

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(NBGRADER_OFF)
	@touch $@ $(VENV)/.installed

# JupyterLab's settings overrides (no "official Jupyter news?" prompt on a classroom screen); the hub
# image and Binder install the same file (binder/postBuild).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): deploy/jupyterlab/overrides.json | $(BIN)/python
	mkdir -p $(dir $@) && cp $< $@

## lab: set up .venv and open the course in JupyterLab
lab: $(VENV)/.installed $(LAB_OVERRIDES)
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks

## test: set up .venv with the test extras and run the whole suite (lint, unit, notebooks)
test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check bplib tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadfile tests --ignore=tests/browser $(NOTEBOOKS) $(if $(NOTEBOOKS),$(NBVAL))

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 tests --ignore=tests/browser

## browser-test: JupyterLab + Debian's chromium (Playwright) run tests/browser/all_widgets.ipynb; screenshots in browser-screens/
browser-test: $(VENV)/.installed-test $(LAB_OVERRIDES)
	command -v chromium || (apt-get update && apt-get install -y chromium)
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (apt-get update && apt-get install -y fonts-noto-cjk)  # Chinese captions in the browser
	$(BIN)/python -m pip install -q -e '.[test,browser]'
	$(BIN)/python -m pytest tests/browser -v

## class-link: print the nbgitpuller link for a class, `make class-link HUB=https://hub.example.org [REPO=git-url]`
.PHONY: class-link classroom-test
class-link:
	@test -n "$(HUB)" || (echo "usage: make class-link HUB=https://hub.example.org [REPO=the course's git URL] [BRANCH=main]" >&2; exit 2)
	@$(PYTHON) deploy/jupyterhub/class_link.py "$(HUB)" $(if $(REPO),--repo "$(REPO)") --branch "$(or $(BRANCH),main)"

## classroom-test: a real JupyterHub on 127.0.0.1, 5 students (system users) pull, run, edit, get graded (root; ~5 min)
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
$(CHP): | $(BIN)/python
	npm install --prefix $(VENV)/node --no-audit --no-fund configurable-http-proxy@5.3.0
$(VENV)/.installed-hub: deploy/jupyterhub/requirements.txt $(VENV)/.installed-test
	$(BIN)/python -m pip install -q -r deploy/jupyterhub/requirements.txt
	@touch $@
# The students' servers run as the students, so the test builds their environment (like the hub
# image: the course, jupyterhub, nbgitpuller) in its temporary folder from a Python every user can
# run: a Python under /root (pyenv's) is not one.
SINGLEUSER_PYTHON ?= /usr/bin/python3
classroom-test: $(VENV)/.installed-hub $(VENV)/.installed-classroom $(CHP)
	BPLIB_CLASSROOM=1 BPLIB_SINGLEUSER_PYTHON=$(SINGLEUSER_PYTHON) $(BIN)/python -m pytest -p no:xdist tests/classroom -v -s

## release: the student edition of every notebook in release/ (nbgrader: no solutions, no hidden tests)
## grade: autograde returned notebooks, `make grade SUBMISSIONS=folder [GRADES=grading] [TIMEOUT=120]`
.PHONY: release grade
RELEASE ?= release
GRADES ?= grading
TIMEOUT ?= 120
$(VENV)/.installed-classroom: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[classroom]'
	$(NBGRADER_OFF)
	@touch $@ $(VENV)/.installed
release: $(VENV)/.installed-classroom
	$(BIN)/python tools/classroom/release.py --out "$(RELEASE)"
grade: $(VENV)/.installed-classroom
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=folder (one sub-folder per student) [GRADES=grading] [TIMEOUT=120]" >&2; exit 2)
	$(BIN)/python tools/classroom/grade.py "$(SUBMISSIONS)" --out "$(GRADES)" --timeout $(TIMEOUT)

notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile $(NOTEBOOKS) $(NBVAL)

## site: the course as a static website in site/ (English, and Chinese for every twin in notebooks/zh/), from the
## notebooks' stored outputs; offline (MathJax, fonts, scripts and search served by the site itself). Launch links:
## `make site SITE_HUB_URL=https://hub.example.org [SITE_REPO_URL=git-url] SITE_BINDER_URL=https://mybinder.org/v2/gh/ORG/REPO/main`
## site-test: build it and open every page in headless chromium with other hosts blocked (axe-core, math, images,
## links, language switch); screenshots in site-screens/
.PHONY: site site-test
SITE_HUB_URL ?=
SITE_BINDER_URL ?=
SITE_REPO_URL ?= $(shell git config --get remote.origin.url 2>/dev/null)
SITE_BRANCH ?= main
MATHJAX := $(VENV)/node/node_modules/mathjax/es5/tex-chtml.js
$(MATHJAX): | $(BIN)/python
	npm install --prefix $(VENV)/node --no-audit --no-fund mathjax@3.2.2
$(VENV)/.installed-site: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[site]'
	@touch $@ $(VENV)/.installed
site: $(VENV)/.installed-site $(MATHJAX)
	SITE_HUB_URL='$(SITE_HUB_URL)' SITE_BINDER_URL='$(SITE_BINDER_URL)' SITE_REPO_URL='$(SITE_REPO_URL)' \
	  SITE_BRANCH='$(SITE_BRANCH)' $(BIN)/python tools/site/build.py --out site
site-test: site $(VENV)/.installed-test
	command -v chromium || (apt-get update && apt-get install -y chromium)
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (apt-get update && apt-get install -y fonts-noto-cjk)  # the zh pages
	$(BIN)/python -m pip install -q -e '.[test,browser,site]'
	BPLIB_SITE_TEST=1 BPLIB_SITE_BUILT=1 $(BIN)/python -m pytest -p no:xdist tests/site -v -rx

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
