"""Code that students read fits a slide, and no dead code: pyflakes and line length by ruff, and
every function a notebook displays with show_source at most 20 lines."""

import inspect
import re
import subprocess
import sys

import nbformat
import pytest

import coursekit
import diffType as diffType_module
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOWN = re.compile(r"show_source\(([\w.]+)\)")
SLIDE_LINES = 20


def test_ruff_finds_no_dead_code_and_no_line_over_100_characters():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format",
                             "concise", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def shown_functions():
    """(notebook, expression) for every show_source(...) call in the solution notebooks."""
    return [(path.name, expression) for path in NOTEBOOKS
            for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
            for expression in SHOWN.findall(cell.source)]


@pytest.mark.parametrize("notebook, expression", shown_functions())
def test_functions_shown_on_slides_fit_a_slide(notebook, expression):
    namespace = {**vars(coursekit), **vars(diffType_module), "coursekit": coursekit,
                 "dt": diffType_module}
    try:
        shown = eval(expression, namespace)
    except (NameError, AttributeError):
        pytest.skip(f"{expression} is defined in the notebook itself")
    lines = inspect.getsource(shown).splitlines()
    assert len(lines) <= SLIDE_LINES, f"{notebook} shows {expression}: {len(lines)} lines"
