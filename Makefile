# From Dual Numbers to Autograd. On a fresh machine, `make lab` and `make test` set everything up
# themselves (venv, pinned packages, this project, MNIST); a second run skips what is done.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.record_timing=False

.PHONY: setup lab test notebooks exercises handouts site bench clean
# What make site and make handouts publish: student (no solutions) or instructor
EDITION ?= student

# TORCH=cpu (Linux without an NVIDIA GPU): PyTorch's CPU-only wheels from PyTorch's own index,
# about a sixth of the size. PyPI's Linux torch, the default, brings ~3-4 GB of CUDA libraries
# that a CPU never uses. Not tested where the course is built: that index is out of its reach.
TORCH ?= pypi
PYTORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 is needed: make PYTHON=/path/to/python3.11")'
	@case "$(TORCH)" in pypi|cpu) ;; *) echo "TORCH is pypi (the default) or cpu, not $(TORCH)"; exit 1;; esac
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if [ "$(TORCH)" = cpu ]; then \
		$(PIP) --index-url $(PYTORCH_CPU_INDEX) $$(grep -Eo '^torch(vision)?==[^ ]+' requirements.txt); fi
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

# JupyterLab settings for everyone using this venv (jupyter/overrides.json): no popup asking about
# Jupyter news, no update checks (the course pins its versions), RISE slides in reveal.js's white
# theme (the default theme, "simple", fetches its fonts from Google Fonts)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_SETTINGS): jupyter/overrides.json $(READY)
	mkdir -p $(@D)
	cp jupyter/overrides.json $@

# Jupyter server settings for everyone using this venv (jupyter/jupyter_server_config.py): RISE's
# optional stylesheets rise.css and <notebook>.css are served empty where there are none (no 404s)
SERVER_SETTINGS := $(VENV)/etc/jupyter/jupyter_server_config.py
$(SERVER_SETTINGS): jupyter/jupyter_server_config.py $(READY)
	mkdir -p $(@D)
	cp jupyter/jupyter_server_config.py $@

# nbgrader grades from the command line here (make grade). Its JupyterLab parts (the nbgrader menu,
# the Create Assignment panel, the Validate button; the formgrader and assignment-list server
# extensions, made for JupyterHub courses) stay off in this venv. The JupyterLab extension of the
# notebook package it brings (an "open in Jupyter Notebook" button) is removed: RISE's slideshow page
# loads every installed extension, disabled or not, and that one fails there
NBGRADER_UI_OFF := $(VENV)/.nbgrader-ui-off
NBGRADER_SERVER_EXTENSIONS := formgrader validate_assignment assignment_list course_list
$(NBGRADER_UI_OFF): $(READY)
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader
	for extension in $(NBGRADER_SERVER_EXTENSIONS); do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$extension || exit 1; done
	rm -rf $(VENV)/share/jupyter/labextensions/@jupyter-notebook
	touch $@

## setup: the venv, the pinned packages, this project, JupyterLab settings, MNIST checked into data/ ($$MNIST_SOURCE offline)
setup: $(READY) $(LAB_SETTINGS) $(SERVER_SETTINGS) $(NBGRADER_UI_OFF)
	$(BIN)/python -m coursekit

# JupyterLab refuses to run as root without --allow-root; containers and cloud machines often run as root
LAB := $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)
# Where a student's own copies live: my-work/, or MY_WORK=folder
MY_WORK ?= my-work
# The course's notebooks in my-work/ (copies and updates) are signed ("trusted") for this user:
# JupyterLab then shows their outputs in full and logs no "Notebook ... is not trusted". Other
# notebooks there are left as they are.
COURSE_NOTEBOOKS := $(notdir $(wildcard exercises/[0-9][0-9]_*.ipynb))
TRUST := $(abspath $(BIN))/jupyter trust

## lab: set up, then open JupyterLab in my-work/, your own copies of the exercises (see my-work)
lab: setup my-work
	$(LAB) $(LAB_ARGS) $(MY_WORK)

## my-work: copy into my-work/ (yours, git-ignored) the exercises you lack; put course updates beside your copies
.PHONY: my-work
my-work: $(READY)
	$(BIN)/python tools/my_work.py --work $(MY_WORK)
	cd $(MY_WORK) && $(TRUST) $$(ls $(COURSE_NOTEBOOKS) $(COURSE_NOTEBOOKS:.ipynb=.new.ipynb) 2>/dev/null)

