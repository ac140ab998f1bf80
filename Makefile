# From Dual Numbers to Autograd. On a fresh machine, `make lab` and `make test` set everything up
# themselves (venv, pinned packages, this project, MNIST); a second run skips what is done.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.record_timing=False

.PHONY: setup lab test notebooks exercises handouts bench clean

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 is needed: make PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

## setup: the venv, the pinned packages, this project, and MNIST checked into data/ ($$MNIST_SOURCE offline)
setup: $(READY)
	$(BIN)/python -m coursekit

## lab: set up, then open the course in JupyterLab at the student versions (exercises/)
lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) exercises

## test: set up, then run every test: unit tests with coverage, and strict nbval on the notebooks
test: setup
	$(BIN)/python -m pytest --cov=diffType --cov-report=term-missing --cov-fail-under=100 $(PYTEST_ARGS)

## notebooks: re-execute the solution notebooks top to bottom, in place, then the exercises (commit both)
notebooks: setup
	$(EXECUTE) --inplace $(NOTEBOOKS)
	$(BIN)/python tools/make_exercises.py

## exercises: regenerate the student versions in exercises/ (never overwrites a student's edits)
exercises: $(READY)
	$(BIN)/python tools/make_exercises.py

## handouts: reveal.js slides and static HTML of the executed notebooks, into build/
handouts: $(READY)
	$(BIN)/jupyter nbconvert --to slides --SlidesExporter.reveal_scroll=True --output-dir build/slides $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --TagRemovePreprocessor.enabled=True \
		--TagRemovePreprocessor.remove_cell_tags='{"instructor"}' --output-dir build/html $(NOTEBOOKS)

## bench: print the course's benchmark figures
bench: setup
	$(BIN)/python benchmarks/run_all.py

## clean: remove what the commands above build, keeping the venv and the data
clean:
	rm -rf build .pytest_cache .hypothesis .coverage
