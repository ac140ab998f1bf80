"""A passing check means a right answer, and only that.

For every solution notebook, tests/mutations/<notebook>.py lists, per exercise, as (what it is, text
in the solution cell, replacement):
- MUTATIONS, plausible wrong answers (at least five), each of which the check must stop with a
  CheckFailed whose hint the notebook shows in a few lines, never a crash inside the check;
- ACCEPTED, right answers written otherwise than the solution (at least two), each of which the
  check must pass with its ✔ line.
One kernel runs the notebook top to bottom; at each exercise it plants every wrong answer and every
other right answer, each followed by the check, then the real solution and the check. The same run
measures the kernel's peak memory against Binder's 1 GB.
"""

import re
import runpy

import nbformat
import pytest

from checks.core import UNFORESEEN
from conftest import REPO
from tools.notebook_runner import KernelSession

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MUTATIONS = REPO / "tests" / "mutations"
EXERCISE = re.compile(r"Exercise (\d+\.\d+)")
BINDER_BYTES = 1_000_000_000  # Binder guarantees 1 GB; above 2 GB it restarts the kernel
# The kernel's share of Binder's 1 GB, for memory that nothing can reclaim (anonymous and shared):
# beside it, the Jupyter server holds 0.07 GB (JupyterLab 4.6), and the pages of the code that the
# kernel runs must stay resident (0.1 GB: PyTorch's CPU build, numpy, matplotlib, ipykernel)
KERNEL_BYTES = BINDER_BYTES - 200_000_000
MIN_WRONG, MIN_ACCEPTED = 5, 2
HINT_LINES = 6  # a failed check shows its hint in a few lines, not a traceback through the checker


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


def planted_answers(path):
    """(wrong answers, right answers in other spellings), each {exercise label: [(what, old, new)]}."""
    file = MUTATIONS / f"{path.stem}.py"
    found = runpy.run_path(str(file)) if file.is_file() else {}
    return found.get("MUTATIONS", {}), found.get("ACCEPTED", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_wrong_and_right_answers_to_plant(path):
    labels = [label for label, _ in exercises(nbformat.read(path, as_version=4)).values()]
    assert len(labels) >= 2, f"{path.name}: at least two exercises per notebook"
    assert None not in labels and len(set(labels)) == len(labels), (
        f"{path.name}: every solution cell needs its own 'Exercise N.M' heading above it: {labels}")
    wrong, right = planted_answers(path)
    for kind, answers, least in (("wrong answers", wrong, MIN_WRONG), ("accepted answers", right, MIN_ACCEPTED)):
        assert set(answers) == set(labels), f"{path.name}: {kind} for {sorted(answers)}, exercises {labels}"
        for label, planted in answers.items():
            assert len(planted) >= least, f"Exercise {label}: give at least {least} {kind}"


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.name)
def notebook_run(request):
    """Run one notebook with its wrong answers; returns the problems found and the kernel's peak."""
    path, problems = request.param, []
    wrong, right = planted_answers(path)
    with KernelSession(path) as kernel:
        solutions = exercises(kernel.notebook)
        checks = {check: label for label, check in solutions.values()}
        for index, cell in enumerate(kernel.notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in solutions:
                label, check = solutions[index]
                check_source = kernel.notebook.cells[check].source
                problems += try_wrong_answers(kernel, label, cell.source, check_source, wrong.get(label, []))
                problems += try_right_answers(kernel, label, cell.source, check_source, right.get(label, []))
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


def plant(kernel, label, solution, check, answer):
    """Run the solution cell with one answer planted, then the check; (problem or None, check's result)."""
    what, old, new = answer
    if old not in solution:
        return f"Exercise {label}, '{what}': {old!r} is not in the solution cell", None
    planted = kernel.run(solution.replace(old, new))
    result = kernel.run(check)
    kernel.run(FORGET_THE_ERROR)
    if planted.error:
        return (f"Exercise {label}, '{what}': the planted answer itself fails to run "
                f"({planted.error}: {planted.message})"), None
    return None, result


def try_wrong_answers(kernel, label, solution, check, answers):
    problems = []
    for answer in answers:
        problem, result = plant(kernel, label, solution, check, answer)
        what = answer[0]
        if problem:
            problems.append(problem)
        elif result.error not in ("CheckFailed", "AssertionError"):
            problems.append(f"Exercise {label}: the check does not reject '{what}' with a hint "
                            f"({result.error or 'it passed'}: {result.message})")
        elif UNFORESEEN in result.message or "Hint" not in result.message:
            problems.append(f"Exercise {label}: the check rejects '{what}' without a hint that names "
                            f"the rule: {result.message}")
        elif len(result.traceback) > HINT_LINES:
            problems.append(f"Exercise {label}: rejecting '{what}', the check shows "
                            f"{len(result.traceback)} lines of traceback, not its hint alone")
    return problems


def try_right_answers(kernel, label, solution, check, answers):
    problems = []
    for answer in answers:
        problem, result = plant(kernel, label, solution, check, answer)
        if problem:
            problems.append(problem)
        elif result.error or not (result.text.rstrip().splitlines() or [""])[-1].startswith("✔"):
            problems.append(f"Exercise {label}: the check rejects a right answer, '{answer[0]}' "
                            f"({result.error}: {result.message})")
    return problems


def test_checks_reject_every_wrong_answer_and_accept_every_right_one(notebook_run):
    problems, _ = notebook_run
    assert not problems, "\n".join(problems)


def test_kernel_peak_memory_fits_binder(notebook_run):
    """The kernel's anonymous and shared memory fits its share of Binder's 1 GB.

    Only that memory can exhaust the container: Linux drops the file-backed pages of the shared
    libraries whenever memory runs short and reads them back from disk. The whole resident peak
    (VmHWM) counts those pages too, and how many a kernel maps does not depend on the course: on one
    machine, notebook 04 peaked at 0.93 GB resident with PyTorch installed by pip 23 (Python 3.11)
    and at 1.19 GB with pip 24 (Python 3.13), whose large writes leave the libraries' files in the
    page cache in large pieces, each mapped whole; its anonymous memory was 0.58 GB both times.
    The figure here is measured with PyTorch's CUDA build, whose import holds 0.14 GB more
    anonymous memory than the CPU build that Binder installs (2.13.0+cpu measured): Binder's kernel
    stays below it."""
    _, peak = notebook_run
    assert peak.unreclaimable <= KERNEL_BYTES, (
        f"the kernel's anonymous and shared memory peaked at {peak.unreclaimable / 1e9:.2f} GB "
        f"(resident: {peak.resident / 1e9:.2f} GB); of Binder's guaranteed 1 GB, the kernel may use "
        f"{KERNEL_BYTES / 1e9:.1f} GB")
