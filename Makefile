# One entry point for people and CI. `make report` builds everything the project shows;
# `make test` runs every check. Both create .venv and install the project first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make lab PORT=8890 ARGS="--no-browser"`; as root JupyterLab needs --allow-root.
PORT ?= 8888
ARGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# The main run on both cores; one module (or notebook) per worker keeps module fixtures shared,
# handed out in collection order, the longest modules first (tests/conftest.py: LONGEST_FIRST).
# Not for the notebook-only runs: four notebooks on two workers measured slower than one process.
XDIST := -n 2 --dist loadscope --no-loadscope-reorder
# nbval in two environments at the ends of the clock (UTC+14 and UTC-12), in two bare locales
# and under two random hash seeds: stored outputs must not depend on the machine. `make test`
# runs its main run (every test, nbval included) in the first and nbval alone in the second,
# beside it: a third pass in the machine's own setting would add little to the two.
# The seeds are printed so a failing run can be repeated with
# `make determinism HASH_SEED=N HASH_SEED_2=M`. No PNGs are drawn in the nbval-only runs
# (nbval does not compare them; the main run draws them, so a figure that fails still fails).
ifndef HASH_SEED
HASH_SEED := $(shell $(PYTHON) -c 'import random; print(random.randint(1, 4294967295))')
endif
ifndef HASH_SEED_2
HASH_SEED_2 := $(shell $(PYTHON) -c 'import random; print(random.randint(1, 4294967295))')
endif
ODD_ENV_1 = TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 PYTHONHASHSEED=$(HASH_SEED)
ODD_ENV_2 = TZ=Etc/GMT+12 LC_ALL=POSIX PYTHONHASHSEED=$(HASH_SEED_2)
NO_PNG := $(CURDIR)/tests/no_png_ipython

.PHONY: venv-python help install report test tests-and-nbval lint determinism lab notebooks readme-images browser-check constraints clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

# Checked before every use of .venv: a .venv made by a Python older than 3.11 (or whose Python
# is gone) is refused with the command that rebuilds it, rather than failing later on.
venv-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "make: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo '(not found)'); the project needs 3.11 or later: run make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; exit 2; }
	@if [ -e $(VENV) ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	  echo "make: $(VENV) was made by another Python ($$($(BIN)/python -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'its python is missing')); the project needs 3.11 or later. Rebuild it with: rm -rf $(VENV) && make install" >&2; exit 2; fi

$(STAMP): pyproject.toml constraints.txt | venv-python
	@echo "install: creating $(VENV) and installing the pinned packages from PyPI (numpy, pandas, matplotlib, scipy, JupyterLab, pytest; about 400 MB, 2-5 minutes on first run; later runs need no network)"
	$(PYTHON) -m venv $(VENV)
	@echo "install: [1/2] upgrading pip"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "install: [2/2] installing the project and its pinned dependencies (the long step)"
	$(BIN)/python -m pip install --quiet --progress-bar off -c constraints.txt -e ".[notebook,test]"
	touch $(STAMP)
	@echo "install: done"

install: $(STAMP)  ## create .venv and install the project with the pinned versions

report: $(STAMP)  ## validate, build every chart, run the notebooks, write reports/, every question's report and the track record
	$(BIN)/python -m analysis report --all

# Without the hypothesis plugin: no notebook uses it, and loading it costs each run time.
NBVAL_ONLY := $(BIN)/python -m pytest -q -p no:cacheprovider -p no:hypothesispytest notebooks $(NBVAL)

# The second environment's nbval run starts in the background, its output kept in a file and
# shown once it ends, so that $(1) (the run in the first environment) has the terminal to
# itself. Both exit codes are checked: a failure in either fails the target. The background
# run is one process and its kernel, mostly one core: it fills the time the main run's
# workers wait.
define in_both_environments
	@echo "environment 1: $(ODD_ENV_1); environment 2, in the background (its output follows): $(ODD_ENV_2)"
	@kept=$$(mktemp); \
	$(ODD_ENV_2) IPYTHONDIR=$(NO_PNG) $(NBVAL_ONLY) >$$kept 2>&1 & second=$$!; \
	first=0; $(ODD_ENV_1) $(1) || first=$$?; \
	wait $$second; other=$$?; \
	echo "environment 2 ($(ODD_ENV_2)):"; cat $$kept; rm -f $$kept; \
	if [ $$first -ne 0 ] || [ $$other -ne 0 ]; then \
	  echo "failed (exit $$first in environment 1, $$other in environment 2); repeat with make $(MAKECMDGOALS) HASH_SEED=$(HASH_SEED) HASH_SEED_2=$(HASH_SEED_2)" >&2; fi; \
	[ $$first -eq 0 ] && [ $$other -eq 0 ]
endef

# The tests run in a network namespace of their own with only the loopback up, where the
# machine allows it (root, or unprivileged user namespaces, and `ip`): nothing a test starts,
# Python or not (a raw socket, ctypes, a `python -I` child, bash's /dev/tcp), can reach another
# host. Elsewhere they run with the Python guard alone (tests/offline_guard) and say so.
NETNS := $(shell if [ "$$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then echo "unshare -n"; \
  elif unshare -rn true 2>/dev/null; then echo "unshare -rn"; fi)
ifeq ($(NETNS),)
OFFLINE = echo "test: no network namespace here (needs root or user namespaces); only Python processes are kept offline"; $(1)
else ifeq ($(shell command -v ip),)
OFFLINE = echo "test: no ip command to bring a namespace's loopback up; only Python processes are kept offline"; $(1)
else
OFFLINE = echo "test: in a network namespace with only the loopback ($(NETNS)): no test can reach another host"; \
  $(NETNS) sh -c 'ip link set lo up && exec "$$@"' sh $(1)
endif

test: lint  ## lint, then unit tests and nbval in one odd environment, nbval at once in another
	@$(call OFFLINE,$(MAKE) --no-print-directory tests-and-nbval HASH_SEED=$(HASH_SEED) HASH_SEED_2=$(HASH_SEED_2))

# What `make test` runs after lint, inside the network namespace when there is one.
tests-and-nbval: $(STAMP)
	$(call in_both_environments,$(BIN)/python -m pytest $(XDIST) tests notebooks $(NBVAL))

determinism: $(STAMP)  ## nbval alone in the two odd time zones, locales and hash seeds
	$(call in_both_environments,IPYTHONDIR=$(NO_PNG) $(NBVAL_ONLY))

lint: $(STAMP)  ## ruff check and format check
	$(BIN)/ruff check src tests notebooks benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

lab: $(STAMP)  ## open the notebooks in JupyterLab (PORT=8888, ARGS="extra jupyter options")
	$(BIN)/jupyter lab notebooks --port=$(PORT) $(LAB_ROOT) $(ARGS)

notebooks: $(STAMP)  ## re-execute the committed notebooks in place (after a code or data change)
	$(BIN)/python -m analysis notebooks

readme-images: report  ## copy the README's pictures from a fresh report
	cp reports/figures/case_timeline.png reports/figures/scenarios_plane.png \
		reports/figures/measured_series.png docs/images/

browser-check: $(STAMP)  ## open reports/index.html in headless Chromium, offline, and move the what-if
	test -f reports/index.html || $(MAKE) --no-print-directory report
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[browser]"
	$(BIN)/python tools/browser_check.py

constraints: $(STAMP)  ## re-pin constraints.txt to what is installed now
	{ head -2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^shenyang-detention-scenarios'; } > constraints.new && mv constraints.new constraints.txt

clean:  ## remove the virtual environment and the built report
	rm -rf $(VENV) reports .reports.staging .reports.previous .reports.versions
