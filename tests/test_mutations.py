"""A passing check means a right answer: every exercise's check rejects plausible wrong answers.

For every solution notebook, tests/mutations/<notebook>.py lists wrong answers to its exercises as
(what is wrong, text in the solution cell, replacement). One kernel runs the notebook top to bottom;
at each exercise it first runs every wrong answer followed by the check, which must stop it with
an AssertionError and a hint, then the real solution and the check, which must print its ✔ line.
The same run measures the kernel's peak memory against Binder's 1 GB.
"""

import re
import runpy

import nbformat
import pytest

from conftest import REPO
from tools.notebook_runner import KernelSession

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MUTATIONS = REPO / "tests" / "mutations"
EXERCISE = re.compile(r"Exercise (\d+\.\d+)")
BINDER_BYTES = 1_000_000_000  # Binder guarantees 1 GB; above 2 GB it restarts the kernel


def exercises(notebook):
    """{solution cell index: (label, check cell index)}. The label comes from the nearest
    markdown cell above that names 'Exercise N.M'; the check is the next code cell."""
    found, label = {}, None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and EXERCISE.search(cell.source):
            label = EXERCISE.search(cell.source)[1]
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            check = next(i for i in range(index + 1, len(notebook.cells))
                         if notebook.cells[i].cell_type == "code")
            found[index] = (label, check)
    return found


def wrong_answers(path):
    file = MUTATIONS / f"{path.stem}.py"
    return runpy.run_path(str(file))["MUTATIONS"] if file.is_file() else {}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_at_least_two_wrong_answers(path):
    labels = [label for label, _ in exercises(nbformat.read(path, as_version=4)).values()]
    assert len(labels) >= 2, f"{path.name}: at least two exercises per notebook"
    assert None not in labels and len(set(labels)) == len(labels), (
        f"{path.name}: every solution cell needs its own 'Exercise N.M' heading above it: {labels}")
    mutations = wrong_answers(path)
    assert set(mutations) == set(labels), f"{path.name}: wrong answers for {sorted(mutations)}, exercises {labels}"
    for label, answers in mutations.items():
        assert len(answers) >= 2, f"Exercise {label}: give at least two plausible wrong answers"


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.name)
def notebook_run(request):
    """Run one notebook with its wrong answers; returns the problems found and the kernel's peak."""
    path, problems = request.param, []
    mutations = wrong_answers(path)
    with KernelSession(path) as kernel:
        solutions = exercises(kernel.notebook)
        checks = {check: label for label, check in solutions.values()}
        for index, cell in enumerate(kernel.notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in solutions:
                label, check = solutions[index]
                problems += try_wrong_answers(kernel, label, cell.source,
                                              kernel.notebook.cells[check].source, mutations.get(label, []))
            result = kernel.run(cell.source)
            if result.error:
                pytest.fail(f"{path.name} cell {index} fails with the right answers: "
                            f"{result.error}: {result.message}")
            if index in checks and not result.text.rstrip().splitlines()[-1].startswith("✔"):
                problems.append(f"Exercise {checks[index]}: the check passed but did not end with its ✔ line")
        return problems, kernel.peak_memory_bytes()


# A failed check's traceback keeps its frames, and the tensors they hold, alive. A student who
# fixes an answer leaves one behind; this test plants up to 11 wrong answers in a row, whose
# leftovers would count against Binder's 1 GB although no student's kernel holds them all.
FORGET_THE_ERROR = """import gc as _gc, sys as _sys
_sys.last_type = _sys.last_value = _sys.last_traceback = _sys.last_exc = None
_gc.collect()"""


def try_wrong_answers(kernel, label, solution, check, answers):
    problems = []
    for what, old, new in answers:
        if old not in solution:
            problems.append(f"Exercise {label}, '{what}': {old!r} is not in the solution cell")
            continue
        planted = kernel.run(solution.replace(old, new))
        result = kernel.run(check)
        kernel.run(FORGET_THE_ERROR)
        if planted.error:
            problems.append(f"Exercise {label}, '{what}': the wrong answer itself fails to run "
                            f"({planted.error}: {planted.message})")
        elif result.error != "AssertionError":
            problems.append(f"Exercise {label}: the check does not reject '{what}' with an AssertionError "
                            f"({result.error or 'it passed'}: {result.message})")
        elif not result.message.strip():
            problems.append(f"Exercise {label}: the check rejects '{what}' without a hint")
    return problems


def test_checks_reject_every_wrong_answer(notebook_run):
    problems, _ = notebook_run
    assert not problems, "\n".join(problems)


def test_kernel_peak_memory_fits_binder(notebook_run):
    _, peak = notebook_run
    assert peak <= BINDER_BYTES, f"the kernel peaked at {peak / 1e9:.2f} GB; Binder guarantees 1 GB"
