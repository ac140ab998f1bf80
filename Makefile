# From Dual Numbers to Autograd. On a fresh machine, `make lab` and `make test` set everything up
# themselves (venv, pinned packages, this project, MNIST); a second run skips what is done.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.record_timing=False

.PHONY: setup lab test notebooks bench clean

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 is needed: make PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

## setup: the venv, the pinned packages, this project, and MNIST checked into data/ ($$MNIST_SOURCE offline)
setup: $(READY)
	$(BIN)/python -m coursekit

## lab: set up, then open the course in JupyterLab
lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks

## test: set up, then run every test: unit tests with coverage, and strict nbval on the notebooks
test: setup
	$(BIN)/python -m pytest --cov=diffType --cov-report=term-missing --cov-fail-under=100 $(PYTEST_ARGS)

## notebooks: re-execute the solution notebooks top to bottom, in place (commit the result)
notebooks: setup
	$(EXECUTE) --inplace $(NOTEBOOKS)

## bench: print the course's benchmark figures
bench: setup
	$(BIN)/python benchmarks/run_all.py

## clean: remove what the commands above build, keeping the venv and the data
clean:
	rm -rf build .pytest_cache .hypothesis .coverage