## present: open the solution notebooks (notebooks/, or PRESENT=folder) in JupyterLab, trusted, to present with RISE
# Progress bars as text (COURSE_PROGRESS): RISE shows no widgets.
PRESENT ?= notebooks
.PHONY: present
present: setup
	$(TRUST) $(PRESENT)/*.ipynb
	@echo "To present: open a notebook, click a cell, press Alt+R (or, in the command palette, Ctrl+Shift+C:" \
		"\"Render as Reveal Slideshow\"; \"Open as Reveal Slideshow\" opens it in a browser tab of its own)."
	COURSE_PROGRESS=text $(LAB) $(LAB_ARGS) $(PRESENT)

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

## grade: autograde SUBMISSIONS=folder (folder/<student>/<notebook>.ipynb) with nbgrader: points per student
## and exercise in grading/grades.csv, a feedback page per student in grading/feedback/ (see README, Grading)
.PHONY: grade
grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "make grade SUBMISSIONS=folder, with folder/<student>/<notebook>.ipynb"; exit 1; }
	$(BIN)/python tools/grading.py grade $(SUBMISSIONS) $(GRADE_ARGS)

# The web pages below work offline: MathJax, reveal.js, require.js, jQuery and the widget renderer are
# pinned in site/package-lock.json, installed once with npm into site/node_modules (git-ignored)
WEB_ASSETS := site/node_modules/.installed
$(WEB_ASSETS): site/package.json site/package-lock.json
	@command -v npm >/dev/null || { echo "make site and make handouts need Node.js and npm (https://nodejs.org)"; exit 1; }
	npm ci --prefix site --ignore-scripts --no-audit --no-fund
	touch $@

# Handouts load those assets from build/vendor/ by relative URLs, so build/ can be copied as a whole.
# Slides: nbconvert's reveal template without its mermaid.js import, and reveal.js's white theme
# (the default theme, "simple", imports its fonts from Google Fonts)
VENDOR := ../vendor
OFFLINE_HANDOUTS := --HTMLExporter.mathjax_url='$(VENDOR)/mathjax2/MathJax.js?config=TeX-AMS_CHTML-full,Safe' \
	--HTMLExporter.require_js_url=$(VENDOR)/requirejs/require.js --HTMLExporter.jquery_url=$(VENDOR)/jquery/jquery.min.js \
	--HTMLExporter.widget_renderer_url=$(VENDOR)/html-manager/embed-amd.js
# Both templates write each figure's alt text (a cell's `alt` metadata), which nbconvert's own omit.
TEMPLATES := --TemplateExporter.extra_template_basedirs=site/nbconvert_templates \
	--TemplateExporter.extra_template_paths=site/nbconvert_templates
OFFLINE_SLIDES := --template reveal_offline $(TEMPLATES) \
	--SlidesExporter.reveal_url_prefix=$(VENDOR)/reveal.js --SlidesExporter.reveal_theme=white

## handouts: reveal.js slides and static HTML (no speaker notes) of the executed notebooks, into build/; offline
## (the student edition, without solutions; EDITION=instructor keeps them)
handouts: $(READY) $(WEB_ASSETS)
	$(BIN)/python site/offline_assets.py build/vendor handouts
	rm -rf build/edition
	$(BIN)/python tools/make_exercises.py --edition $(EDITION) --out build/edition
	$(BIN)/jupyter nbconvert --to slides $(OFFLINE_SLIDES) --SlidesExporter.reveal_scroll=True $(OFFLINE_HANDOUTS) \
		--output-dir build/slides build/edition/*.ipynb
	$(BIN)/jupyter nbconvert --to html --template html_offline $(TEMPLATES) $(OFFLINE_HANDOUTS) \
		--output-dir build/html build/edition/*.ipynb

## site: the course website (Sphinx) from the executed notebooks, without running them, into build/site/; offline
## (the student edition, without solutions; EDITION=instructor keeps them)
site: $(READY) $(WEB_ASSETS)
	COURSE_EDITION=$(EDITION) $(BIN)/sphinx-build -E -q -W --keep-going -b html -c site -d build/doctrees . build/site

## bench: print the course's benchmark figures
bench: setup
	$(BIN)/python benchmarks/run_all.py

## clean: remove what the commands above build, keeping the venv and the data
clean:
	rm -rf build .pytest_cache .hypothesis .coverage
