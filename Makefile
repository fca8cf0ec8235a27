# Two commands for learners: `make lab` and `make test`. Everything else is for maintainers.
#
# Variables (all optional; pass them on the command line, e.g. `make lab TORCH=cpu LAB_ARGS="--port 8890"`):
#   TORCH=cpu     install torch's CPU-only wheel from download.pytorch.org (about 200 MB) instead of the
#                 default index's wheel (on Linux x86_64, PyPI's default torch is a CUDA build: several GB)
#   LAB_ARGS=...  options for JupyterLab (`make lab`); as root, --allow-root is added by itself
#   ARGS=...      options for benchmarks/run_all.py (`make bench ARGS=--quick`)
#   PYTEST_ARGS=  options for pytest (`make test`, `make unit`)
#   PYTHON=...    the Python that creates .venv (default python3; needs >= 3.10)
#   USER_ID=...   the uid used to decide on --allow-root (default: `id -u`)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
ARGS ?=
LAB_ARGS ?=
TORCH ?=
USER_ID ?= $(shell id -u)

# One pin and one set of extras; environment.yml repeats both (tests/test_front_door.py checks they agree).
TORCH_PIN := torch==2.13.0
EXTRAS := notebooks,test
CPU_INDEX := https://download.pytorch.org/whl/cpu

ifeq ($(TORCH),cpu)
TORCH_INDEX := --index-url $(CPU_INDEX)
TORCH_NOTE := installing $(TORCH_PIN), the CPU-only build from $(CPU_INDEX) (first download: about 200 MB)
else ifeq ($(TORCH),)
TORCH_INDEX :=
ifeq ($(shell uname -sm),Linux x86_64)
TORCH_NOTE := installing $(TORCH_PIN) from your pip index (first download: from PyPI on Linux x86_64 this is \
the CUDA build, about 20 packages and several GB; for the ~200 MB CPU-only build: make clean-venv, then make lab TORCH=cpu)
else
TORCH_NOTE := installing $(TORCH_PIN) from your pip index (first download: about 200 MB, the CPU build)
endif
else
$(error TORCH=$(TORCH) is not allowed: use TORCH=cpu (CPU-only wheel from $(CPU_INDEX)) or leave TORCH unset)
endif

# JupyterLab refuses to start as root (Docker, many cloud machines) unless told --allow-root.
ROOT_NOTE := make: running as root (uid 0), so JupyterLab gets --allow-root
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),$(if $(filter --allow-root,$(LAB_ARGS)),,--allow-root))

# An installed .venv whose python, pip or main packages are gone (a python3 without ensurepip, an
# interrupted install, a removed system Python) is reinstalled instead of failing on every later call.
VENV_CHECK := import importlib.util as u, sys; \
	sys.exit(any(u.find_spec(m) is None for m in ("pip", "torch", "bgan_teach", "jupyterlab", "pytest")))
VENV_STATE := $(shell if [ -e $(STAMP) ]; then $(PY) -c '$(VENV_CHECK)' >/dev/null 2>&1 && echo ok || echo broken; fi)
VENV_NO_PIP := the $(VENV) has no working python or pip (Debian/Ubuntu: apt install python3-venv)

.PHONY: lab test unit notebooks run-notebooks e2e bench tour pictures clean-venv clean-cache FORCE

$(STAMP): pyproject.toml $(if $(filter broken,$(VENV_STATE)),FORCE)
	@if [ -d $(VENV) ] && ! $(PY) -m pip --version >/dev/null 2>&1; then \
		echo "make: $(VENV_NO_PIP); rebuilding it"; \
		rm -rf $(VENV); \
	elif [ -e $(STAMP) ]; then \
		echo "make: updating $(VENV) ($(if $(filter broken,$(VENV_STATE)),some packages are missing,pyproject.toml changed))"; \
	fi
	@if [ ! -d $(VENV) ]; then \
		command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python >= 3.10 or pass PYTHON=/path/to/python3" >&2; exit 1; }; \
		$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
			|| { echo "make: $(PYTHON) is $$($(PYTHON) --version 2>&1); bgan-teach needs Python >= 3.10 (pass PYTHON=...)" >&2; exit 1; }; \
		echo "make: creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"; \
		$(PYTHON) -m venv $(VENV) || true; \
	fi
	@$(PY) -m pip --version >/dev/null 2>&1 || { \
		echo "make: '$(PYTHON) -m venv' made a $(VENV) without pip, so nothing was installed and it was removed." \
			"On Debian/Ubuntu: apt install python3-venv (or python3.N-venv for your Python), then run make again." >&2; \
		rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	@echo "make: $(TORCH_NOTE)"
	$(PY) -m pip install $(TORCH_PIN) $(TORCH_INDEX)
	@echo "make: installing bgan-teach with its extras [$(EXTRAS)] (JupyterLab, pytest, ...; quiet, a minute or two)"
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

FORCE:

## Open JupyterLab on the notebooks (installs into .venv on first use).
lab: $(STAMP)
	$(if $(ALLOW_ROOT),@echo "$(ROOT_NOTE)")
	$(VENV)/bin/jupyter lab notebooks/ $(ALLOW_ROOT) $(LAB_ARGS)

## The whole suite: unit tests, stripped-notebook check, every notebook in fast mode (never from the cache).
test: $(STAMP)
	BGAN_NO_CACHE=1 BGAN_FAST=1 BGAN_STATIC=1 MPLBACKEND=Agg $(PY) -m pytest tests notebooks --nbmake \
		--nbmake-timeout=600 -p no:cacheprovider $(PYTEST_ARGS)

unit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest tests -q -m "not e2e" $(PYTEST_ARGS)

## Rebuild every notebooks/NN_*.ipynb (stripped) from its source notebooks/NN_*.py (jupytext py:percent).
notebooks: $(STAMP)
	$(PY) tools/notebooks.py build

## Execute every notebook in fast mode (what `make test` does for notebooks).
run-notebooks: $(STAMP)
	BGAN_NO_CACHE=1 BGAN_FAST=1 BGAN_STATIC=1 $(PY) -m pytest notebooks --nbmake --nbmake-timeout=600 -q

## Benchmarks print figures; they are never timed unit tests. `make bench ARGS=--quick` for a short run.
bench: $(STAMP)
	$(PY) benchmarks/run_all.py $(ARGS)

## Every notebook executed in full mode into build/tour/ (HTML + index.html), for reading without Jupyter.
tour: $(STAMP)
	$(PY) tools/tour.py

## Every figure of every notebook as a PNG under build/figures/NN_name/ (fast mode; ARGS=--full for full mode).
figures: $(STAMP)
	$(PY) tools/figures.py $(ARGS)

## README pictures under docs/img/, generated from the package.
pictures: $(STAMP)
	$(PY) tools/readme_pictures.py

## Only the real-browser tests (needs Debian's chromium; fails instead of skipping, enforces the latency bar).
e2e: $(STAMP)
	BGAN_REQUIRE_E2E=1 BGAN_E2E_ENFORCE_LATENCY=1 $(PY) -m pytest tests/e2e -s -p no:cacheprovider

## Empty the cache of training results (bgan_teach.cache: $$BGAN_CACHE_DIR, default ~/.cache/bgan-teach).
clean-cache: $(STAMP)
	@$(PY) -c 'from bgan_teach.cache import clear; print(f"make: emptied {clear()}")'

## Remove .venv; the next make call rebuilds it (e.g. after a broken install, or to switch to TORCH=cpu).
clean-venv:
	rm -rf $(VENV)
