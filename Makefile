# One entry point for people and CI. `make report` builds everything the project shows;
# `make test` runs every check. Both create .venv and install the project first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help install report test lint lab notebooks constraints clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[notebook,test]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with the pinned versions

report: $(STAMP)  ## validate the data, build every chart, run the notebooks, write reports/
	$(BIN)/python -m analysis report

test: $(STAMP)  ## lint, unit tests and nbval over the notebooks
	$(BIN)/ruff check src tests notebooks
	$(BIN)/ruff format --check src tests
	$(BIN)/python -m pytest tests notebooks $(NBVAL)

lint: $(STAMP)  ## ruff only
	$(BIN)/ruff check src tests notebooks
	$(BIN)/ruff format --check src tests

lab: $(STAMP)  ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks

notebooks: $(STAMP)  ## re-execute the committed notebooks in place (after a code or data change)
	for nb in notebooks/[0-9][0-9]_*.ipynb; do $(BIN)/jupyter execute --inplace "$$nb" || exit 1; done

constraints: $(STAMP)  ## re-pin constraints.txt to what is installed now
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^shenyang-detention-scenarios' > constraints.txt

clean:  ## remove the virtual environment and the built report
	rm -rf $(VENV) reports .reports.staging .reports.previous
