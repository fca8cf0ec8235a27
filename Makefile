# Two commands for learners: `make lab` and `make test`. Everything else is for maintainers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: lab test unit notebooks run-notebooks e2e bench tour pictures clean-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned: an unpinned torch would pull a ~3 GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[notebooks,test]"
	touch $(STAMP)

## Open JupyterLab on the notebooks (installs into .venv on first use).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

## The whole suite: unit tests, stripped-notebook check, every notebook in fast mode.
test: $(STAMP)
	BGAN_FAST=1 BGAN_STATIC=1 MPLBACKEND=Agg $(PY) -m pytest tests notebooks --nbmake \
		--nbmake-timeout=600 -p no:cacheprovider $(PYTEST_ARGS)

unit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest tests -q -m "not e2e" $(PYTEST_ARGS)

## Rebuild every notebooks/NN_*.ipynb (stripped) from its source notebooks/NN_*.py (jupytext py:percent).
notebooks: $(STAMP)
	$(PY) tools/notebooks.py build

## Execute every notebook in fast mode (what `make test` does for notebooks).
run-notebooks: $(STAMP)
	BGAN_FAST=1 BGAN_STATIC=1 $(PY) -m pytest notebooks --nbmake --nbmake-timeout=600 -q

## Benchmarks print figures; they are never timed unit tests.
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

## Every notebook executed in full mode into build/tour/ (HTML + index.html), for reading without Jupyter.
tour: $(STAMP)
	$(PY) tools/tour.py

## README pictures under docs/img/, generated from the package.
pictures: $(STAMP)
	$(PY) tools/readme_pictures.py

## Only the real-browser tests (needs Debian's chromium; fails instead of skipping, enforces the latency bar).
e2e: $(STAMP)
	BGAN_REQUIRE_E2E=1 BGAN_E2E_ENFORCE_LATENCY=1 $(PY) -m pytest tests/e2e -s -p no:cacheprovider

clean-venv:
	rm -rf $(VENV)
